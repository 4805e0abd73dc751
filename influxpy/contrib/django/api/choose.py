"""``max_points=N``: the finest granularity that keeps every series at or under N points.

Raw points when every series has at most N in the range (counted by the source, never
under the truth); else the first step of the ladder whose bucket count over the range
is at most N. Bucket counts are upper bounds (a range cut by the grid adds a bucket),
so the promise holds.
"""

from __future__ import annotations

from dataclasses import replace

from .sources.base import Source
from .types import Granularity, PointsQuery, Selectors

S = 10**9
DAY = 86_400 * S
LADDER = [Granularity(name, ns=ns) for name, ns in (
    ('1s', S), ('5s', 5 * S), ('10s', 10 * S), ('30s', 30 * S), ('1m', 60 * S),
    ('5m', 300 * S), ('10m', 600 * S), ('30m', 1800 * S), ('1h', 3600 * S),
    ('3h', 3 * 3600 * S), ('6h', 6 * 3600 * S), ('12h', 12 * 3600 * S))] + [
    Granularity('day', calendar='day'), Granularity('week', calendar='week'),
    Granularity('month', calendar='month')]
# The shortest span of a calendar bucket (a day of 23 hours, February).
SHORTEST = {'day': 23 * 3600 * S, 'week': 7 * DAY - 3600 * S, 'month': 28 * DAY - 3600 * S}


def choose(source: Source, query: PointsQuery, selectors: Selectors) -> PointsQuery:
    """``query`` with the granularity ``max_points`` asks for (unchanged without it)."""
    if query.max_points is None or query.granularity is not None:
        return query
    low, high = query.time.low, query.time.high
    if low is None or high is None:
        spans = source.points(replace(query, limit=0), selectors).series
        firsts = [s.first for s in spans if s.first is not None]
        lasts = [s.last for s in spans if s.last is not None]
        if not firsts:
            return query
        low = min(firsts) if low is None else low
        high = max(lasts) if high is None else high
    if high < low:
        return query
    if source.most_points(replace(query, time=type(query.time)(low, high)),
                          selectors) <= query.max_points:
        return query
    width = high - low + 1
    for step in LADDER:
        length = step.ns if step.ns is not None else SHORTEST[str(step.calendar)]
        if -(-width // length) + 1 <= query.max_points:
            return replace(query, granularity=step)
    return replace(query, granularity=LADDER[-1])
