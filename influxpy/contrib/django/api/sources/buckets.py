"""Downsampling an influxpy QuerySet by a granularity, as the API's points ask.

Durations (``1h``, ``1d``): ``GROUP BY time(width)``, a grid from the epoch in UTC;
``minute`` and ``hour``: the same with ``tz()``, so buckets follow the zone's wall
clock. Days: ``time(1d)`` with ``tz()`` (InfluxDB shifts days correctly across DST).
Weeks (from Monday) and months: one statement per calendar bucket, sent together,
because InfluxQL has no month and InfluxDB 1.x misplaces ``time(1w)`` buckets with
``tz()`` after a change of DST.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterator
from typing import Any

from influxpy.contrib.django.storage.intervals import calendar_spans, to_us
from influxpy.query.queryset import QuerySet
from influxpy.query.raw import batch
from influxpy.resolutions import Day, Nanosecond

from ..types import Granularity

STATEMENTS_PER_REQUEST = 200
MAX_CALENDAR_BUCKETS = 100_000

# (series tags, bucket start ns, {alias: value}) per bucket
Bucketed = Iterator[tuple[dict[str, Any], int, dict[str, Any]]]


def bucketed(build: Callable[[int, int], QuerySet], granularity: Granularity, tz: str,
             low: int, high: int, fill: str | float) -> Bucketed:
    """The buckets of ``build(low, high)`` (a QuerySet with its annotations, grouped by
    series, bounded to the inclusive range), by ``granularity`` in ``tz``."""
    if granularity.ns is not None:
        qs = build(low, high).resolution(Nanosecond(granularity.ns)).fill(fill)
        # 'minute' and 'hour' follow the zone's wall clock, as the storages' do; a
        # duration ('1h', '1d') is a grid counted from the epoch in UTC.
        wall_clock = granularity.name in ('minute', 'hour')
        yield from _rows(_in_zone(qs, tz) if wall_clock else qs)
        return
    if granularity.calendar == 'day':
        qs = build(low, high).resolution(Day(1)).fill(fill)
        yield from _rows(_in_zone(qs, tz))
        return
    assert granularity.calendar in ('week', 'month')
    zone = zoneinfo.ZoneInfo(tz)
    spans = []
    for start, lo, hi in calendar_spans(low, high, granularity.calendar, zone):
        spans.append((to_us(start) * 1000, lo, hi))
        if len(spans) > MAX_CALENDAR_BUCKETS:
            break
    for i in range(0, len(spans), STATEMENTS_PER_REQUEST):
        chunk = spans[i:i + STATEMENTS_PER_REQUEST]
        answers = batch(*(build(lo, hi) for _, lo, hi in chunk))
        for (start_ns, _, _), parsed in zip(chunk, answers):
            for tags, _, values in _rows(parsed):
                yield tags, start_ns, values


def _in_zone(qs: QuerySet, tz: str) -> QuerySet:
    return qs if tz == 'UTC' else qs.tz(tz)


def _rows(results: Any) -> Bucketed:
    for result in results:
        tags = {k: v for k, v in result.tags.items() if v not in (None, '')}
        for point in result.points:
            when = point.pop('time')
            yield tags, when.time_ns, point
