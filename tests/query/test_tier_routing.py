"""A query that reads a tier answers exactly what the raw points answer, or reads the raw
points: compared with raw InfluxQL sent to the real server."""

from __future__ import annotations

import random
import time
from typing import Any

import pytest

from influxpy import fields, models
from influxpy.aggregates import Count, Max, Sum
from influxpy.connection import Connection
from influxpy.schema import Tier
from influxpy.synchronize import sync
from influxpy.times import rfc3339

MINUTE = 60 * 10**9
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def _raw(conn: Connection, statement: str) -> list[tuple[dict[str, str], list[list[Any]]]]:
    (result,) = conn.query(statement)
    return [(s.get('tags', {}), s['values']) for s in result.get('series', [])]


def _ours(qs: Any, *names: str) -> list[tuple[dict[str, str], list[list[Any]]]]:
    return [({k: v for k, v in r.tags.items()},
             [[p['time'].time_ns, *(p[n] for n in names)] for p in r.points]) for r in qs]


def _tier_of(qs: Any) -> str | None:
    text = str(qs.query)
    return text.split('tier ', 1)[1].split(' ', 1)[0] if text.startswith('/* influxpy') else None


def _model(keep: str | None, functions: tuple[str, ...] = ('max', 'count', 'sum')) -> Any:
    class Probe(models.InfluxMeasurement):
        measurement = 't'
        host = fields.InfluxTag()
        value = fields.FloatField()

        class Meta:
            tiers = [Tier('1m', list(functions), keep=keep)]
    return Probe


def _fill(model: Any, start: int, minutes: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    model.series.bulk_create([
        model(host=h, value=round(rng.uniform(0, 10), rng.choice([1, 2, 3, 17])),
              time=start + i * 10 * 10**9 + (3 if h == 'b' else 0))
        for h in ('a', 'b') for i in range(minutes * 6)])


def test_bounds_that_cut_a_tier_bucket_read_the_raw_points(influx_db: Connection) -> None:
    model = _model(None)
    h0 = (time.time_ns() - 3 * HOUR) // HOUR * HOUR
    sync(model)
    _fill(model, h0, 10)
    sync(model, backfill=True)
    low, high = h0 + 30 * 10**9, h0 + 3 * MINUTE + 30 * 10**9
    qs = (model.series.filter(time__gte=low, time__lt=high)
          .annotate(m=Max('value'), c=Count('value')).resolution('1m').group_by('host'))
    expected = _raw(influx_db, f"SELECT max(value), count(value) FROM t WHERE time >= "
                               f"'{rfc3339(low)}' AND time < '{rfc3339(high)}' "
                               f"GROUP BY time(1m), host")
    assert _ours(qs, 'm', 'c') == expected
    # Bounds on the grid do read the tier, and agree too.
    aligned = (model.series.filter(time__gte=h0 + MINUTE, time__lt=h0 + 4 * MINUTE)
               .annotate(m=Max('value'), c=Count('value')).resolution('1m').group_by('host'))
    assert _tier_of(aligned) == '1m'
    assert _ours(aligned, 'm', 'c') == _raw(
        influx_db, f"SELECT max(value), count(value) FROM t WHERE time >= "
                   f"'{rfc3339(h0 + MINUTE)}' AND time < '{rfc3339(h0 + 4 * MINUTE)}' "
                   f"GROUP BY time(1m), host")


def test_a_tier_is_not_read_for_times_it_no_longer_keeps(influx_db: Connection) -> None:
    model = _model('30d')
    sync(model)  # the continuous query fills recent buckets only: old ones stay empty
    old = (time.time_ns() - 40 * DAY) // HOUR * HOUR
    _fill(model, old, 12)
    qs = (model.series.filter(time__gte=old, time__lt=old + 12 * MINUTE)
          .annotate(m=Max('value')).resolution('1m').group_by('host'))
    expected = _raw(influx_db, f"SELECT max(value) FROM t WHERE time >= '{rfc3339(old)}' "
                               f"AND time < '{rfc3339(old + 12 * MINUTE)}' "
                               f"GROUP BY time(1m), host")
    assert len(expected) == 2 and len(expected[0][1]) == 12
    assert _ours(qs, 'm') == expected
    unbounded = model.series.annotate(m=Max('value')).resolution('1m').group_by('host')
    assert _tier_of(unbounded) is None


def test_backfill_fills_only_what_each_tier_keeps_and_completes(influx_db: Connection) -> None:
    class Two(models.InfluxMeasurement):
        measurement = 't'
        host = fields.InfluxTag()
        value = fields.FloatField()

        class Meta:
            tiers = [Tier('1m', ['max', 'count'], keep='30d'),
                     Tier('1h', ['max'], keep=None)]

    sync(Two)
    old = (time.time_ns() - 40 * DAY) // HOUR * HOUR
    recent = (time.time_ns() - 3 * HOUR) // HOUR * HOUR
    _fill(Two, old, 30)
    _fill(Two, recent, 30, seed=2)
    changes = sync(Two, backfill=True)
    assert [c.action for c in changes].count('backfill') == 2
    # The 1m tier holds the recent buckets, exactly; the 1h tier holds the old ones too.
    (tier_1m,) = influx_db.query('SELECT max(max_value), sum(count_value) FROM '
                                 f'keep_30d.t_1m WHERE time >= {recent} GROUP BY time(1m), host '
                                 f'fill(none)')
    raw_1m = _raw(influx_db, f'SELECT max(value), count(value) FROM t WHERE time >= {recent} '
                             'GROUP BY time(1m), host fill(none)')
    assert [(s['tags'], s['values']) for s in tier_1m['series']] == raw_1m
    (tier_1h,) = influx_db.query('SELECT max(max_value) FROM keep_inf.t_1h GROUP BY host')
    assert [s['values'][0][1] for s in tier_1h['series']] == [
        v[0][1] for _, v in _raw(influx_db, 'SELECT max(value) FROM t GROUP BY host')]


def test_a_routed_result_is_named_after_the_model(influx_db: Connection) -> None:
    model = _model(None)
    h0 = (time.time_ns() - 3 * HOUR) // HOUR * HOUR
    sync(model)
    _fill(model, h0, 5)
    sync(model, backfill=True)
    qs = (model.series.filter(time__gte=h0, time__lt=h0 + 5 * MINUTE)
          .annotate(m=Max('value')).resolution('1m').group_by('host'))
    assert _tier_of(qs) == '1m'
    routed, raw = list(qs), list(qs.raw_tier())
    assert [r.name for r in routed] == ['t', 't'] and routed == raw


@pytest.mark.parametrize('resolution', ['1m', '5m'])
def test_float_sums_are_bit_exact(influx_db: Connection, resolution: str) -> None:
    model = _model(None)
    h0 = (time.time_ns() - 3 * HOUR) // HOUR * HOUR
    sync(model)
    _fill(model, h0, 60, seed=7)
    sync(model, backfill=True)
    qs = (model.series.filter(time__gte=h0, time__lt=h0 + HOUR)
          .annotate(s=Sum('value')).resolution(resolution).group_by('host'))
    assert _ours(qs, 's') == _raw(
        influx_db, f"SELECT sum(value) FROM t WHERE time >= '{rfc3339(h0)}' AND time < "
                   f"'{rfc3339(h0 + HOUR)}' GROUP BY time({resolution}), host")


def test_a_tag_another_client_wrote_keeps_the_tier_unread(influx_db: Connection) -> None:
    from influxpy.aggregates import Mean
    model = _model(None, ('mean', 'count', 'max'))
    h0 = (time.time_ns() - 3 * HOUR) // HOUR * HOUR
    sync(model)
    # Another client writes the same measurement with a tag the model does not declare.
    influx_db.write(''.join(f't,host=a,rack=r{i % 2} value={i % 7}.5 {h0 + i * 10**9 * 5}\n'
                            for i in range(240)).encode())
    sync(model, backfill=True)
    qs = (model.series.filter(time__gte=h0, time__lt=h0 + 20 * MINUTE).group_by('host')
          .annotate(m=Mean('value'), c=Count('value')).resolution('1m'))
    assert _ours(qs, 'm', 'c') == _raw(
        influx_db, f"SELECT mean(value), count(value) FROM t WHERE time >= '{rfc3339(h0)}' "
                   f"AND time < '{rfc3339(h0 + 20 * MINUTE)}' GROUP BY time(1m), host")
    assert qs.to_dataframe()['m'].tolist() == [p['m'] for r in qs for p in r.points]
