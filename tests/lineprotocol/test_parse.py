"""The importer reads line protocol exactly as InfluxDB 1.x does: each line is written
raw to the real server and imported into another database, and what the two databases
hold afterwards must be the same."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest

from influxpy.connection import Connection
from influxpy.exceptions import ServerError
from influxpy.lineprotocol import parse_line
from influxpy.quoting import quote_ident
from influxpy.transfer import RefusedLine, import_file

CORPUS = [
    # the four
    'm,t=a\\\\,b=c v=1 1', 'm,t=a,t=b v=1 1', '\u00a0m v=1 1', '\x0cm v=1 1', 'm v=+5 1',
    # numbers
    'm v=-5 1', 'm v=5i 1', 'm v=+5i 1', 'm v=-5i 1', 'm v=5u 1', 'm v=1e3 1', 'm v=1E3 1',
    'm v=.5 1', 'm v=5. 1', 'm v=-.5 1', 'm v=1.e5 1', 'm v=1e3i 1', 'm v=1e400 1',
    'm v=NaN 1', 'm v=inf 1', 'm v=n 1', 'm v=0x10 1', 'm v=1_000 1', 'm v=00.5 1', 'm v=-0 1',
    'm v=1. 1', 'm v=1e 1', 'm v=e1 1', 'm v=- 1', 'm v=+ 1', 'm v=1i2 1',
    'm v=9223372036854775808i 1', 'm v=-9223372036854775808i 1', 'm v=9223372036854775807i 1',
    # booleans and strings
    'm v=t 1', 'm v=T 1', 'm v=True 1', 'm v=TRUE 1', 'm v=tRue 1', 'm v=f 1', 'm v=ttrue 1',
    'm v="a\\"b" 1', 'm v="a\\\\b" 1', 'm v="a\\nb" 1', 'm v="a\\b" 1', 'm v="" 1',
    'm v="x y=1" 1', 'm v="a\nb=1" 1', 'm,t=a v=1,w="x y" 1', 'm,t=é v="é" 1',
    # structure
    'm v= 1', 'm v 1', 'm,t= v=1 1', 'm,=a v=1 1', 'm v=1,v=2 1', 'm v=1i,v=2 1', 'm v=1  1',
    'm  v=1 1', 'm v=1 1 ', ' m v=1 1', '\tm v=1 1', '\x00m v=1 1', 'm,t=a \tv=1 1',
    'm v=1 1\t', 'm v=1\t1', 'm,t=a,', 'm,t=a v=1,', 'm v=1,w 1', 'm,b=2,a=1 v=1 1',
    'm,t=a=b v=1 1', 'm "v"=1 1', 'm v=1 1 2',
    # escapes in names
    'm\\ x,t\\=k=v\\,w v\\ y=1 1', 'm\\x v=1 1', 'm,t=a\\ b v=1 1', 'm,t=a\\b v=1 1',
    'm\\=x v=1 1', 'm,t=a\\\\ v=1 1', 'm,a\\\\=b=c v=1 1',
    # timestamps
    'm v=1 01', 'm v=1 -1', 'm v=1 1.5', 'm v=1 +1', 'm v=1 -0', 'm v=1 9223372036854775806',
    'm v=1 -9223372036854775806',
    # names InfluxDB accepts but stores unreadably or reserves: refused by influxpy
    'm\\\\ x v=1 1', 'm,tag=1 time=1 1', 'time v=1 1', 'm,time=x v=1 1',
]
# Lines the server takes but cannot give back as written: influxpy refuses them.
STRICTER = {'m\\\\ x v=1 1'}


def _contents(conn: Connection, db: str) -> dict[str, Any]:
    """Every point of a database with its series' tags and its fields' types."""
    out: dict[str, Any] = {}
    (shown,) = conn.query('SHOW MEASUREMENTS', database=db)
    for series in shown.get('series', []):
        for (name,) in series['values']:
            ident = quote_ident(name)
            (rows,) = conn.query(f'SELECT * FROM {ident} GROUP BY *', database=db)
            if not rows.get('series'):
                continue  # a refused write may leave an empty measurement behind
            (kinds,) = conn.query(f'SHOW FIELD KEYS FROM {ident}', database=db)
            out[name] = (rows['series'], kinds['series'])
    return out


@pytest.fixture
def two_databases(influx_db: Connection) -> Any:
    names = [f'lp_{uuid.uuid4().hex[:8]}' for _ in range(2)]

    def reset() -> list[str]:
        for name in names:
            influx_db.query(f'DROP DATABASE {quote_ident(name)}')
            influx_db.query(f'CREATE DATABASE {quote_ident(name)}')
        return names
    yield reset
    for name in names:
        influx_db.query(f'DROP DATABASE {quote_ident(name)}')


@pytest.mark.parametrize('line', CORPUS)
def test_the_importer_reads_each_line_as_the_server_does(influx_db: Connection,
                                                         two_databases: Any,
                                                         line: str) -> None:
    raw_db, import_db = two_databases()
    try:
        influx_db.write((line + '\n').encode(), database=raw_db)
        server_took = True
    except ServerError:
        server_took = False
    problems: list[RefusedLine] = []
    report = import_file(io.BytesIO((line + '\n').encode()), format='lp', database=import_db,
                         on_problem=problems.append, progress=False)
    if line in STRICTER:
        assert server_took and report.written == 0 and problems
        return
    assert _contents(influx_db, import_db) == _contents(influx_db, raw_db)
    if not server_took:
        assert report.written == 0 and len(problems) == 1
    assert report.written + report.refused == 1


def test_a_newline_inside_a_string_field_belongs_to_the_string(influx_db: Connection) -> None:
    # The server keeps reading a quoted string across a newline; the importer must too,
    # or the second half would be read as a line of its own.
    body = b'm s="first\nevil v=1 1" 1\nm v=2 2\n'
    influx_db.write(body, database=influx_db.database)
    expected = _contents(influx_db, influx_db.database or "")
    influx_db.query('DROP SERIES FROM /.*/')
    report = import_file(io.BytesIO(body), format='lp', progress=False)
    assert report.written == 2
    assert _contents(influx_db, influx_db.database or "") == expected
    assert list(expected) == ['m']


def test_crlf_line_endings_are_line_endings(influx_db: Connection) -> None:
    # influxd refuses 'm v=1 1\r' (bad timestamp); the influx CLI's -import reads CRLF
    # files line by line without the '\r', and so does influxpy.
    influx_db.write(b'm v=1 1\nm v=2 2\n')
    expected = _contents(influx_db, influx_db.database or '')
    influx_db.query('DROP SERIES FROM /.*/')
    report = import_file(io.BytesIO(b'm v=1 1\r\nm v=2 2\r\n'), format='lp', progress=False)
    assert report.written == 2
    assert _contents(influx_db, influx_db.database or '') == expected
    assert parse_line('m v=1 1').time == 1


def test_parse_line() -> None:
    line = parse_line('m\\,x,t\\ k=v\\=1 f=1,i=-2i,b=T,s="a\\\\b\\"c" 123')
    assert (line.measurement, line.tags, line.fields, line.time) == (
        'm,x', {'t k': 'v=1'}, {'f': 1.0, 'i': -2, 'b': True, 's': 'a\\b"c'}, 123)
    assert parse_line('m v=1', 's').time is None
    assert parse_line('m v=1 5', 's').time == 5_000_000_000
    for bad, words in [('m', 'no fields'), ('m,t v=1', 'key=value'),
                       ('m v=nan', 'not a number'), ('m v=1 x', 'not a timestamp'),
                       (',t=a v=1', 'no measurement'), (' v=1', 'no fields')]:
        with pytest.raises(ValueError, match=words):
            parse_line(bad)
