"""Pages of points keyed on time: one place for the cursor rules of every source.

A page holds ``limit`` points in all, over every series, ordered by (time, series key)
— reversed for ``order=desc``. A cursor is the last (time, key) given and a direction;
the next page resumes strictly after it. A source fetches, for each series, the points
from the cursor's time on (inclusive) in the fetch direction, at least ``limit + 2`` of
them when it has them (see :func:`per_series`); :func:`cut_page` does the rest. A
series has at most one point per time, so dropping the ties at the cursor's time costs
each series at most one point, and ``limit + 2`` still tells whether more follow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..types import Cursor, PointsQuery, TimeRange
from .base import Page, SeriesPoints

Row = tuple[int, dict[str, object]]


def fetch_descending(query: PointsQuery) -> bool:
    """The direction to fetch in: the cursor's, else the requested order."""
    return query.cursor.descending if query.cursor else query.order == 'desc'


def per_series(query: PointsQuery) -> int:
    """How many points to fetch per series for one page."""
    return query.limit + 2


def fetch_range(query: PointsQuery) -> TimeRange:
    """The requested range, narrowed to start at the cursor's time (inclusive)."""
    low, high = query.time.low, query.time.high
    if query.cursor is not None:
        if query.cursor.descending:
            high = query.cursor.time_ns if high is None else min(high, query.cursor.time_ns)
        else:
            low = query.cursor.time_ns if low is None else max(low, query.cursor.time_ns)
    return TimeRange(low, high)


def cut_page(query: PointsQuery, fetched: Iterable[SeriesPoints],
             names: list[str], granularity: str | None) -> Page:
    """The page of ``query`` out of what the source fetched (rows in any order)."""
    desc = fetch_descending(query)
    series = {s.key: s for s in fetched}
    items = [(t, key, values) for key, s in series.items() for t, values in s.rows]
    # (time, key) is unique (a series has one point per time): tuples sort without ever
    # comparing the values, and faster than with a key function.
    items.sort(reverse=desc)
    cursor = query.cursor
    if cursor is not None:
        mark = (cursor.time_ns, cursor.key)
        items = [i for i in items if ((i[0], i[1]) < mark if desc else (i[0], i[1]) > mark)]
    taken, more = items[:query.limit], len(items) > query.limit
    display_desc = query.order == 'desc'
    backwards = desc != display_desc
    if backwards:
        taken.reverse()
    nxt = prev = None
    if taken:
        first, last = taken[0], taken[-1]
        forward_more = True if backwards else more
        backward_more = more if backwards else cursor is not None
        if forward_more:
            nxt = Cursor(last[0], last[1], display_desc)
        if backward_more:
            prev = Cursor(first[0], first[1], not display_desc)
    rows: dict[str, list[Row]] = {}
    for t, key, values in taken:
        rows.setdefault(key, []).append((t, values))
    out = [SeriesPoints(dict(series[key].tags), series[key].first, series[key].last, rows[key])
           for key in sorted(rows)]
    return Page(out, granularity, names, nxt, prev)


def metadata_page(spans: Mapping[str, SeriesPoints], names: list[str],
                  granularity: str | None) -> Page:
    """``limit=0``: every matching series with its first and last time, no points."""
    return Page([spans[key] for key in sorted(spans)], granularity, names)
