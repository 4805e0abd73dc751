"""Times on the real server: equality, hashing and ordering of zoned times, the extremes
of InfluxDB's time range, and the zone of what a ``tz()`` query returns.

Expected instants come from the raw answer's epoch nanoseconds or are written here by
hand, never from influxpy's own output.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from influxpy import fields, models
from influxpy.connection import Connection
from influxpy.timeutil import InfluxTime

NEW_YORK = ZoneInfo('America/New_York')


class Clock(models.InfluxMeasurement):
    measurement = 'clock'
    host = fields.InfluxTag()
    value = fields.FloatField(null=True)


def raw_times(db: Connection, where: str = '') -> list[int]:
    """Epoch nanoseconds of every point, as the server answers raw InfluxQL."""
    (answer,) = db.query(f'SELECT value FROM clock {where}')
    return [row[0] for s in answer.get('series', []) for row in s['values']]


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
