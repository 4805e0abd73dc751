"""``Model.series`` and the lazy, immutable QuerySet behind it.

Three seams, as in Django: every builder method clones through :meth:`QuerySet._chain`;
the query runs in one place, :meth:`QuerySet._fetch_all`, and its results are cached;
rows become Python objects through one row factory per shape (instances, one
``InfluxResult`` per series, dicts, tuples, a DataFrame) from :mod:`influxpy.results`.

>>> qs = (Server.series.filter(host='a', time__gte=Now() - Hour(6))
...       .annotate(cpu=Mean('cpu')).resolution(Minute(5)).group_by('region'))
>>> print(qs.query)     # the InfluxQL, values inlined
>>> for series in qs:   # runs now, once
...     series.tags, series.points
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..exceptions import QueryError
from ..resolutions import duration_ns
from ..results import Dicts, Instances, Shape, Tuples, records, to_dataframe
from .answers import checked_for_tier, deferring, series_of, zero_counts
from .compiler import compile_count, compile_delete, query_defers
from .expressions import Expression, Func
from .lookups import build_condition
from .tree import Query
from .where import AND, Q, WhereNode, check_condition

if TYPE_CHECKING:
    from datetime import tzinfo

    import pandas

    from ..models import InfluxMeasurement

DEFAULT_CHUNK_SIZE = 10_000


class QuerySet:
    """A lazy, immutable query on one measurement; see the module docstring.

    >>> Server.series.filter(cpu__gt=90).order_by('-time')[:10]
    """

    def __init__(self, model: type[InfluxMeasurement], query: Query | None = None,
                 using: str | None = None) -> None:
        self.model = model
        self.query = query if query is not None else Query(model)
        self._using = using
        self._shape: Shape = Instances()
        self._result_cache: list[Any] | None = None

    # -- the clone point ------------------------------------------------------------

    def _chain(self) -> QuerySet:
        """A copy to change: the only way a builder method gets a QuerySet."""
        clone = QuerySet.__new__(QuerySet)
        clone.model = self.model
        clone.query = self.query.clone()
        clone._using = self._using
        clone._shape = self._shape
        clone._result_cache = None
        return clone

    # -- running: the one place a query is sent ----------------------------------------

    @property
    def _tz(self) -> tzinfo | None:
        return zoneinfo.ZoneInfo(self.query.tz) if self.query.tz else None

    def _run(self, chunk_size: int | None = None) -> Iterator[Any]:
        """Run the query and turn the answer into this QuerySet's shape, lazily."""
        query = self.query
        if query.is_empty:
            return iter(())
        where = self.model._meta.destination(self._using)
        connection, database = where.connection, where.database
        text, params = checked_for_tier(query, connection).compile()
        answers: Iterable[dict[str, Any]]
        if chunk_size is None:
            answers = connection.query(text, params=params, database=database)
        else:
            answers = connection.query_chunks(text, params=params, database=database,
                                              chunk_size=chunk_size)
        return self._shape_rows(answers)

    def _shape_rows(self, answers: Iterable[dict[str, Any]]) -> Iterator[Any]:
        """The server's answers to this query -> rows of this QuerySet's shape."""
        query = self.query
        rows = self._shape.rows(self.model, series_of(query, answers),
                                per_series=query.is_series, tz=self._tz)
        if isinstance(self._shape, Instances) and not query.is_series \
                and query_defers(query):
            return deferring(rows, query)
        return rows

    def _fetch_all(self) -> list[Any]:
        if self._result_cache is None:
            # Chunked even here: decoding overlaps the server's work, and memory holds the
            # rows built, not the whole answer as well.
            self._result_cache = list(self._run(DEFAULT_CHUNK_SIZE))
        return self._result_cache

    def __iter__(self) -> Iterator[Any]:
        return iter(self._fetch_all())

    def __len__(self) -> int:
        return len(self._fetch_all())

    def __bool__(self) -> bool:
        return bool(self._fetch_all())

    def __repr__(self) -> str:
        try:
            text = str(self.query)
        except QueryError as exc:
            text = f'(invalid: {exc})'
        return f'<QuerySet {self.model.__name__}: {text}>'

    def __getitem__(self, key: int | slice) -> Any:
        """``qs[5:10]`` -> LIMIT 5 OFFSET 5 (a new QuerySet); ``qs[3]`` -> that row."""
        if isinstance(key, bool) or not isinstance(key, (int, slice)):
            raise TypeError(f'QuerySet indices must be integers or slices, not '
                            f'{type(key).__name__}')
        if isinstance(key, slice):
            for bound in (key.start, key.stop):
                if bound is not None and (not isinstance(bound, int) or bound < 0):
                    raise QueryError(f'slice bounds must be non-negative integers, not '
                                     f'{bound!r} (InfluxQL cannot count from the end; '
                                     "use order_by('-time'))")
            if key.step not in (None, 1):
                raise QueryError('a QuerySet slice takes no step')
            if self._result_cache is not None:
                return self._result_cache[key]
            clone = self._chain()
            clone.query.set_limits(key.start, key.stop)
            return clone
        if key < 0:
            raise QueryError(f'negative index {key}: InfluxQL cannot count from the end; '
                             "use order_by('-time')[…]")
        if self._result_cache is not None:
            return self._result_cache[key]
        clone = self._chain()
        clone.query.set_limits(key, key + 1)
        rows = clone._fetch_all()
        if not rows:
            raise IndexError(f'QuerySet index {key} out of range')
        return rows[0]

    # -- conditions -------------------------------------------------------------------

    def _filter(self, negated: bool, args: tuple[Q, ...], lookups: Mapping[str, Any]) -> QuerySet:
        clone = self._chain()
        if clone.query.is_sliced:
            raise QueryError('cannot filter a query once a slice has been taken')
        q = Q(*args, **lookups)
        condition = build_condition(q, clone.query.meta, negated)
        if condition is not None:
            check_condition(condition)
            if isinstance(condition, WhereNode) and condition.connector == AND:
                clone.query.where += condition.children
            else:
                clone.query.where += (condition,)
        return clone

    def filter(self, *args: Q, **lookups: Any) -> QuerySet:
        """Points matching every lookup: ``filter(host='a', cpu__gt=90)``,
        ``filter(Q(host='a') | Q(host='b'))``."""
        return self._filter(False, args, lookups)

    def exclude(self, *args: Q, **lookups: Any) -> QuerySet:
        """Points not matching: ``exclude(host__in=['a', 'b'])``."""
        return self._filter(True, args, lookups)

    def all(self) -> QuerySet:
        return self._chain()

    # -- selection -------------------------------------------------------------------

    def annotate(self, *args: Expression, **expressions: Expression) -> QuerySet:
        """Select functions and expressions by name: ``annotate(cpu=Mean('cpu'))``.

        A positional function is named ``<field>__<function>`` (``cpu__mean``).
        """
        clone = self._chain()
        meta = clone.query.meta
        named: dict[str, Any] = {}
        for arg in args:
            if not isinstance(arg, Expression):
                raise QueryError(f'annotate() takes functions and expressions, not {arg!r}')
            named[arg.default_alias()] = arg
        for alias, expression in {**named, **expressions}.items():
            if not isinstance(expression, Expression):
                raise QueryError(f'annotate({alias}=…) takes a function or expression such as '
                                 f"Mean('cpu') or F('a') / F('b'), not {expression!r}")
            if alias == 'time' or alias in meta.all_fields or alias in meta.by_db_name:
                raise QueryError(f'annotate(): the name {alias!r} clashes with '
                                 f'{"time" if alias == "time" else "a field or tag"} of '
                                 f'{meta.model_name}; choose another name')
            if alias in clone.query.annotations:
                raise QueryError(f'annotate(): {alias!r} is already annotated')
            clone.query.annotations[alias] = expression.resolve(meta)
        return clone

    def only(self, *names: str) -> QuerySet:
        """Keep only these fields (by attribute or column name), and always the tags:
        like Django's primary key, they say which series a point belongs to, so an
        instance read back can be saved as the same point. A projection: every point
        comes back, the other fields None."""
        clone = self._chain()
        meta = clone.query.meta
        chosen = tuple(meta.get_field(name).name for name in names if name != 'time')
        clone.query.only = tuple(dict.fromkeys((*chosen, *meta.tags))) if chosen else None
        # A projection, as in Django: the same rows, the other fields None (deferred).
        clone.query.projection = bool(chosen)
        return clone

    def values(self, *names: str) -> QuerySet:
        """Rows as dicts with ``time`` and ``names`` (fields, tags or annotations).

        As in InfluxDB, a point that has none of the named fields does not appear."""
        clone = self._select_names(names)
        clone._shape = Dicts(tuple(names) if names else None)
        return clone

    def values_list(self, *names: str, flat: bool = False) -> QuerySet:
        """Rows as tuples of ``names`` in order; ``flat=True`` with one name: bare values.

        As in InfluxDB, a point that has none of the named fields does not appear."""
        if flat and len(names) != 1:
            raise QueryError(f'values_list(flat=True) takes exactly one name, not {names!r}')
        clone = self._select_names(names)
        clone._shape = Tuples(tuple(names) if names else None, flat)
        return clone

    def _select_names(self, names: tuple[str, ...]) -> QuerySet:
        clone = self._chain()
        query = clone.query
        meta = query.meta
        grouped = set(meta.tags) if query.group_tags == ('*',) else set(query.group_tags)
        columns = []
        for name in names:
            if name == 'time' or name in query.annotations:
                continue
            found = meta.get_field(name)
            if found.name not in grouped:  # a grouped tag comes with its series
                columns.append(found.name)
        if columns and not query.is_series:
            query.only = tuple(columns)
            query.projection = False  # InfluxDB's rule: rows without these do not appear
        elif columns:
            query.only = tuple(dict.fromkeys((*(query.only or ()), *columns)))
        return clone

    # -- grouping, order, limits ----------------------------------------------------------

    def resolution(self, duration: Any, offset: Any = None) -> QuerySet:
        """``GROUP BY time(duration[, offset])``: ``resolution(Minute(5))``,
        ``resolution('1h', offset='15m')``; ``offset`` may be negative."""
        clone = self._chain()
        clone.query.interval = duration_ns(duration, what='resolution')
        clone.query.interval_offset = 0 if offset is None else duration_ns(
            offset, what='resolution offset', allow_negative=True, allow_zero=True)
        return clone

    def fill(self, value: str | int | float | None) -> QuerySet:
        """What empty time buckets hold: ``'null'``, ``'none'`` (skip), ``'previous'``,
        ``'linear'`` or a number. Needs :meth:`resolution`."""
        clone = self._chain()
        clone.query.set_fill(value)
        return clone

    def group_by(self, *tags: str) -> QuerySet:
        """``GROUP BY`` these tags (``'*'``: every tag); one result per series."""
        clone = self._chain()
        meta = clone.query.meta
        if tags == ('*',):
            clone.query.group_tags = ('*',)
            return clone
        names = []
        for tag in tags:
            if tag == '*':
                raise QueryError("group_by('*') groups by every tag; it takes no other name")
            found = meta.get_field(tag)
            if not found.is_tag:
                raise QueryError(f'group_by({tag!r}): {meta.model_name}.{found.name} is a '
                                 'field; InfluxQL groups by tags (and time: resolution())')
            names.append(found.name)
        clone.query.group_tags = tuple(dict.fromkeys(names))
        return clone

    def order_by(self, *names: str) -> QuerySet:
        """``order_by('time')`` (oldest first, the default) or ``order_by('-time')``."""
        if len(names) > 1 or (names and names[0] not in ('time', '-time')):
            raise QueryError(f'order_by{names!r}: InfluxQL orders by time only: '
                             "order_by('time') or order_by('-time')")
        clone = self._chain()
        if clone.query.is_sliced:
            raise QueryError('cannot reorder a query once a slice has been taken')
        clone.query.descending = names == ('-time',)
        clone.query.ordered = bool(names)
        return clone

    def reverse(self) -> QuerySet:
        """The same points in the other time order."""
        return self.order_by('time' if self.query.descending else '-time')

    def slimit(self, n: int) -> QuerySet:
        """At most ``n`` series (``SLIMIT``)."""
        clone = self._chain()
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise QueryError(f'slimit({n!r}): the number of series must be a positive integer')
        clone.query.slimit = n
        return clone

    def soffset(self, n: int) -> QuerySet:
        """Skip the first ``n`` series (``SOFFSET``)."""
        clone = self._chain()
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise QueryError(f'soffset({n!r}): the number of series must be 0 or more')
        clone.query.soffset = n
        return clone

    def series_limit(self, limit: int | None = None, offset: int = 0) -> QuerySet:
        """``SLIMIT limit SOFFSET offset`` in one call."""
        clone = self.soffset(offset)
        return clone.slimit(limit) if limit is not None else clone

    def raw_tier(self) -> QuerySet:
        """Read the raw points even where a downsampled tier could answer."""
        clone = self._chain()
        clone.query.raw_only = True
        return clone

    def tz(self, name: str) -> QuerySet:
        """Time zone of time buckets (a day starts at local midnight) and of the times in
        dicts, tuples, series and DataFrames: ``tz('Europe/Paris')``. Model instances keep
        UTC, as in Django."""
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
            raise QueryError(f'tz({name!r}): not a time zone name such as '
                             "'Europe/Paris' or 'UTC'") from None
        clone = self._chain()
        clone.query.tz = name
        return clone

    def using(self, alias: str) -> QuerySet:
        """Run on the connection ``alias`` instead of the model's."""
        clone = self._chain()
        clone._using = alias
        return clone

    # -- terminal methods -------------------------------------------------------------

    def iterator(self, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[Any]:
        """Stream the rows as the server sends them (chunked), caching nothing."""
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            raise QueryError(f'iterator(chunk_size={chunk_size!r}) takes a positive integer')
        if self._result_cache is not None:
            return iter(self._result_cache)
        return self._run(chunk_size)

    def first(self) -> Any:
        """The first row (the oldest point unless ordered otherwise), or None."""
        qs = self if self.query.ordered else self.order_by('time')
        rows = qs[:1] if qs._result_cache is None else qs._result_cache[:1]
        return next(iter(rows), None)

    def last(self) -> Any:
        """The last row (the newest point unless ordered otherwise), or None."""
        if self.query.is_sliced:
            raise QueryError('cannot take last() of a sliced query')
        qs = self.order_by('time' if self.query.descending else '-time')
        return next(iter(qs[:1]), None)

    def exists(self) -> bool:
        """Whether any point matches (fetches at most one row per series)."""
        if self._result_cache is not None:
            return bool(self._result_cache)
        return any(True for _ in self[:1])

    def count(self) -> int:
        """How many rows iterating would give.

        A plain query counts on the server: ``count()`` of a field no point lacks (one
        with ``null=False``), else the largest count of any field — exact unless points
        hold disjoint sets of nullable fields.
        """
        if self._result_cache is not None:
            return len(self._result_cache)
        query = self.query
        query.compile()  # a query that cannot run cannot be counted either
        if query.is_series or query.is_empty or query.slimit \
                or not isinstance(self._shape, Instances):
            return len(self._fetch_all())
        counting = compile_count(query)
        if counting is None:
            return 0
        text, params, aliases = counting
        where = self.model._meta.destination(self._using)
        total = 0
        answer = where.connection.query(text, params=params, database=where.database)
        for _, row in records(answer):
            total = max(total, *(row[alias] or 0 for alias in aliases))
        total = max(0, total - query.low)
        limit = query.limit
        return total if limit is None else min(total, limit)

    def aggregate(self, *args: Func, **expressions: Expression) -> dict[str, Any]:
        """Compute functions over every matching point; return ``{name: value}``.

        >>> Server.series.filter(host='a').aggregate(peak=Max('cpu'), avg=Mean('cpu'))
        {'peak': 99.5, 'avg': 41.2}
        """
        query = self.query
        if query.interval is not None or query.group_tags or query.is_sliced:
            raise QueryError('aggregate() returns one value per name for all matching points; '
                             'for values per time bucket or series use annotate() with '
                             'resolution() or group_by()')
        base = self._chain()
        base.query.annotations = {}
        base.query.only = None
        base.query.fill = None
        base._shape = Instances()
        qs = base.annotate(*args, **expressions)
        for alias, resolved in qs.query.annotations.items():
            if resolved.info.multi_row:
                raise QueryError(f'aggregate({alias}=…): {resolved.source!r} gives several '
                                 'values; use annotate() for it')
        names = list(qs.query.annotations)
        out: dict[str, Any] = dict.fromkeys(names)
        out.update(dict.fromkeys(zero_counts(qs.query), 0))  # a count of nothing is 0
        for result in qs:
            for point in result.points:
                out.update((name, point.get(name)) for name in names)
                break
        return out

    def to_dataframe(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame: tags as columns, a tz-aware DatetimeIndex."""
        query = self.query
        where = self.model._meta.destination(self._using)
        text, params = checked_for_tier(query, where.connection).compile()
        # Chunked: the frame's columns grow chunk by chunk, the answer is never whole.
        answers = iter(()) if query.is_empty else where.connection.query_chunks(
            text, params=params, database=where.database, chunk_size=DEFAULT_CHUNK_SIZE)
        names = None
        if not query.is_series:  # the model's columns: typed from it even with no value
            fields = query.meta.all_fields
            names = [name for name, x in fields.items()
                     if query.only is None or x.is_tag or name in query.only]
        return to_dataframe(self.model, series_of(query, answers), tz=self._tz, names=names)

    def delete(self) -> None:
        """Delete the matching points: tag and time conditions only.

        With a time condition this is ``DELETE``; with tag conditions only, ``DROP
        SERIES`` (which also forgets the series). InfluxDB deletes in every retention
        policy of the database.
        """
        text, params = compile_delete(self.query)
        where = self.model._meta.destination(self._using)
        where.connection.query(text, params=params, database=where.database)

    def delete_query(self) -> str:
        """The InfluxQL :meth:`delete` would run, values inlined."""
        return compile_delete(self.query, inline=True)[0]
