"""A count of nothing is 0 — over no points, in empty buckets of raw points and of a
tier — as Django and pandas count; compared with raw InfluxQL and hand counts."""

from __future__ import annotations

import time

from influxpy import fields, models
from influxpy.aggregates import Count, Max
from influxpy.connection import Connection
from influxpy.schema import Tier
from influxpy.synchronize import sync

MINUTE = 60 * 10**9
HOUR = 60 * MINUTE


class Counted(models.InfluxMeasurement):
    measurement = 'counted'
    host = fields.InfluxTag()
    value = fields.FloatField()

    class Meta:
        tiers = [Tier('1m', ['max', 'count', 'sum'])]


def test_aggregate_and_count_over_nothing_are_zero(influx_db: Connection) -> None:
    assert Counted.series.aggregate(c=Count('value'), m=Max('value')) == {'c': 0, 'm': None}
    assert Counted.series.count() == 0
    import pandas as pd
    assert int(pd.Series([], dtype=float).count()) == 0  # what pandas says of nothing


def test_empty_buckets_count_zero_from_the_tier_as_from_raw_points(
        influx_db: Connection) -> None:
    h0 = (time.time_ns() - 3 * HOUR) // HOUR * HOUR
    sync(Counted)
    # Points in minutes 2, 3, 7 and 17 of the hour only: gaps before, between, after.
    Counted.series.bulk_create([Counted(host='a', value=float(m), time=h0 + m * MINUTE + s)
                                for m in (2, 3, 7, 17) for s in (0, 10**9)])
    sync(Counted, backfill=True)
    low, high = h0, h0 + 20 * MINUTE
    for res in ('1m', '5m'):
        qs = (Counted.series.filter(time__gte=low, time__lt=high).group_by('host')
              .annotate(c=Count('value')).resolution(res))
        assert str(qs.query).startswith('/* influxpy: tier 1m */')
        (raw,) = influx_db.query(f'SELECT count(value) FROM counted WHERE time >= {low} AND '
                                 f'time < {high} GROUP BY time({res}), host')
        expected = [row[1] for row in raw['series'][0]['values']]
        assert 0 in expected  # the raw points count empty buckets as 0
        (result,) = list(qs)
        assert [p['c'] for p in result.points] == expected
        assert [p['c'] for p in list(qs.raw_tier())[0].points] == expected
        assert list(qs.values_list('c', flat=True)) == expected
