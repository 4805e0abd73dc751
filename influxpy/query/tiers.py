"""Reading a downsampled tier instead of the raw points, when it gives the same answer.

A tier (``Meta.tiers``, kept by a continuous query) holds, per series and bucket of its
resolution, one point with columns ``<function>_<field>``. A query can read it when:

- it asks for functions of single fields (``annotate(x=Mean('cpu'))``) the tier keeps,
  with ``resolution()`` a multiple of the tier's, and an offset aligned to it;
- its conditions are on tags and time only (the tier has no raw field values);
- each function can be rebuilt from the tier's values: with every tag grouped and the
  same resolution, a bucket holds exactly one tier point, so any function is that
  point's value; otherwise only ``min``, ``max``, ``sum`` and ``count`` (summed)
  compose — and ``first``/``last`` when every tag is grouped;
- with ``tz()``, the tier's buckets are at most 15 minutes (every zone's offset is a
  multiple of that, so local buckets are unions of tier buckets).

- every time bound is on the tier's grid (``>=``/``<`` at a bucket's start, ``>``/``<=``
  one nanosecond before it), so no tier bucket is cut: a bound relative to ``now()`` is
  never on it, and an exact time never is;
- the time range lies within what the tier keeps: its lower bound is no older than
  ``now - keep`` (plus a margin for clocks), unless the tier keeps forever;
- a float ``sum`` composed from several tier buckets is not bit-exact (floating-point
  addition depends on its order), so only integer sums compose.

The coarsest such tier wins. ``str(qs.query)`` then starts with ``/* influxpy: tier … */``
and reads FROM the tier; ``qs.raw_tier()`` reads the raw points always.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..fields import INTEGER, TAG
from ..quoting import quote_ident
from ..times import parse_iso
from .expressions import F, Func
from .lookups import _NEGATED_OP, Comparison, In, Range
from .where import TIME

if TYPE_CHECKING:
    from ..retention import Tier
    from .tree import Query

# How buckets of a tier combine into a coarser bucket, or across series.
COMPOSE = {'min': 'min', 'max': 'max', 'sum': 'sum', 'count': 'sum'}
COMPOSE_IN_SERIES = {**COMPOSE, 'first': 'first', 'last': 'last'}
MAX_TZ_RESOLUTION = 15 * 60 * 1_000_000_000
# A tier is read only for times at least this much younger than its retention: the
# client's and the server's clocks may differ.
KEEP_MARGIN = 3600 * 1_000_000_000


def time_bounds(query: Query) -> Iterator[tuple[str, int | None]]:
    """``(operator, epoch ns)`` of each time condition; ns is None relative to now()."""
    for condition in query.where:
        for lookup in condition.lookups():
            if lookup.column.kind != TIME:
                continue
            if isinstance(lookup, Range):
                (_, low), (_, high) = lookup.value
                yield '>=', _literal_ns(low)
                yield '<=', _literal_ns(high)
            elif isinstance(lookup, In):
                for _, rhs in lookup.value:
                    yield '=', _literal_ns(rhs)
            elif isinstance(lookup, Comparison):
                op = _NEGATED_OP[lookup.operator] if lookup.negated else lookup.operator
                yield op, _literal_ns(lookup.rhs)
            else:
                yield '=', None  # a kind of time condition routing does not know


def _literal_ns(rhs: str | None) -> int | None:
    """The time a literal of :func:`quote_time` stands for; None for ``now()`` and others."""
    if rhs is None:
        return None
    if rhs.startswith("'"):
        return parse_iso(rhs[1:-1])
    if rhs.lstrip('-').isdigit():
        return int(rhs)
    return None


def _bounds_fit(query: Query, tier: Tier, now_ns: int) -> bool:
    """No bound cuts one of the tier's buckets, and the tier still keeps the whole range."""
    res = tier.resolution
    lowest = None
    for op, ns in time_bounds(query):
        if ns is None or op == '=':
            return False
        edge = ns if op in ('>=', '<') else ns + 1
        if edge % res:
            return False
        if op in ('>=', '>'):
            lowest = edge if lowest is None else max(lowest, edge)
    if tier.keep:  # 0: forever
        return lowest is not None and lowest >= now_ns - tier.keep + KEEP_MARGIN
    return True


def route(query: Query) -> tuple[Tier, list[str]] | None:
    """The tier to read and the SELECT columns that read it; None for the raw points."""
    meta = query.meta
    if (query.raw_only or not meta.tiers or query.interval is None or query.only is not None
            or not query.annotations):
        return None
    for condition in query.where:
        if any(lookup.column.kind not in (TIME, TAG) for lookup in condition.lookups()):
            return None
    calls = []
    for alias, resolved in query.annotations.items():
        source = resolved.source
        if not (isinstance(source, Func) and len(source.args) == 1
                and isinstance(source.args[0], F)):
            return None
        field = meta.get_field(source.args[0].name)
        if field.is_tag:
            return None
        calls.append((alias, source.function, field.db_name))
    all_tags = query.group_tags == ('*',) or set(query.group_tags) == set(meta.tags)
    fields = {x.db_name: x for x in meta.fields.values()}
    now_ns = time.time_ns()
    for tier in reversed(meta.tiers):  # the coarsest first: fewest points to read
        res = tier.resolution
        if query.interval % res or query.interval_offset % res:
            continue
        if query.tz is not None and res > MAX_TZ_RESOLUTION:
            continue
        if not _bounds_fit(query, tier, now_ns):
            continue
        kept = {(function, column): alias for function, column, alias in tier.columns(fields)}
        single = all_tags and query.interval == res
        compose = COMPOSE_IN_SERIES if all_tags else COMPOSE
        columns = []
        for alias, function, column in calls:
            tier_column = kept.get((function, column))
            outer = 'max' if single else compose.get(function)
            if tier_column is None or outer is None:
                break
            if outer == 'sum' and function == 'sum' and not single \
                    and fields[column].kind != INTEGER:
                break  # float sums of sums are not bit-exact
            columns.append(f'{outer}({quote_ident(tier_column)}) AS {quote_ident(alias)}')
        else:
            return tier, columns
    return None


def tier_source(query: Query, tier: Tier) -> str:
    meta = query.meta
    source = (f'{quote_ident(str(tier.retention_policy))}.'
              f'{quote_ident(tier.measurement(meta.measurement))}')
    return f'{quote_ident(meta.database)}.{source}' if meta.database else source


def relies_on_declared_tags(query: Query) -> bool:
    """Whether reading a tier assumes that the model's declared tags are all the tags:
    grouping by all of them makes each bucket one tier point only if no other client
    wrote points with a tag of its own (checked on the server before running)."""
    if not query.meta.tiers or query.raw_only or not query.group_tags:
        return False
    meta = query.meta
    all_tags = query.group_tags == ('*',) or set(query.group_tags) == set(meta.tags)
    return all_tags and route(query) is not None
