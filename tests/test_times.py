"""Times on the real server: equality, hashing and ordering of zoned times, the extremes
of InfluxDB's time range, the zone of what a ``tz()`` query returns, and ``to_ns`` /
``rfc3339`` against pandas and the server's own RFC 3339 text.

Expected instants come from the raw answer's epoch nanoseconds or are written here by
hand, never from influxpy's own output.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from influxpy import fields, models
from influxpy.connection import Connection
from influxpy.exceptions import QueryError, ServerError
from influxpy.times import InfluxTime

from .readback import rows

NEW_YORK = ZoneInfo('America/New_York')


class Clock(models.InfluxMeasurement):
    measurement = 'clock'
    host = fields.InfluxTag()
    value = fields.FloatField(null=True)


def raw_times(db: Connection, where: str = '') -> list[int]:
    """Epoch nanoseconds of every point, as the server answers raw InfluxQL."""
    return [row['time'] for row in rows(db, f'SELECT value FROM clock {where}')]


def utc(ns: int) -> datetime:
    """A plain aware datetime of a whole-microsecond instant (not an InfluxTime)."""
    assert ns % 1000 == 0
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=ns // 1000)


# -- 8: == / hash / ordering at a repeated local hour ------------------------------------

# New York falls back on 2024-11-03 at 06:00 UTC: 01:00-02:00 local happens twice.
FALL_BACK_NS = 1_730_613_600_000_000_000  # 2024-11-03T06:00:00Z


def test_zoned_times_hash_and_order_by_instant_across_fall_back(influx_db: Connection
                                                                ) -> None:
    minute = 60_000_000_000
    # EDT 01:00..01:50 (fold 0) then EST 01:00..01:50 (fold 1), written shuffled.
    written = [FALL_BACK_NS + k * 10 * minute for k in range(-6, 6)]
    influx_db.write('\n'.join(f'clock,host=h value={i}.0 {ns}'
                              for i, ns in enumerate(reversed(written))).encode())
    instants = raw_times(influx_db)
    assert sorted(instants) == sorted(written)

    local = list(Clock.series.tz('America/New_York').order_by('-time')
                 .values_list('time', flat=True))
    assert [t.fold for t in local].count(1) == 6  # the repeated hour is there
    assert all(t.tzinfo is NEW_YORK for t in local)
    # sorted() follows the instants, not the wall clock (01:20 EDT before 01:00 EST).
    assert [t.time_ns for t in sorted(local)] == sorted(instants)
    assert sorted(local) == [utc(ns) for ns in sorted(instants)]
    # Equal instants hash equal: a dict keyed by UTC times finds the zoned ones, and back.
    by_utc = {utc(ns): ns for ns in instants}
    assert [by_utc[t] for t in local] == [t.time_ns for t in local]
    by_local = {t: t.time_ns for t in local}
    assert [by_local[utc(ns)] for ns in instants] == instants
    assert len(set(local) | {utc(ns) for ns in instants}) == len(instants)
    for a, b in zip(sorted(local), sorted(local)[1:]):
        assert a < b and a <= b and b > a and b >= a and a != b and not a == b
    # Nanoseconds too: the same instant in two zones is one key.
    exact = [InfluxTime.from_ns(ns + 789) for ns in instants]
    zoned = {InfluxTime.from_ns(ns + 789, NEW_YORK): ns for ns in instants}
    assert [zoned[t] for t in exact] == instants


# -- 9: time literals over the whole range the server stores -----------------------------

MIN_NS = -9_223_372_036_854_775_806  # InfluxDB's first and last storable times
MAX_NS = 9_223_372_036_854_775_806
EDGES = [MIN_NS, MIN_NS + 1, MIN_NS + 1000, 0, MAX_NS - 1000, MAX_NS - 1, MAX_NS]
OPS = {'exact': '=', 'gte': '>=', 'gt': '>', 'lte': '<=', 'lt': '<'}
CHECKS = {'exact': int.__eq__, 'gte': int.__ge__, 'gt': int.__gt__, 'lte': int.__le__,
          'lt': int.__lt__}


def test_time_filters_at_both_ends_of_the_range(influx_db: Connection) -> None:
    for i, ns in enumerate(EDGES):
        Clock(time=ns, host='h', value=float(i)).save()
    assert raw_times(influx_db) == EDGES  # the round trip of the writes
    assert [p.time_ns for p in Clock.series.all()] == EDGES
    for bound in (MIN_NS, MIN_NS + 1, MAX_NS - 1, MAX_NS):
        for lookup, op in OPS.items():
            expected = [ns for ns in EDGES if CHECKS[lookup](ns, bound)]
            # raw InfluxQL with the integer literal the server reads over the whole range
            assert raw_times(influx_db, f'WHERE time {op} {bound}') == expected
            for value in (bound, InfluxTime.from_ns(bound), InfluxTime.from_ns(bound).isoformat()):
                got = Clock.series.filter(**{f'time__{lookup}': value})
                assert [p.time_ns for p in got] == expected, (lookup, value, str(got.query))
    # a time read back is a filter that finds its point
    for point in Clock.series.all():
        assert [p.time_ns for p in Clock.series.filter(time=point.time)] == [point.time_ns]


@pytest.mark.parametrize('ns', [MIN_NS - 1, MAX_NS + 1, -(2 ** 63), 2 ** 63 - 1])
def test_time_filters_outside_the_range_are_refused_while_building(ns: int) -> None:
    with pytest.raises(QueryError, match='outside the range InfluxDB stores'):
        Clock.series.filter(time__gte=ns)


# -- 10: instances keep UTC; the other shapes follow tz() --------------------------------

PARIS = ZoneInfo('Europe/Paris')
# Either side of Paris' spring change (2024-03-31 01:00 UTC), written down by hand.
PARIS_POINTS = {
    1_711_846_799_999_999_123: ('2024-03-31T00:59:59.999999+00:00',
                                '2024-03-31T01:59:59.999999+01:00'),
    1_711_846_800_000_001_000: ('2024-03-31T01:00:00.000001+00:00',
                                '2024-03-31T03:00:00.000001+02:00'),
}


def test_instances_read_with_tz_keep_utc_other_shapes_follow_it(influx_db: Connection
                                                                 ) -> None:
    stamps = PARIS_POINTS
    influx_db.write('\n'.join(f'clock,host=h value={i}.5 {ns}'
                              for i, ns in enumerate(stamps)).encode())
    instants = raw_times(influx_db)
    assert instants == list(stamps)
    qs = Clock.series.tz('Europe/Paris')
    utc_texts = [u for u, _ in stamps.values()]
    paris_texts = [p for _, p in stamps.values()]

    objs = list(qs)
    assert [o.time_ns for o in objs] == instants
    assert all(o.time is not None and o.time.tzinfo is UTC for o in objs)
    assert [o.time.isoformat(timespec='microseconds') for o in objs if o.time] == utc_texts
    assert objs == list(Clock.series.all())

    for times in ([d['time'] for d in qs.values()],
                  list(qs.values_list('time', flat=True)),
                  [row[0] for row in qs.values_list('time', 'value')],
                  [p['time'] for r in qs.group_by('host') for p in r.points]):
        assert [t.time_ns for t in times] == instants
        assert all(t.tzinfo is PARIS for t in times)
        assert [t.isoformat(timespec='microseconds') for t in times] == paris_texts
    frame = qs.to_dataframe()
    assert list(frame.index.asi8) == instants and str(frame.index.tz) == 'Europe/Paris'
    assert [t.isoformat(timespec='microseconds') for t in frame.index] == paris_texts


# -- to_ns and rfc3339, against pandas and the server's own text -------------------------

ISO_TEXTS = ['2017-07-14T02:40:00Z', '2017-07-14T02:40:00.1Z', '2017-07-14T02:40:00.12345Z',
             '2017-07-14T02:40:00.123456789Z', '2017-07-14T02:40:00.000000001Z',
             '2017-07-14T02:40:00,5Z', '2017-07-14T08:10:00.987654321+05:30',
             '1969-12-31T23:59:59.999999999Z', '1970-01-01T00:00:00-00:01',
             '1677-09-21T00:12:43.145224194Z', '2262-04-11T23:47:16.854775806Z']


@pytest.mark.parametrize('text', ISO_TEXTS)
def test_iso_text_is_exact_to_the_nanosecond(text: str) -> None:
    import pandas as pd

    from influxpy.times import to_ns
    assert to_ns(text) == pd.Timestamp(text.replace(',', '.')).value


@pytest.mark.parametrize('ns, text', [
    (0, '1970-01-01T00:00:00Z'), (1, '1970-01-01T00:00:00.000000001Z'),
    (-1, '1969-12-31T23:59:59.999999999Z'), (1_500_000_000_123_456_000,
                                             '2017-07-14T02:40:00.123456000Z'),
    (MIN_NS, '1677-09-21T00:12:43.145224194Z'), (MAX_NS, '2262-04-11T23:47:16.854775806Z'),
])
def test_rfc3339_text(ns: int, text: str) -> None:
    import pandas as pd

    from influxpy.times import rfc3339, to_ns
    assert rfc3339(ns) == text
    assert pd.Timestamp(text).value == ns and to_ns(text) == ns


def test_to_ns_of_each_kind_of_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np
    import pandas as pd

    from influxpy.exceptions import NaiveDatetimeWarning, ValidationError
    from influxpy.times import NaiveRule, settings, to_ns
    monkeypatch.setattr(settings, 'naive_rule', NaiveRule())  # UTC, outside Django
    ns = 1_500_000_000_123_456_789
    assert to_ns(ns) == ns and to_ns(np.int64(ns)) == ns
    assert to_ns(np.datetime64(ns, 'ns')) == ns
    assert to_ns(np.datetime64(ns // 1000, 'us')) == ns - 789
    assert to_ns(pd.Timestamp(ns, tz='UTC')) == ns
    assert to_ns(pd.Timestamp(ns, tz='UTC').tz_convert('Asia/Kolkata')) == ns
    assert to_ns(datetime(2017, 7, 14, 4, 40, 0, 123456, tzinfo=ZoneInfo('Europe/Paris'))) \
        == ns - 789
    assert to_ns(InfluxTime.from_ns(ns, NEW_YORK)) == ns
    with pytest.warns(NaiveDatetimeWarning, match='read as UTC'):
        assert to_ns(datetime(2017, 7, 14, 2, 40, 0, 123456)) == ns - 789
    with pytest.warns(NaiveDatetimeWarning):
        assert to_ns(pd.Timestamp(ns)) == ns  # a naive Timestamp: its wall clock, as UTC
    with pytest.warns(NaiveDatetimeWarning):
        assert to_ns('2017-07-14T02:40:00.123456789') == ns
    for bad in (True, None, 1.5, MIN_NS - 1, MAX_NS + 1, '1677-09-21T00:12:43.145224193Z',
                '2017-07-14T02:40:00.1234567891Z', np.float64(1.0)):
        with pytest.raises(ValidationError):
            to_ns(bad)


def test_the_server_reads_and_writes_rfc3339_at_the_ends_of_its_range(influx_db: Connection
                                                                      ) -> None:
    from influxpy.times import rfc3339, to_ns
    stamps = [MIN_NS, MIN_NS + 1, -1, 0, 1, 1_500_000_000_123_456_789, MAX_NS - 1, MAX_NS]
    influx_db.write('\n'.join(f'clock,host=h value={i}.0 {ns}'
                              for i, ns in enumerate(stamps)).encode())
    import requests
    conf = influx_db.settings  # JSON without epoch=: times as the server's RFC 3339 text
    answer = requests.get(f'{conf.base_url}/query', timeout=10, params={
        'db': influx_db.database, 'q': 'SELECT value FROM clock'},
        auth=(conf.username, conf.password or '') if conf.username else None).json()
    texts = [row[0] for row in answer['results'][0]['series'][0]['values']]
    assert texts[0] == '1677-09-21T00:12:43.145224194Z' and texts[3] == '1970-01-01T00:00:00Z'
    assert [to_ns(text) for text in texts] == stamps
    for ns in stamps[1:]:
        assert raw_times(influx_db, f"WHERE time = '{rfc3339(ns)}'") == [ns]
    # The server reads text from MIN_NS + 1 only (an integer literal at MIN_NS itself).
    with pytest.raises(ServerError, match='underflows time literal'):
        raw_times(influx_db, f"WHERE time = '{rfc3339(MIN_NS)}'")
    assert raw_times(influx_db, f'WHERE time = {MIN_NS}') == [MIN_NS]
