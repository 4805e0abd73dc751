"""Imports against the real server: bad lines reported with their numbers, the rest
written; an import that loses the server says where to resume."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from influxpy.connection import Connection
from influxpy.transfer import RefusedLine, TransferError, import_file

from ..readback import measurements, rows
from .helpers import Reading, write_file


def test_csv_into_a_model_reports_bad_lines_and_writes_the_rest(influx_db: Connection,
                                                                tmp_path: Path) -> None:
    path = write_file(tmp_path, 'readings.csv', (
        'time,sensor,temperature,count,ok,note,humidity %,colour\n'
        '2024-01-01T00:00:00.000000001Z,s1,21.5,3,true,"hi, ""there""",40.5,\n'  # line 2
        '1704067200000000002,s1,-0.1,,false,,,\n'                                 # line 3
        '2024-01-01T00:00:03Z,s1,warm,1,true,,,\n'                                # line 4
        'yesterday,s1,20,1,true,,,\n'                                             # line 5
        '2024-01-01T00:00:05Z,s1,20\n'                                            # line 6
        '2024-01-01T00:00:06Z,s1,20,1.5,true,,,\n'                                # line 7
        '2024-01-01T00:00:07Z,s1,20,1,true,,,red\n'                               # line 8
        '2024-01-01T00:00:08Z,,20,1,true,,,\n'                                    # line 9
        '\n'
        '2024-01-01T00:00:10Z,s2,1e-300,,,"multi\nline",,\n'                      # line 11
        '2024-01-01T00:00:11Z,s2,19,2,maybe,,,\n'))                               # line 13
    seen: list[RefusedLine] = []
    report = import_file(path, model=Reading, batch_size=2, on_problem=seen.append)
    assert [p.line for p in seen] == [4, 5, 6, 7, 8, 9, 13]
    assert report.problems == seen
    messages = dict((p.line, p.message) for p in seen)
    assert "'warm' is not a number (float field 'temperature')" in messages[4]
    assert "time: 'yesterday' is not a time" in messages[5]
    assert "missing column(s) 'count', 'ok', 'note', 'humidity %', 'colour'" in messages[6]
    assert "'1.5' is not an integer (integer field 'count')" in messages[7]
    assert "unknown field 'colour'" in messages[8]
    assert 'Reading.sensor' in messages[9] and 'required' in messages[9]
    assert "'maybe' is not true or false" in messages[13]
    assert (report.read, report.written, report.refused) == (10, 3, 7)
    assert str(report) == 'read 10 lines: 3 points written, 7 refused'

    points = list(Reading.series.all())
    assert len(points) == 3 == rows(influx_db, 'SELECT count(temperature) FROM readings')[0][
        'count']
    first, second, third = points
    assert first.time_ns == 1704067200000000001
    assert (first.sensor, first.temperature, first.count, first.ok, first.note,
            first.humidity) == ('s1', 21.5, 3, True, 'hi, "there"', 40.5)
    assert (second.time_ns, second.temperature, second.ok, second.count) == (
        1704067200000000002, -0.1, False, None)
    assert (third.sensor, third.temperature, third.note) == ('s2', 1e-300, 'multi\nline')


def test_csv_header_problems_stop_before_writing(influx_db: Connection,
                                                 tmp_path: Path) -> None:
    no_time = write_file(tmp_path, 'a.csv', 'sensor,temperature\ns1,1\n')
    with pytest.raises(TransferError, match="no 'time' column"):
        import_file(no_time, model=Reading)
    no_sensor = write_file(tmp_path, 'b.csv', 'time,temperature\n1,1\n')
    with pytest.raises(TransferError, match='requires the column.*sensor'):
        import_file(no_sensor, model=Reading)
    with pytest.raises(TransferError, match='tag column.*host'):
        import_file(no_sensor, measurement='m', tags=['host'])
    assert rows(influx_db, 'SHOW MEASUREMENTS') == []


def test_csv_into_a_measurement_infers_types(influx_db: Connection, tmp_path: Path) -> None:
    influx_db.write(b'weather,city=x n=1i 1\n')  # an existing integer field keeps its type
    path = write_file(tmp_path, 'weather.csv', (
        'time,city,temp,rain,sky,n\n'
        '2012-01-01T00:00:00Z,Seattle,12.8,true,drizzle,5\n'
        '2012-01-02T00:00:00Z,Seattle,10,false,rain,6\n'
        '2012-01-03T00:00:00Z,Seattle,cold,false,rain,7\n'    # line 4: not a number
        '2012-01-04T00:00:00Z,Seattle,9.5,sometimes,sun,8\n'  # line 5: not a boolean
        '2012-01-05T00:00:00Z,Seattle,9.5,true,42,9.5\n'      # line 6: not an integer
        '2012-01-06T00:00:00Z,,8,,,\n'))
    seen: list[RefusedLine] = []
    report = import_file(path, measurement='weather', tags=['city'], on_problem=seen.append)
    assert [p.line for p in seen] == [4, 5, 6]
    assert report.written == 3
    assert rows(influx_db, 'SELECT * FROM weather WHERE time > 1') == [
        {'time': 1325376000000000000, 'city': 'Seattle', 'temp': 12.8, 'rain': True,
         'sky': 'drizzle', 'n': 5},
        {'time': 1325462400000000000, 'city': 'Seattle', 'temp': 10.0, 'rain': False,
         'sky': 'rain', 'n': 6},
        {'time': 1325808000000000000, 'city': None, 'temp': 8.0, 'rain': None, 'sky': None,
         'n': None}]
    kinds = {r['fieldKey']: r['fieldType'] for r in rows(influx_db, 'SHOW FIELD KEYS')}
    assert kinds == {'n': 'integer', 'rain': 'boolean', 'sky': 'string', 'temp': 'float'}


def test_line_protocol_bad_lines_and_server_refusals(influx_db: Connection,
                                                     tmp_path: Path) -> None:
    influx_db.write(b'target v=1i 1\n')  # v is an integer on the server
    path = write_file(tmp_path, 'points.lp', (
        '# a comment\n'
        'cpu,host=a v=1i 10\n'                   # line 2
        'cpu,host=a v=1i,w 20\n'                 # line 3: a field without a value
        'cpu,host=a v=abc 30\n'                  # line 4: bad value
        'cpu,host=a v=2i later\n'                # line 5: bad timestamp
        '\n'
        'cpu,host=a v=1.5 60\n'                  # line 7: a float where v is an integer
        'cpu,host=b\\ c v=3i,s="q \\"x\\"" 70\n'))  # line 8
    seen: list[RefusedLine] = []
    report = import_file(path, measurement='target', on_problem=seen.append, batch_size=10)
    assert [p.line for p in seen] == [3, 4, 5, 7]
    assert 'field type conflict' in seen[-1].message
    assert (report.read, report.written, report.refused) == (6, 2, 4)
    assert rows(influx_db, 'SELECT * FROM target WHERE time > 1') == [
        {'time': 10, 'host': 'a', 'v': 1, 's': None},
        {'time': 70, 'host': 'b c', 'v': 3, 's': 'q "x"'}]
    assert rows(influx_db, 'SHOW MEASUREMENTS') == [{'name': 'target'}]


def test_line_protocol_into_a_model(influx_db: Connection, tmp_path: Path) -> None:
    path = write_file(tmp_path, 'r.txt', (
        'anything,sensor=s1 temperature=20,humidity\\ %=50 100\n'
        'anything,sensor=s1 temperature=21,colour="red" 200\n'   # line 2: unknown field
        'anything,sensor=s1 temperature="hot" 300\n'             # line 3: wrong type
        'anything,sensor=s1 temperature=22i,count=2i 400\n'))
    seen: list[RefusedLine] = []
    report = import_file(path, model=Reading, on_problem=seen.append)
    assert [p.line for p in seen] == [2, 3]
    assert "unknown field or tag 'colour'" in seen[0].message
    assert 'Reading.temperature' in seen[1].message
    assert [(r.time_ns, r.temperature, r.humidity, r.count) for r in Reading.series.all()] == [
        (100, 20.0, 50.0, None), (400, 22.0, None, 2)]
    assert report.written == 2


def test_a_cell_can_never_write_a_second_point(influx_db: Connection, tmp_path: Path) -> None:
    # A newline inside a quoted tag cell would end the line of line protocol and start a
    # forged one; names and tag values are checked as a model's are, before any text.
    path = tmp_path / 'evil.csv'
    path.write_bytes(b'time,host,v\n'
                     b'1,"x\nevil,forged=1 stolen=42",1\n'
                     b'2,ok,2\n'
                     b'3,"ends\\",3\n')
    seen: list[RefusedLine] = []
    report = import_file(path, measurement='m', tags=['host'], on_problem=seen.append)
    assert [p.line for p in seen] == [3, 5]
    assert 'newline' in seen[0].message and 'backslash' in seen[1].message
    assert report.written == 1
    assert measurements(influx_db) == ['m']
    assert rows(influx_db, 'SELECT * FROM m') == [{'time': 2, 'host': 'ok', 'v': 2.0}]


def test_line_protocol_names_are_checked_before_writing(influx_db: Connection,
                                                        tmp_path: Path) -> None:
    path = write_file(tmp_path, 'in.lp', '#comment\nm v=1 1\nm v=2 2\n')
    seen: list[RefusedLine] = []
    # A measurement the server would read as a comment is refused, not silently dropped.
    report = import_file(path, measurement='#m', on_problem=seen.append)
    assert report.written == 0 and [p.line for p in seen] == [2, 3]
    assert "'#'" in seen[0].message
    assert measurements(influx_db) == []


def test_a_cell_over_the_csv_limit_is_reported_and_the_rest_imported(
        influx_db: Connection, tmp_path: Path) -> None:
    import csv
    big = 'x' * (csv.field_size_limit() + 10)
    path = tmp_path / 'big.csv'
    path.write_text(f'time,host,v\n1,a,1\n2,{big},2\n3,c,3\n', encoding='utf-8')
    seen: list[RefusedLine] = []
    report = import_file(path, measurement='m', tags=['host'], on_problem=seen.append)
    assert [(p.line, p.message) for p in seen] == [
        (3, f'cell over {csv.field_size_limit()} bytes')]
    assert report.written == 2 and report.refused == 1
    assert [(r['time'], r['host']) for r in rows(influx_db, 'SELECT * FROM m')] == [
        (1, 'a'), (3, 'c')]


@pytest.mark.parametrize('kind', ['csv', 'lp'])
def test_lines_that_are_not_utf8_are_refused_never_changed(influx_db: Connection,
                                                            tmp_path: Path, kind: str) -> None:
    if kind == 'csv':
        body = b'time,host,v\n1,caf\xe9,1\n2,caf\xc3\xa9,2\n'
    else:
        body = b'm,host=caf\xe9 v=1 1\nm,host=caf\xc3\xa9 v=2 2\n'
    path = tmp_path / f'latin1.{kind}'
    path.write_bytes(body)
    seen: list[RefusedLine] = []
    report = import_file(path, measurement='m', tags=['host'] if kind == 'csv' else (),
                         on_problem=seen.append)
    line = 2 if kind == 'csv' else 1
    column = 6 if kind == 'csv' else 11
    assert [(p.line, p.message) for p in seen] == [
        (line, f'not UTF-8 (byte 0xe9 at column {column})')]
    assert report.written == 1
    assert rows(influx_db, 'SELECT * FROM m') == [{'time': 2, 'host': 'café', 'v': 2.0}]


class _KillsServerAt(io.BytesIO):
    """A file whose reading stops the server when it reaches a given line."""

    def __init__(self, data: bytes, line: int, server: Any) -> None:
        super().__init__(data)
        self.line, self.server, self.seen = line, server, 0

    def __next__(self) -> bytes:
        self.seen += 1
        if self.seen == self.line:
            self.server.kill_process()
        return super().__next__()


@pytest.mark.parametrize('kind', ['csv', 'lp'])
def test_an_import_that_loses_the_server_says_where_to_resume(tmp_path: Path,
                                                               kind: str) -> None:
    import influxpy
    from influxpy.testing.server import InfluxServer
    from influxpy.transfer import ImportInterrupted

    total = 30_000
    if kind == 'csv':
        body = 'time,host,v\n' + ''.join(f'{i},h{i % 7},{i}\n' for i in range(1, total + 1))
    else:
        body = ''.join(f'm,host=h{i % 7} v={i} {i}\n' for i in range(1, total + 1))
    data = body.encode()
    with InfluxServer() as server:
        conn = influxpy.connect(f'{server.url}/imp?retries=0&timeout=5', alias='imp')
        try:
            conn.query('CREATE DATABASE imp')
            with pytest.raises(ImportInterrupted) as info:
                import_file(_KillsServerAt(data, 20_000, server), format=kind,
                            measurement='m', tags=['host'] if kind == 'csv' else (),
                            using='imp', batch_size=1000, progress=False)
            error = info.value
            assert 'cannot reach InfluxDB' in str(error)
            assert f'--resume-from {error.resume_from}' in str(error)
            server.restart()
            stored = rows(conn, 'SELECT count(v) FROM m')[0]['count']
            header = 1 if kind == 'csv' else 0
            # Every line before resume_from is on the server; the report says how many.
            assert stored >= error.resume_from - 1 - header
            assert error.report.written == error.resume_from - 1 - header
            report = import_file(io.BytesIO(data), format=kind, measurement='m',
                                 tags=['host'] if kind == 'csv' else (), using='imp',
                                 batch_size=1000, progress=False,
                                 resume_from=error.resume_from)
            assert report.written == total - (error.resume_from - 1 - header)
            assert rows(conn, 'SELECT count(v) FROM m')[0]['count'] == total
        finally:
            influxpy.disconnect('imp')
