"""The query tree -> ``(influxql, params)``.

First a validation pass over the whole tree raises :class:`QueryError` for what the
server would refuse or answer wrongly; only then is text written, clause by clause in
the one order InfluxQL accepts::

    SELECT … FROM … WHERE … GROUP BY … fill(…) ORDER BY … LIMIT … OFFSET …
    SLIMIT … SOFFSET … tz(…)

WHERE values become bind parameters (``$p0``…) for execution; ``inline=True`` writes
them as literals instead, through the quoting functions — the text ``str(qs.query)``
shows. Identifiers, time literals, durations and regexes are always literals.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..exceptions import QueryError
from ..fields import TAG
from ..quoting import quote_duration, quote_ident, quote_string, quote_value
from .expressions import SelectInfo
from .functions.aggregations import Count
from .lookups import In
from .tiers import route, tier_source, time_bounds
from .where import OR, TIME, WhereNode

if TYPE_CHECKING:
    from ..models import Options
    from .tree import Query

# InfluxQL 1.x answers OFFSET without LIMIT (and SOFFSET without SLIMIT) wrongly —
# a single row, or nothing — so an offset always comes with a limit too large to
# matter, yet small enough that the server's limit + offset cannot overflow.
NO_LIMIT = 2 ** 62
MAX_OFFSET = 2 ** 62


class Compiler:
    """Collects bind parameters while the text is written (or inlines the values).

    Strings, booleans and integers are bound. Floats are not: 1.x reads a JSON number
    without a ``.`` as an integer, and JSON writes ``1e-06`` — so they are inlined,
    exactly, through :func:`quote_number`.
    """

    __slots__ = ('inline', 'params', 'prefix')

    def __init__(self, inline: bool = False, prefix: str = 'p') -> None:
        self.inline = inline
        self.params: dict[str, Any] = {}
        self.prefix = prefix  # several statements in one request need distinct names

    def param(self, value: Any) -> str:
        if self.inline or type(value) is float:
            return quote_value(value)
        name = f'{self.prefix}{len(self.params)}'
        self.params[name] = value
        return '$' + name


HOUR_NS = 3600 * 10**9


# -- validation ------------------------------------------------------------------------


def selected_names(query: Query) -> tuple[str, ...]:
    """Attribute names of the plain columns selected (besides annotations)."""
    if query.only is not None:
        return query.only
    if query.annotations:
        return ()
    meta = query.meta
    if query.group_tags == ('*',):
        return tuple(meta.fields)
    grouped = query.group_tags
    return tuple(name for name in meta.all_fields if name not in grouped)


def query_defers(query: Query) -> bool:
    """``only()`` on a plain query: every field is selected, since InfluxDB drops a row
    whose selected fields are all null, and the others are set to None in the results."""
    return query.projection and not query.is_series


def _offset_changes(query: Query) -> bool:
    """Whether the query's zone changes its UTC offset within the time range (an
    unbounded or relative range: whether it ever does)."""
    zone = zoneinfo.ZoneInfo(str(query.tz))
    lows = [ns for op, ns in time_bounds(query) if op in ('>', '>=') and ns is not None]
    highs = [ns for op, ns in time_bounds(query) if op in ('<', '<=') and ns is not None]
    day = 86400 * 10**9
    if lows and highs and max(lows) <= min(highs) and min(highs) - max(lows) < 400 * day:
        steps = range(max(lows), min(highs) + day, day)
    else:
        steps = range(0, day * 365 * 70, day * 30)  # 1970 to 2040, monthly
    offsets = {datetime.fromtimestamp(ns // 10**9, zone).utcoffset() for ns in steps}
    return len(offsets) > 1


def validate_select(query: Query, names: tuple[str, ...]) -> None:
    """Every check that needs the whole query; raises QueryError before any text."""
    meta = query.meta
    info = SelectInfo()
    for resolved in query.annotations.values():
        info.merge(resolved.info)
    if names:
        info.aux = True
        if not query.annotations and all(meta.all_fields[n].is_tag for n in names):
            raise QueryError(f'{meta.model_name}: select at least one field: InfluxQL returns '
                             f'no points for tags alone ({", ".join(names)})')
    if not names and not query.annotations:
        raise QueryError(f'{meta.model_name} has no field to select')
    interval = query.interval
    if interval is None:
        if query.fill is not None:
            raise QueryError('fill() needs resolution(): it fills the empty time buckets of '
                             'GROUP BY time()')
        if info.needs_interval:
            raise QueryError(f'{", ".join(info.needs_interval)} of an aggregate needs '
                             'resolution() (InfluxQL: GROUP BY time())')
    else:
        if not info.calls:
            raise QueryError('resolution() needs an aggregate or selector to compute per time '
                             "bucket: annotate(name=Mean('field'))")
        if query.tz is not None and query.interval_offset and interval > HOUR_NS \
                and _offset_changes(query):
            # Measured on 1.6.7: time(1d, 6h) in Europe/Paris puts the day after the spring
            # change at 07:00, time(1w, 4d) starts that week at 01:00.
            raise QueryError(
                f'resolution() with an offset and tz({query.tz!r}): InfluxDB 1.x misplaces '
                'such buckets after a daylight saving time change (an extra bucket, points '
                'in the wrong one). Drop the offset (days then start at local midnight) or '
                'tz(), or shift the bounds instead')
        if info.refuses_interval:
            raise QueryError(f'with resolution(), {", ".join(info.refuses_interval)} takes an '
                             "aggregate of each bucket, e.g. Derivative(Mean('x')), not a field")
    if info.top_bottom and info.calls > 1:
        raise QueryError(f'{info.top_bottom}() cannot be combined with other functions '
                         '(an InfluxQL rule): run it in a query of its own')
    if info.distinct and (info.calls != 1 or info.aux):
        raise QueryError('Distinct() cannot be combined with other functions or fields; '
                         "Count(Distinct('x')) counts the distinct values")
    if info.aux:
        if not info.only_selectors:
            raise QueryError('cannot mix aggregates with raw fields or tags in one query: '
                             'select either raw values (only(…), F(…)) or functions of them')
        if info.calls > 1:
            raise QueryError('raw fields or tags can be selected next to one selector '
                             '(Max, Min, First, Last, Percentile, Sample, Top, Bottom) only')
    if query.low > MAX_OFFSET or query.soffset > MAX_OFFSET:
        raise QueryError(f'an offset above {MAX_OFFSET} is more than InfluxDB counts')
    limit = query.limit
    if info.top_bottom and limit is not None and info.top_bottom_n > limit:
        raise QueryError(f'{info.top_bottom}() asks for {info.top_bottom_n} points, more than '
                         f'the slice\'s limit of {limit}')


# -- text ------------------------------------------------------------------------------


_sources: dict[tuple[str | None, str | None, str], str] = {}


def from_clause(meta: Options) -> str:
    """``"db"."rp"."measurement"``, ``"db".."measurement"``, ``"rp"."measurement"``…"""
    key = (meta.database, meta.retention_policy, meta.measurement)
    text = _sources.get(key)
    if text is None:
        text = quote_ident(meta.measurement)
        if meta.database:
            rp = quote_ident(meta.retention_policy) if meta.retention_policy else ''
            text = f'{quote_ident(meta.database)}.{rp}.{text}'
        elif meta.retention_policy:
            text = f'{quote_ident(meta.retention_policy)}.{text}'
        _sources[key] = text
    return text


def where_text(query: Query, compiler: Compiler) -> str:
    parts = []
    for condition in query.where:
        text = condition.as_influxql(compiler)
        is_or = isinstance(condition, WhereNode) and condition.connector == OR
        parts.append(f'({text})' if is_or else text)
    if query.is_empty:
        parts.append('false')
    return ' AND '.join(parts)


def compile_select(query: Query, inline: bool = False,
                   prefix: str = 'p') -> tuple[str, dict[str, Any]]:
    """``(influxql, params)`` for a SELECT; every check runs before any text exists.

    Bind parameters are named ``$<prefix>0``, ``$<prefix>1``…
    """
    names = selected_names(query)
    validate_select(query, names)
    meta = query.meta
    compiler = Compiler(inline, prefix)
    fields = meta.all_fields
    routed = route(query) if meta.tiers else None
    if routed is not None:
        tier, columns = routed
        text = (f'/* influxpy: tier {tier.literal} */ SELECT {", ".join(columns)} '
                f'FROM {tier_source(query, tier)}')
    else:
        select = names
        if query_defers(query):
            select = (*names, *(name for name in fields if name not in names))
        columns = [quote_ident(fields[name].db_name) for name in select]
        for alias, resolved in query.annotations.items():
            columns.append(f'{resolved.sql} AS {quote_ident(alias)}')
        text = f'SELECT {", ".join(columns)} FROM {from_clause(meta)}'
    if query.where or query.is_empty:
        text += ' WHERE ' + where_text(query, compiler)
    groups = []
    if query.interval is not None:
        interval = quote_duration(query.interval)
        if query.interval_offset:
            interval += ', ' + quote_duration(query.interval_offset)
        groups.append(f'time({interval})')
    if query.group_tags == ('*',):
        groups.append('*')
    else:
        groups.extend(quote_ident(fields[name].db_name) for name in query.group_tags)
    if groups:
        text += ' GROUP BY ' + ', '.join(groups)
    if query.fill is not None:
        text += f' fill({query.fill})'
    if query.descending:
        text += ' ORDER BY time DESC'
    if not query.is_empty:
        limit = query.limit
        if limit is not None or query.low:
            text += f' LIMIT {NO_LIMIT if limit is None else limit}'
        if query.low:
            text += f' OFFSET {query.low}'
    if query.slimit is not None or query.soffset:
        text += f' SLIMIT {NO_LIMIT if query.slimit is None else query.slimit}'
    if query.soffset:
        text += f' SOFFSET {query.soffset}'
    if query.tz is not None:
        text += f' tz({quote_string(query.tz)})'
    return text, compiler.params


def compile_delete(query: Query, inline: bool = False) -> tuple[str, dict[str, Any]]:
    """``DELETE FROM … WHERE …`` with a time condition, else ``DROP SERIES FROM …``.

    Only tag and time conditions: InfluxDB deletes whole series or time ranges of them.
    """
    meta = query.meta
    if (query.annotations or query.interval is not None or query.group_tags
            or query.fill is not None or query.only is not None or query.is_sliced
            or query.slimit is not None or query.soffset or query.ordered
            or query.tz is not None):
        raise QueryError('delete() takes filter() and exclude() conditions only (no '
                         'annotate, resolution, group_by, fill, only, order_by, slicing, '
                         'series limits or tz)')
    has_time = False
    for condition in query.where:
        for lookup in condition.lookups():
            kind = lookup.column.kind
            if kind == TIME:
                has_time = True
            elif kind != TAG:
                raise QueryError(
                    f'delete() cannot use a condition on the field {meta.model_name}.'
                    f'{lookup.column.name}: InfluxDB deletes by tags and time only')
            if isinstance(lookup, In) and not lookup.value:
                raise QueryError('delete() with an empty __in list: refusing to guess '
                                 'whether that means nothing or everything')
    compiler = Compiler(inline)
    # DELETE and DROP SERIES take no database or retention policy in FROM (the
    # database is the request's; every retention policy is affected).
    source = quote_ident(meta.measurement)
    verb = 'DELETE' if has_time else 'DROP SERIES'
    text = f'{verb} FROM {source}'
    if query.where:
        text += ' WHERE ' + where_text(query, compiler)
    return text, compiler.params


def compile_count(query: Query) -> tuple[str, dict[str, Any], list[str]] | None:
    """The statement counting the rows of a plain query, its parameters and the aliases
    of its counts (None: the query selects no field, so it has no rows).

    It counts a field no point lacks (one with ``null=False``), else every selected
    field: the rows are the largest count — exact unless points hold disjoint sets of
    nullable fields."""
    meta = query.meta
    fields = [name for name in selected_names(query) if not meta.all_fields[name].is_tag]
    required = [name for name in fields if not meta.all_fields[name].null]
    counting = [required[0]] if required else fields
    if not counting:
        return None
    count_query = query.clone()
    count_query.only = None
    count_query.low, count_query.high = 0, None
    count_query.descending = False
    count_query.annotations = {f'n{i}': Count(name).resolve(meta)
                               for i, name in enumerate(counting)}
    text, params = compile_select(count_query)
    return text, params, list(count_query.annotations)
