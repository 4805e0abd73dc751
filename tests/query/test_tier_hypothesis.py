"""Random data, random bounds, random functions and resolutions: a query that reads a
tier gives exactly what ``raw_tier()`` gives (itself checked against raw InfluxQL in
test_tier_routing), on the real server."""

from __future__ import annotations

import random
import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from influxpy import fields, models
from influxpy.aggregates import Count, Max, Mean, Min, Sum
from influxpy.connection import Connection
from influxpy.schema import Tier
from influxpy.synchronize import sync

MINUTE = 60 * 10**9
HOUR = 60 * MINUTE


class Routed(models.InfluxMeasurement):
    measurement = 'routed'
    host = fields.InfluxTag()
    f = fields.FloatField()
    n = fields.IntegerField()

    class Meta:
        tiers = [Tier('1m', ['max', 'min', 'count', 'sum', 'mean'], keep='30d'),
                 Tier('1h', ['max', 'min', 'count', 'sum'])]


FUNCTIONS = {'max': Max, 'min': Min, 'count': Count, 'sum': Sum, 'mean': Mean}


def test_a_routed_query_answers_what_the_raw_points_answer(influx_db: Connection) -> None:
    h0 = (time.time_ns() - 6 * HOUR) // HOUR * HOUR
    rng = random.Random(5)
    sync(Routed)
    Routed.series.bulk_create([
        Routed(host=rng.choice('abc'), f=rng.uniform(-50, 50), n=rng.randint(-1000, 1000),
               time=h0 + rng.randrange(0, 4 * HOUR))
        for _ in range(3000)])
    sync(Routed, backfill=True)
    routed = 0

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(start=st.integers(0, 180), length=st.integers(1, 120),
           start_s=st.sampled_from([0, 0, 0, 30]), end_s=st.sampled_from([0, 0, 0, 1]),
           resolution=st.sampled_from(['1m', '2m', '5m', '15m', '1h']),
           grouped=st.booleans(), fill=st.sampled_from([None, 'none', 0]),
           chosen=st.lists(st.sampled_from(sorted(FUNCTIONS)), min_size=1, max_size=3,
                           unique=True),
           column=st.sampled_from(['f', 'n']))
    def check(start: int, length: int, start_s: int, end_s: int, resolution: str,
              grouped: bool, fill: str | int | None, chosen: list[str], column: str) -> None:
        nonlocal routed
        low = h0 + start * MINUTE + start_s * 10**9
        high = low + length * MINUTE + end_s * 10**9
        qs: Any = Routed.series.filter(time__gte=low, time__lt=high)
        if grouped:
            qs = qs.group_by('host')
        qs = qs.annotate(**{name: FUNCTIONS[name](column) for name in chosen})
        qs = qs.resolution(resolution)
        if fill is not None:
            qs = qs.fill(fill)
        routed += str(qs.query).startswith('/* influxpy: tier')
        assert [(r.name, r.tags, r.points) for r in qs] == \
            [(r.name, r.tags, r.points) for r in qs.raw_tier()], str(qs.query)

    check()
    assert routed >= 5  # the comparison is only worth something if tiers were read
