"""What the query layer does to the server's answer before it becomes rows.

InfluxDB answers some queries in a shape that differs from what the chain asked:
series in reverse tag order under ``ORDER BY time DESC``, null counts where nothing
was counted, a tier read assuming the model's tags are all the tags. Each fix is one
function here, and :func:`series_of` applies them in one place for every way of
reading (rows, iterator, batch, DataFrame).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

from ..quoting import quote_ident
from ..results import iter_series, records
from .functions.aggregations import Count
from .tiers import relies_on_declared_tags
from .tree import Query


def series_of(query: Query, answers: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The series dicts of the server's answers to ``query``, as the chain asked them."""
    series = iter_series(answers)
    if query.descending and query.group_tags:
        series = _series_back_in_tag_order(series)
    counts = zero_counts(query)
    if counts:
        series = _counts_of_nothing_are_zero(series, counts)
    return series


def deferring(rows: Iterator[Any], query: Query) -> Iterator[Any]:
    """Instances with the fields ``only()`` left out set to None: they were selected (so
    that InfluxDB keeps every row) but are not the query's."""
    kept = set(query.only or ())
    deferred = [name for name in query.meta.fields if name not in kept]
    for obj in rows:
        for name in deferred:
            setattr(obj, name, None)
        yield obj


def zero_counts(query: Query) -> set[str]:
    """The aliases of ``count()`` annotations that are 0 where nothing was counted.

    InfluxDB gives 0 for an empty bucket of raw points, but null for a tier's sum of
    counts, and no row at all over no points; Django and pandas count nothing as 0.
    Not with a ``fill()`` that says otherwise (a number, previous, linear, none)."""
    if query.fill not in (None, 'null'):
        return set()
    return {alias for alias, resolved in query.annotations.items()
            if isinstance(resolved.source, Count)}


def _counts_of_nothing_are_zero(series: Iterable[dict[str, Any]],
                                counts: set[str]) -> Iterator[dict[str, Any]]:
    for s in series:
        positions = [i for i, column in enumerate(s['columns']) if column in counts]
        if positions:
            values = list(s['values'])
            for n, row in enumerate(values):
                if any(row[i] is None for i in positions):
                    fixed = list(row)
                    for i in positions:
                        if fixed[i] is None:
                            fixed[i] = 0
                    values[n] = type(row)(fixed) if isinstance(row, tuple) else fixed
            s = {**s, 'values': values}
        yield s


def _series_back_in_tag_order(series: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """With ``ORDER BY time DESC`` InfluxDB also reverses the order of the series; the
    chain asks for times in reverse, so give the series back in their tags' order. (The
    answer is gathered first: the last series comes first.)"""
    groups: list[list[dict[str, Any]]] = []
    for s in series:
        key = (s.get('name'), sorted((s.get('tags') or {}).items()))
        if groups and groups[-1][0]['_key'] == key:
            groups[-1].append({**s, '_key': key})
        else:
            groups.append([{**s, '_key': key}])
    for group in reversed(groups):
        for s in group:
            s.pop('_key')
            yield s


# Tag keys the server holds per (connection, database, measurement): checked at most once
# a minute, since a new tag from another client is rare and a query should not pay a
# round trip each time.
TAG_KEYS_TTL = 60.0
_server_tags: dict[tuple[int, str | None, str], tuple[float, frozenset[str]]] = {}
_server_tags_lock = threading.Lock()


def checked_for_tier(query: Query, connection: Any) -> Query:
    """``query``, or its raw-points version when it would read a tier assuming that the
    model's tags are all the tags and the server holds points with others."""
    if not relies_on_declared_tags(query):
        return query
    meta = query.meta
    key = (id(connection), meta.database or connection.database, meta.measurement)
    now = time.monotonic()
    with _server_tags_lock:
        cached = _server_tags.get(key)
    if cached is None or cached[0] < now:
        answer = connection.query(f'SHOW TAG KEYS FROM {quote_ident(meta.measurement)}',
                                  database=meta.database)
        held = frozenset(row['tagKey'] for _, row in records(answer))
        cached = (now + TAG_KEYS_TTL, held)
        with _server_tags_lock:
            _server_tags[key] = cached
    declared = {meta.all_fields[name].db_name for name in meta.tags}
    if cached[1] <= declared:
        return query
    raw = query.clone()
    raw.raw_only = True
    return raw
