"""Results against the real server: every shape, exact values, chunks, time zones, laziness."""

from __future__ import annotations

import itertools
import math
import struct
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from influxpy import fields, models
from influxpy.connection import Connection
from influxpy.exceptions import InfluxPyError, QueryError
from influxpy.results import (
    InfluxResult,
    PandasMissingError,
    iter_series,
    to_dataframe,
    to_dicts,
    to_instances,
    to_results,
    to_tuples,
)
from influxpy.times import InfluxTime

PARIS = ZoneInfo('Europe/Paris')


class Reading(models.InfluxMeasurement):
    measurement = 'reading'
    value = fields.FloatField(null=True)
    count = fields.IntegerField(null=True)
    ok = fields.BooleanField(null=True)
    note = fields.StringField(null=True)
    load = fields.InfluxField(null=True, db_name='cpu load')
    host = fields.InfluxTag(null=True)
    dc = fields.InfluxTag(null=True, db_name='data-center')


def bits(value: float) -> bytes:
    return struct.pack('>d', value)


def lp_string(text: str) -> str:
    return '"' + text.replace('\\', '\\\\').replace('"', '\\"') + '"'


def write(db: Connection, lines: Iterable[str]) -> None:
    db.write('\n'.join(lines).encode())


def chunked(db: Connection, statement: str, chunk_size: int = 3) -> Iterator[dict[str, Any]]:
    return iter_series(db.query_chunks(statement, chunk_size=chunk_size))


def series(db: Connection, statement: str) -> Iterator[dict[str, Any]]:
    return iter_series(db.query(statement))


# Hostile values: float bit patterns, int64 extremes, booleans, strings, nulls, times.
FLOATS = [0.1, 1 / 3, 5e-324, 1e308, -0.0, -1.7976931348623157e308, 2.0 ** 53 + 2]
STRINGS = ['é😀 naïve', 'say "hi"', 'back\\slash', 'trailing\\', "it's", '', 'tab\tnew\nline']
INT_EXTREMES = [-(2 ** 63), 2 ** 63 - 1, 0, -1]
TIMES = [-5, -1_000_000_000_123_456_789, 0, 1, 1_500_000_000_123_456_789,
         9_223_372_036_854_775_806]


def exact_points() -> list[Reading]:
    points = []
    for i, ns in enumerate(TIMES):
        points.append(Reading(
            time=ns, value=FLOATS[i % len(FLOATS)], count=INT_EXTREMES[i % 4],
            ok=bool(i % 2), note=STRINGS[i % len(STRINGS)], load=float(i) if i % 3 else None,
            host=f'h{i % 2}', dc='paris' if i % 3 else None))
    points.append(Reading(time=2, value=FLOATS[-1], count=None, ok=None, note=STRINGS[-1],
                          host=None, dc='x y,z=w'))
    return points


def lp_tag(text: str) -> str:
    return text.replace(' ', '\\ ').replace(',', '\\,').replace('=', '\\=')


def to_line(point: Reading) -> str:
    tags = ''.join(f',{key}={lp_tag(value)}'
                   for key, value in (('host', point.host), ('data-center', point.dc))
                   if value is not None)
    values = []
    if point.value is not None:
        values.append(f'value={point.value!r}')
    if point.count is not None:
        values.append(f'count={point.count}i')
    if point.ok is not None:
        values.append(f'ok={"true" if point.ok else "false"}')
    if point.note is not None:
        values.append(f'note={lp_string(point.note)}')
    if point.load is not None:
        values.append(f'cpu\\ load={point.load!r}')
    return f'reading{tags} {",".join(values)} {point.time_ns}'


def assert_same_point(got: Reading, expected: Reading) -> None:
    assert type(got) is Reading
    assert got.time_ns == expected.time_ns
    assert got.time == InfluxTime.from_ns(expected.time_ns or 0)
    for name in ('value', 'load'):
        want = getattr(expected, name)
        have = getattr(got, name)
        assert (have is None) == (want is None), name
        if want is not None:
            assert type(have) is float and bits(have) == bits(want), (name, have, want)
    assert type(got.count) is type(expected.count) and got.count == expected.count
    assert got.ok is expected.ok
    assert got.note == expected.note and got.host == expected.host and got.dc == expected.dc


@pytest.fixture
def exact(influx_db: Connection) -> list[Reading]:
    points = exact_points()
    write(influx_db, map(to_line, points))
    return sorted(points, key=lambda p: p.time_ns or 0)


# -- instances -------------------------------------------------------------------------

def test_instances_are_what_was_written_to_the_last_bit(influx_db: Connection,
                                                        exact: list[Reading]) -> None:
    got = list(to_instances(Reading, series(influx_db, 'SELECT * FROM reading')))
    assert len(got) == len(exact)
    for have, want in zip(got, exact):
        assert_same_point(have, want)
    assert got == exact
    assert got[0].time == InfluxTime.from_ns(-1_000_000_000_123_456_789)
    assert got[0].time.nanosecond == 211  # -…123_456_789 ns is …876_543_211 past a second
    assert bits(got[[p.time_ns for p in got].index(1_500_000_000_123_456_789)].value) == bits(-0.0)


def test_instances_streamed_in_small_chunks_are_the_same(influx_db: Connection,
                                                         exact: list[Reading]) -> None:
    got = list(to_instances(Reading, chunked(influx_db, 'SELECT * FROM reading', 2)))
    assert got == exact


def test_instances_written_by_the_model_come_back_equal(influx_db: Connection) -> None:
    objs = [Reading(time=1_700_000_000_000_000_000 + i * 1001, value=i / 7, count=i,
                    ok=i % 2 == 0, note=f'n{i}' if i % 3 else None, load=None,
                    host=f'h{i % 3}', dc=None) for i in range(50)]
    Reading.series.bulk_create(objs)
    got = list(to_instances(Reading, series(influx_db, 'SELECT * FROM reading')))
    assert got == objs
    assert [bits(o.value) for o in got] == [bits(o.value) for o in objs]


def test_instances_of_a_group_by_carry_the_series_tags(influx_db: Connection,
                                                       exact: list[Reading]) -> None:
    got = list(to_instances(Reading, chunked(
        influx_db, 'SELECT * FROM reading GROUP BY host, "data-center"', 2)))
    assert sorted(got, key=lambda p: p.time_ns or 0) == exact
    assert {(p.host, p.dc) for p in got} == {(p.host, p.dc) for p in exact}


def test_instances_keep_aliases_as_attributes_and_refuse_hiding_names(
        influx_db: Connection) -> None:
    write(influx_db, ['reading,host=a value=1.5,count=2i 10'])
    (obj,) = to_instances(Reading, series(
        influx_db, 'SELECT value, value * 2 AS doubled, count FROM reading'))
    assert (obj.value, obj.doubled, obj.count, obj.note, obj.host) == (1.5, 3.0, 2, None, None)
    assert obj.time_ns == 10
    with pytest.raises(QueryError, match="'save'.*Reading.save"):
        list(to_instances(Reading, series(influx_db, 'SELECT value AS save FROM reading')))


# -- series: InfluxResult ----------------------------------------------------------------

def write_hosts(db: Connection) -> dict[tuple[str, str | None], list[float]]:
    """Three series of float values; returns the values written per (host, dc)."""
    written: dict[tuple[str, str | None], list[float]] = {}
    lines = []
    for i in range(30):
        host, dc = ('a', 'paris') if i % 3 == 0 else ('b', None) if i % 3 == 1 else ('c', 'nyc')
        value = i * 1.25 + 0.1
        written.setdefault((host, dc), []).append(value)
        tags = f',host={host}' + (f',data-center={dc}' if dc else '')
        lines.append(f'reading{tags} value={value!r} {60_000_000_000 * i}')
    write(db, lines)
    return written


def test_group_by_tags_are_kept_by_attribute_name(influx_db: Connection) -> None:
    written = write_hosts(influx_db)
    results = list(to_results(Reading, series(
        influx_db, 'SELECT mean(value) AS mean_value, max(value) FROM reading '
                   'GROUP BY host, "data-center"')))
    assert [r.tags for r in results] == [{'dc': None, 'host': 'b'}, {'dc': 'nyc', 'host': 'c'},
                                         {'dc': 'paris', 'host': 'a'}]
    for result in results:
        values = written[(result.tags['host'], result.tags['dc'])]
        (point,) = result.points
        assert point == {'time': InfluxTime.from_ns(0), 'mean_value': pytest.approx(
            sum(values) / len(values)), 'max': max(values)}
        assert result.name == 'reading'


def test_series_split_across_chunks_are_merged(influx_db: Connection) -> None:
    written = write_hosts(influx_db)
    statement = 'SELECT value FROM reading GROUP BY host, "data-center"'
    pieces = list(chunked(influx_db, statement, 3))
    assert sum(1 for p in pieces if p.get('partial')) >= 6  # the server did split them
    results = list(to_results(Reading, iter(pieces)))
    assert len(results) == 3
    for result in results:
        assert [p['value'] for p in result.points] == written[(result.tags['host'],
                                                               result.tags['dc'])]
        assert [p['time'].time_ns for p in result] == sorted(p['time'].time_ns for p in result)
    assert results == list(to_results(Reading, series(influx_db, statement)))


def test_statements_in_one_answer_are_not_merged(influx_db: Connection) -> None:
    write_hosts(influx_db)
    results = list(to_results(Reading, chunked(
        influx_db, 'SELECT value FROM reading; SELECT value FROM reading', 4)))
    assert [len(r) for r in results] == [30, 30]
    assert results[0] == results[1]


def test_influx_result_repr_equality_and_iteration() -> None:
    points = [{'time': InfluxTime.from_ns(0), 'm': 1.0}]
    result = InfluxResult({'host': 'a', 'dc': None}, points, name='cpu')
    assert repr(result) == "<InfluxResult cpu host='a', dc=None: 1 point>"
    assert result == InfluxResult({'dc': None, 'host': 'a'}, list(points), 'cpu')
    assert result != InfluxResult({'host': 'b', 'dc': None}, points, 'cpu')
    assert result != InfluxResult({'host': 'a', 'dc': None}, [], 'cpu')
    assert list(result) == points and len(result) == 1
    assert repr(InfluxResult({}, [], 'cpu')) == '<InfluxResult cpu: 0 points>'


def test_iter_series_accepts_results_without_series(influx_db: Connection) -> None:
    assert list(iter_series(influx_db.query('SELECT * FROM nothing'))) == []
    assert list(iter_series([{'statement_id': 0}, {'statement_id': 1, 'series': []}])) == []
    assert list(to_instances(Reading, chunked(influx_db, 'SELECT * FROM nothing'))) == []


# -- dicts and tuples ------------------------------------------------------------------

def test_dicts_and_tuples_by_attribute_name(influx_db: Connection,
                                            exact: list[Reading]) -> None:
    statement = 'SELECT * FROM reading'
    dicts = list(to_dicts(Reading, chunked(influx_db, statement)))
    # the server's column order ('count', 'cpu load', 'data-center', …), by attribute name
    expected = [{'time': p.time, 'count': p.count, 'load': p.load, 'dc': p.dc, 'host': p.host,
                 'note': p.note, 'ok': p.ok, 'value': p.value} for p in exact]
    assert dicts == expected
    assert list(dicts[0]) == ['time', 'count', 'load', 'dc', 'host', 'note', 'ok', 'value']
    assert all(type(d['time']) is InfluxTime for d in dicts)
    assert [d['time'].time_ns for d in dicts] == [p.time_ns for p in exact]
    tuples = list(to_tuples(Reading, chunked(influx_db, statement)))
    assert tuples == [tuple(d.values()) for d in dicts]
    named = list(to_tuples(Reading, chunked(influx_db, statement), names=['value', 'time']))
    assert [bits(v) for v, _ in named] == [bits(p.value) for p in exact]
    assert [t.time_ns for _, t in named] == [p.time_ns for p in exact]
    # db names are accepted as well as attribute names
    assert list(to_tuples(Reading, series(influx_db, statement), names=['cpu load'],
                          flat=True)) == [p.load for p in exact]
    assert list(to_dicts(Reading, series(influx_db, statement), names=['note'])) == [
        {'time': p.time, 'note': p.note} for p in exact]


def test_dicts_and_tuples_include_group_by_tags(influx_db: Connection) -> None:
    written = write_hosts(influx_db)
    statement = 'SELECT value FROM reading GROUP BY host, "data-center"'
    dicts = list(to_dicts(Reading, chunked(influx_db, statement, 4)))
    assert len(dicts) == 30
    assert list(dicts[0]) == ['time', 'value', 'dc', 'host']
    for (host, dc), values in written.items():
        assert [d['value'] for d in dicts if (d['host'], d['dc']) == (host, dc)] == values
    flat = list(to_tuples(Reading, chunked(influx_db, statement), names=['host'], flat=True))
    assert flat == [d['host'] for d in dicts]
    pairs = list(to_tuples(Reading, series(influx_db, statement), names=['dc', 'value']))
    assert pairs == [(d['dc'], d['value']) for d in dicts]


def test_tuples_refuse_what_they_cannot_build(influx_db: Connection) -> None:
    write_hosts(influx_db)
    with pytest.raises(QueryError, match='exactly one name'):
        to_tuples(Reading, [], names=['value', 'host'], flat=True)
    with pytest.raises(QueryError, match='exactly one name'):
        to_tuples(Reading, [], flat=True)
    with pytest.raises(QueryError, match="no column 'note'; it has: time, value"):
        list(to_tuples(Reading, series(influx_db, 'SELECT value FROM reading'),
                       names=['note']))
    with pytest.raises(QueryError, match="no column 'nope'"):
        list(to_dicts(Reading, series(influx_db, 'SELECT value FROM reading'),
                      names=['nope']))


# -- time zones --------------------------------------------------------------------------

# Around Paris' DST changes of 2024: 02:00 -> 03:00 on 31 March, 03:00 -> 02:00 on 27 October.
DST_POINTS = {
    1_711_845_000_000_000_123: ('2024-03-31T01:30:00.000000123+01:00', 0),
    1_711_848_600_000_000_456: ('2024-03-31T03:30:00.000000456+02:00', 0),
    1_729_989_000_000_000_789: ('2024-10-27T02:30:00.000000789+02:00', 0),
    1_729_992_600_000_000_999: ('2024-10-27T02:30:00.000000999+01:00', 1),
}


@pytest.fixture
def dst(influx_db: Connection) -> Connection:
    write(influx_db, [f'reading,host=a value={i}.5 {ns}' for i, ns in enumerate(DST_POINTS)])
    return influx_db


def check_zoned(times: list[Any]) -> None:
    assert [t.time_ns for t in times] == list(DST_POINTS)
    for t, (text, fold) in zip(times, DST_POINTS.values()):
        assert type(t) is InfluxTime
        assert t.tzinfo is PARIS and t.isoformat() == text and t.fold == fold
        assert t == InfluxTime.from_ns(t.time_ns, PARIS)


def test_times_in_a_zone_across_dst_changes(dst: Connection) -> None:
    statement = 'SELECT value FROM reading'
    check_zoned([d['time'] for d in to_dicts(Reading, chunked(dst, statement), tz=PARIS)])
    check_zoned([t for t, _ in to_tuples(Reading, series(dst, statement), tz=PARIS)])
    check_zoned(list(to_tuples(Reading, series(dst, statement), names=['time'], flat=True,
                               tz=PARIS)))
    (result,) = to_results(Reading, chunked(dst, statement + ' GROUP BY host', 1), tz=PARIS)
    check_zoned([p['time'] for p in result])
    plus_two = timezone(timedelta(hours=2))
    (first, *_) = to_dicts(Reading, series(dst, statement), tz=plus_two)
    assert first['time'].isoformat() == '2024-03-31T02:30:00.000000123+02:00'
    (first, *_) = to_dicts(Reading, series(dst, statement))
    assert first['time'].tzinfo is UTC


def test_dataframe_in_a_zone_across_dst_changes(dst: Connection) -> None:
    frame = to_dataframe(Reading, series(dst, 'SELECT value FROM reading'), tz=PARIS)
    assert str(frame.index.tz) == 'Europe/Paris'
    assert list(frame.index.asi8) == list(DST_POINTS)
    assert [t.isoformat() for t in frame.index] == [text for text, _ in DST_POINTS.values()]


# -- DataFrames --------------------------------------------------------------------------

def test_dataframe_index_columns_and_exact_values(influx_db: Connection,
                                                  exact: list[Reading]) -> None:
    frame = to_dataframe(Reading, chunked(influx_db, 'SELECT * FROM reading', 2))
    assert isinstance(frame.index, pd.DatetimeIndex)
    assert frame.index.name == 'time' and str(frame.index.tz) == 'UTC'
    assert list(frame.index.asi8) == [p.time_ns for p in exact]
    assert list(frame.columns) == ['count', 'load', 'dc', 'host', 'note', 'ok', 'value']
    assert frame['value'].dtype == 'float64' and frame['load'].dtype == 'float64'
    assert frame['count'].dtype == 'Int64'  # a null among them: pandas' nullable integers
    assert frame['ok'].dtype == 'boolean'
    assert [bits(v) for v in frame['value']] == [bits(p.value) for p in exact]
    assert [None if pd.isna(v) else int(v) for v in frame['count']] == [p.count
                                                                         for p in exact]
    assert [None if pd.isna(v) else bool(v) for v in frame['ok']] == [p.ok for p in exact]
    assert [None if pd.isna(v) else v for v in frame['note']] == [p.note for p in exact]
    assert [None if pd.isna(v) else v for v in frame['dc']] == [p.dc for p in exact]
    assert [math.isnan(v) for v in frame['load']] == [p.load is None for p in exact]


def test_dataframe_dtypes_without_nulls(influx_db: Connection) -> None:
    write(influx_db, [f'reading,host=h{i % 2} value={i}.25,count={2 ** 62 + i}i,ok=true {i}'
                      for i in range(10)])
    frame = to_dataframe(Reading, chunked(influx_db, 'SELECT count, ok, value FROM reading'))
    assert dict(frame.dtypes.astype(str)) == {'count': 'int64', 'ok': 'bool',
                                              'value': 'float64'}
    assert list(frame['count']) == [2 ** 62 + i for i in range(10)]


def test_dataframe_of_a_group_by_has_tags_as_columns(influx_db: Connection) -> None:
    written = write_hosts(influx_db)
    frame = to_dataframe(Reading, chunked(
        influx_db, 'SELECT value FROM reading GROUP BY host, "data-center"', 4))
    assert list(frame.columns) == ['value', 'dc', 'host']
    assert len(frame) == 30
    for (host, dc), values in written.items():
        rows = frame[frame['host'] == host]
        assert list(rows['value']) == values
        assert [None if pd.isna(v) else v for v in rows['dc']] == [dc] * len(values)


def test_dataframe_fills_columns_missing_from_some_series(influx_db: Connection) -> None:
    write(influx_db, ['reading value=1.5,count=7i 1', 'other count=-9223372036854775808i 2',
                      'reading value=2.5 3'])
    frame = to_dataframe(Reading, chunked(influx_db, 'SELECT * FROM reading, other', 1))
    assert list(frame.index.asi8) == [2, 1, 3]  # series after series
    assert frame['count'].dtype == 'Int64'
    assert [None if pd.isna(v) else int(v) for v in frame['count']] == [-(2 ** 63), 7, None]
    assert [None if pd.isna(v) else v for v in frame['value']] == [None, 1.5, 2.5]


def test_dataframe_of_an_empty_answer(influx_db: Connection) -> None:
    frame = to_dataframe(Reading, series(influx_db, 'SELECT * FROM nothing'), tz=PARIS)
    assert len(frame) == 0 and list(frame.columns) == []
    assert frame.index.name == 'time' and str(frame.index.tz) == 'Europe/Paris'


def test_dataframe_without_pandas_says_what_to_install(monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    monkeypatch.setitem(sys.modules, 'pandas', None)
    with pytest.raises(PandasMissingError, match=r"pip install 'influxpy\[pandas\]'") as info:
        to_dataframe(Reading, [])
    assert isinstance(info.value, InfluxPyError) and isinstance(info.value, ImportError)


# -- laziness ----------------------------------------------------------------------------

class CountingChunks:
    """Wraps the chunk stream and counts what has been pulled from the server."""

    def __init__(self, chunks: Iterator[dict[str, Any]]) -> None:
        self.chunks = chunks
        self.pulled = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for chunk in self.chunks:
            self.pulled += 1
            yield chunk


def write_many(db: Connection, count: int) -> None:
    for start in range(0, count, 10_000):
        write(db, [f'reading,host=h{i % 2} value={i}.5,count={i}i {i * 1000}'
                   for i in range(start, min(start + 10_000, count))])


@pytest.mark.parametrize('shape', ['instances', 'dicts', 'tuples'])
def test_rows_are_built_only_as_they_are_consumed(influx_db: Connection, shape: str) -> None:
    write_many(influx_db, 30_000)
    stream = CountingChunks(influx_db.query_chunks('SELECT * FROM reading', chunk_size=1000))
    rows = {'instances': to_instances, 'dicts': to_dicts, 'tuples': to_tuples}[shape](
        Reading, iter_series(stream))
    assert stream.pulled == 0
    first = list(itertools.islice(rows, 1500))
    assert stream.pulled == 2
    values = [r.value if shape == 'instances' else r['value'] if shape == 'dicts' else r[-1]
              for r in first]
    assert values == [i + 0.5 for i in range(1500)]
    assert sum(1 for _ in rows) == 30_000 - 1500
    assert stream.pulled == 30


def test_a_series_is_yielded_when_its_last_piece_arrives(influx_db: Connection) -> None:
    write_many(influx_db, 20_000)
    stream = CountingChunks(influx_db.query_chunks('SELECT value FROM reading GROUP BY host',
                                                   chunk_size=1000))
    results = to_results(Reading, iter_series(stream))
    first = next(results)
    assert first.tags == {'host': 'h0'} and len(first) == 10_000
    assert stream.pulled == 10
    assert [p['value'] for p in first] == [i + 0.5 for i in range(0, 20_000, 2)]
    (second,) = results
    assert second.tags == {'host': 'h1'} and len(second) == 10_000 and stream.pulled == 20


# -- conversions -------------------------------------------------------------------------

class Version(fields.StringField):
    """A field whose from_db changes the value: '1.2.3' -> (1, 2, 3)."""

    def from_db(self, value: Any) -> Any:
        return None if value is None else tuple(int(part) for part in value.split('.'))


class Release(models.InfluxMeasurement):
    measurement = 'release'
    version = Version(null=True)
    size = fields.FloatField(null=True)
    app = fields.InfluxTag()


def test_from_db_is_applied_where_it_changes_something(influx_db: Connection) -> None:
    # size is an integer in the first shard (a week each): a FloatField reads it as a float
    week = 7 * 86400 * 10 ** 9
    write(influx_db, ['release,app=a version="1.2.3",size=10i,extra=1i 1'])
    write(influx_db, [f'release,app=b version="2.0.10",size=2.5 {2 * week}',
                      f'release,app=c,zone=eu size=3.5 {4 * week}'])
    objs = list(to_instances(Release, chunked(influx_db, 'SELECT size, version, app FROM '
                                                         'release GROUP BY zone', 1)))
    assert [(o.version, o.size, type(o.size), o.app, o.zone) for o in objs] == [
        ((1, 2, 3), 10.0, float, 'a', None), ((2, 0, 10), 2.5, float, 'b', None),
        (None, 3.5, float, 'c', 'eu')]
    (counted,) = to_instances(Release, series(influx_db, 'SELECT count(size) AS size FROM '
                                                        'release'))
    assert counted.size == 3.0 and type(counted.size) is float  # the server sends 3
    assert list(to_tuples(Release, series(influx_db, 'SELECT version FROM release'),
                          names=['version'], flat=True)) == [(1, 2, 3), (2, 0, 10)]
    (result, other) = to_results(Release, series(
        influx_db, 'SELECT version, size FROM release GROUP BY zone'))
    assert result.tags == {'zone': None} and other.tags == {'zone': 'eu'}
    assert [p['version'] for p in result] == [(1, 2, 3), (2, 0, 10)]
    frame = to_dataframe(Release, series(influx_db, 'SELECT * FROM release'))
    assert list(frame['version']) == [(1, 2, 3), (2, 0, 10), None]
    assert frame['size'].dtype == 'float64' and list(frame['size']) == [10.0, 2.5, 3.5]
    assert frame['extra'].dtype == 'Int64'  # a column the model does not declare
    assert [None if pd.isna(v) else v for v in frame['zone']] == [None, None, 'eu']
