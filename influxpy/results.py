"""Server answers -> Python: one row factory per result shape.

Every function here takes an iterable of the server's *series dicts* (``{'name',
'tags'?, 'columns', 'values', 'partial'?}``, answers requested with ``epoch='ns'``) and
consumes it lazily, so rows streamed by ``Connection.query_chunks`` pass through in
constant memory::

    chunks = connection.query_chunks('SELECT * FROM cpu', chunk_size=10000)
    for obj in to_instances(Cpu, iter_series(chunks)):
        ...

The rows of a series are turned into objects by a small function generated once per
(model, columns, shape) and cached, which unpacks each row into locals and builds the
instance, dict or tuple in one expression: no per-value loop over field descriptors.
Column names are the server's (db names or aliases); db names become attribute names,
aliases stay as they are. A field's ``from_db`` is applied only where it changes
something (tags: ``''`` -> ``None``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from sys import intern
from typing import TYPE_CHECKING, Any

from . import fields as f
from .exceptions import PandasMissingError, QueryError
from .times import InfluxTime

if TYPE_CHECKING:
    import pandas

    from .models import InfluxMeasurement

__all__ = ['InfluxResult', 'PandasMissingError', 'iter_series', 'to_dataframe', 'to_dicts',
           'to_instances', 'to_results', 'to_tuples']

TIME = 'time'
SeriesDict = Mapping[str, Any]


class InfluxResult:
    """One series of an answer: its measurement ``name``, its ``tags`` and its ``points``.

    ``tags`` maps tag names (attribute names where the model declares the tag) to values,
    ``None`` for a series without that tag; each point is a dict with ``'time'`` (an aware
    :class:`~influxpy.times.InfluxTime`) and the selected names.

    >>> result.tags, result.points[0]
    ({'host': 'a'}, {'time': InfluxTime('2024-01-01T00:00:00+00:00'), 'cpu_m': 41.5})
    """

    __slots__ = ('name', 'points', 'tags')

    def __init__(self, tags: Mapping[str, Any] | None = None,
                 points: Sequence[dict[str, Any]] | None = None, name: str | None = None) -> None:
        self.tags: dict[str, Any] = dict(tags or {})
        self.points: list[dict[str, Any]] = list(points or ())
        self.name = name

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.points)

    def __len__(self) -> int:
        return len(self.points)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, InfluxResult):
            return NotImplemented
        return (self.name, self.tags, self.points) == (other.name, other.tags, other.points)

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        tags = ', '.join(f'{k}={v!r}' for k, v in self.tags.items())
        count = len(self.points)
        return (f'<InfluxResult {self.name or ""}{" " if tags else ""}{tags}: '
                f'{count} point{"" if count == 1 else "s"}>')


def iter_series(results: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """The series dicts of statement results or streamed chunks, in order."""
    for result in results:
        yield from result.get('series') or ()


# -- columns -> attribute names and converters ------------------------------------

# How a column's values are converted, by the field class's ``from_db``.
_KEEP, _TAG, _FLOAT, _CALL = 'keep', 'tag', 'float', 'call'


def _conversion(field: f.Field | None) -> str:
    if field is None:
        return _KEEP
    method = type(field).from_db
    if method is f.Field.from_db:
        return _KEEP
    # A tag *column* holds null, never '', for a point without the tag: only the tags of
    # a GROUP BY series come as '' (see _series_tags), so rows need no conversion.
    if method is f.InfluxTag.from_db:
        return _TAG
    if method is f.FloatField.from_db:
        return _FLOAT
    return _CALL


def _attr_name(model: type[InfluxMeasurement], column: str) -> tuple[str, f.Field | None]:
    field = model._meta.by_db_name.get(column)
    return (field.name, field) if field is not None else (column, None)


def _series_tags(model: type[InfluxMeasurement], tags: Mapping[str, Any] | None
                 ) -> tuple[tuple[str, ...], dict[str, Any]]:
    """A series' GROUP BY tag keys (sorted: the server's msgpack maps come in random
    order) and its tags by attribute name; an empty value (no such tag) becomes None."""
    if not tags:
        return (), {}
    keys = tuple(sorted(tags))
    out = {}
    for key in keys:
        value = tags[key]
        name, field = _attr_name(model, key)
        out[name] = field.from_db(value) if field is not None else (value or None)
    return keys, out


class _Source:
    """Generated code that reads a series' columns: local names and value expressions."""

    def __init__(self, model: type[InfluxMeasurement], columns: Sequence[str],
                 tag_keys: Sequence[str]) -> None:
        self.namespace: dict[str, Any] = {
            'E': _EPOCH, 'TD': timedelta, 'divmod': divmod, 'new': object.__new__,
            # datetime's own methods: InfluxTime's carry nanoseconds, which are set below.
            'ADD': datetime.__add__, 'ASTZ': datetime.astimezone,
            'cls': model}
        self.locals: list[str] = []
        self.exprs: dict[str, str] = {}  # attribute name / alias / db name -> expression
        self.order: list[str] = []       # names of the columns, then tags, as returned
        self.time_local: str | None = None
        for i, column in enumerate(columns):
            local = f'c{i}'
            self.locals.append(local)
            if column == TIME and self.time_local is None:
                self.time_local = local
                continue
            name, field = _attr_name(model, column)
            kind = _conversion(field)
            if kind == _FLOAT:
                self.namespace[f'f{i}'] = field.from_db  # type: ignore[union-attr]
                expr = f'({local} if {local}.__class__ is float else f{i}({local}))'
            elif kind == _CALL:
                self.namespace[f'f{i}'] = field.from_db  # type: ignore[union-attr]
                expr = f'f{i}({local})'
            else:
                expr = local
            self._add(name, column, expr)
        for j, key in enumerate(tag_keys):
            name, _ = _attr_name(model, key)
            self._add(name, key, f'g{j}')
        self.params = ', '.join(f'g{j}' for j in range(len(tag_keys)))
        if len(columns) == 1:
            self.unpack = f'({self.locals[0]},)'
        else:
            self.unpack = ', '.join(self.locals) or '()'

    def _add(self, name: str, column: str, expr: str) -> None:
        if name in self.exprs:
            return  # a GROUP BY tag also selected as a column: the same value
        self.exprs[name] = expr
        self.order.append(name)
        self.exprs.setdefault(column, expr)

    def expr(self, name: str, model: type[InfluxMeasurement]) -> str:
        if name == TIME:
            if self.time_local is None:
                raise QueryError(f'{model.__name__}: the answer has no time column')
            return 'x'
        found = self.exprs.get(name)
        if found is None:
            raise QueryError(f'{model.__name__}: the answer has no column {name!r}; it has: '
                             f'{", ".join(["time", *self.order])}')
        return found

    def time_lines(self) -> list[str]:
        """Statements that turn the row's epoch nanoseconds into an InfluxTime ``x``."""
        if self.time_local is None:
            return []
        t = self.time_local
        # Adding a timedelta to an InfluxTime returns an InfluxTime: one construction.
        return [f'        m, n = divmod({t}, 1000)',
                '        x = ADD(E, TD(0, 0, m))',
                '        if tz is not None:',
                '            x = ASTZ(x, tz)',
                '        x.nanosecond = n']

    def compile(self, name: str, lines: list[str]) -> Callable[..., Iterator[Any]]:
        params = f', {self.params}' if self.params else ''
        source = '\n'.join([
            f'def {name}(values, tz{params}):',
            f'    for {self.unpack} in values:',
            *lines,
        ])
        exec(source, self.namespace)  # noqa: S102 - names are only used as dict keys
        function: Callable[..., Iterator[Any]] = self.namespace[name]
        function.__source__ = source  # type: ignore[attr-defined]  # for debugging
        return function


_EPOCH = InfluxTime(1970, 1, 1, tzinfo=UTC)
_EPOCH.nanosecond = 0

_factories: dict[tuple[Any, ...], Callable[..., Iterator[Any]]] = {}
_factories_lock = threading.Lock()
_MAX_FACTORIES = 1024


def _rows(kind: str, model: type[InfluxMeasurement], columns: tuple[str, ...],
          tag_keys: tuple[str, ...], *options: Any) -> Callable[..., Iterator[Any]]:
    """The generated row function of ``kind`` for this layout of a series, cached."""
    key = (kind, model, columns, tag_keys, *options)
    found = _factories.get(key)
    if found is None:
        found = _BUILDERS[kind](model, columns, tag_keys, *options)
        with _factories_lock:
            if len(_factories) >= _MAX_FACTORIES:
                _factories.clear()  # a runaway of distinct column sets (raw queries)
            _factories[key] = found
    return found


def _literal(key: str) -> str:
    return repr(str(key))


# -- instances --------------------------------------------------------------------

def _instance_factory(model: type[InfluxMeasurement], columns: tuple[str, ...],
                      tag_keys: tuple[str, ...]) -> Callable[..., Iterator[Any]]:
    src = _Source(model, columns, tag_keys)
    items = [f"'_time_ns': {src.time_local or 'None'}"]
    for name in model._meta.all_fields:
        items.append(f'{_literal(name)}: {src.exprs[name] if name in src.exprs else "None"}')
    for name in src.order:
        if name in model._meta.all_fields:
            continue
        if name.startswith('_') or hasattr(model, name):
            raise QueryError(
                f'{model.__name__}: the answer has a column {name!r}, which would hide '
                f'{model.__name__}.{name}; give it another alias')
        items.append(f'{_literal(name)}: {src.exprs[name]}')
    return src.compile('instances', [
        '        o = new(cls)',
        f'        o.__dict__ = {{{", ".join(items)}}}',
        '        yield o',
    ])


def to_instances(model: type[InfluxMeasurement], series: Iterable[SeriesDict],
                 ) -> Iterator[InfluxMeasurement]:
    """One model instance per point; GROUP BY tags and extra columns become attributes.

    Fields absent from the answer are ``None``; ``time_ns`` is exact and ``time`` is in
    UTC, as on Django's model instances (a query's ``tz()`` zone is for the other shapes).
    """
    for s in series:
        columns = tuple(s['columns'])
        keys, tags = _series_tags(model, s.get('tags'))
        rows = _rows('instances', model, columns, keys)
        yield from rows(s['values'], None, *tags.values())


# -- dicts, tuples and series -----------------------------------------------------

def _dict_factory(model: type[InfluxMeasurement], columns: tuple[str, ...],
                  tag_keys: tuple[str, ...], names: tuple[str, ...] | None,
                  ) -> Callable[..., Iterator[Any]]:
    src = _Source(model, columns, tag_keys)
    wanted = [n for n in names if n != TIME] if names is not None else src.order
    items = [f"'time': {src.expr(TIME, model)}"] if src.time_local is not None else []
    items += [f'{_literal(n)}: {src.expr(n, model)}' for n in wanted]
    return src.compile('dicts', [*src.time_lines(), f'        yield {{{", ".join(items)}}}'])


def _tuple_factory(model: type[InfluxMeasurement], columns: tuple[str, ...],
                   tag_keys: tuple[str, ...], names: tuple[str, ...] | None, flat: bool,
                   ) -> Callable[..., Iterator[Any]]:
    src = _Source(model, columns, tag_keys)
    if names is None:
        names = ((TIME,) if src.time_local is not None else ()) + tuple(src.order)
    exprs = [src.expr(n, model) for n in names]
    lines = src.time_lines() if TIME in names else []
    if flat:
        return src.compile('flat', [*lines, f'        yield {exprs[0]}'])
    row = f'({exprs[0]},)' if len(exprs) == 1 else f'({", ".join(exprs)})'
    return src.compile('tuples', [*lines, f'        yield {row}'])


def to_dicts(model: type[InfluxMeasurement], series: Iterable[SeriesDict],
             names: Sequence[str] | None = None, tz: tzinfo | None = None
             ) -> Iterator[dict[str, Any]]:
    """One dict per point: ``'time'`` and ``names`` (default: every column, then the
    series' GROUP BY tags), keyed by attribute name or alias."""
    wanted = tuple(names) if names is not None else None
    for s in series:
        columns = tuple(s['columns'])
        keys, tags = _series_tags(model, s.get('tags'))
        rows = _rows('dicts', model, columns, keys, wanted)
        yield from rows(s['values'], tz, *tags.values())


def to_tuples(model: type[InfluxMeasurement], series: Iterable[SeriesDict],
              names: Sequence[str] | None = None, flat: bool = False,
              tz: tzinfo | None = None) -> Iterator[Any]:
    """One tuple per point of ``names`` in order (default: time, every column, then the
    series' GROUP BY tags); with ``flat=True`` and one name, the bare values.

    A flat request without exactly one name is refused at once, before any row is read.
    """
    wanted = tuple(names) if names is not None else None
    if flat and (wanted is None or len(wanted) != 1):
        raise QueryError(f'{model.__name__}: flat=True needs exactly one name, not '
                         f'{list(wanted) if wanted is not None else "all columns"}')
    return _tuples(model, series, wanted, flat, tz)


def _tuples(model: type[InfluxMeasurement], series: Iterable[SeriesDict],
            wanted: tuple[str, ...] | None, flat: bool, tz: tzinfo | None) -> Iterator[Any]:
    for s in series:
        columns = tuple(s['columns'])
        keys, tags = _series_tags(model, s.get('tags'))
        rows = _rows('tuples', model, columns, keys, wanted, flat)
        yield from rows(s['values'], tz, *tags.values())


def to_results(model: type[InfluxMeasurement], series: Iterable[SeriesDict],
               tz: tzinfo | None = None) -> Iterator[InfluxResult]:
    """One :class:`InfluxResult` per series, its pieces from several chunks merged.

    A result is yielded as soon as its last piece has arrived.
    """
    current: InfluxResult | None = None
    meta = model._meta
    # A query a tier answered gives the model's measurement, as its raw points would.
    tier_names = {tier.measurement(meta.measurement) for tier in meta.tiers}
    for s in series:
        columns = tuple(s['columns'])
        _, tags = _series_tags(model, s.get('tags'))
        # Points carry the columns only: the tags are the result's.
        rows = _rows('dicts', model, columns, (), None)
        name = s.get('name')
        if name in tier_names:
            name = meta.measurement
        if current is None or current.name != name or current.tags != tags:
            if current is not None:
                yield current
            current = InfluxResult(tags, (), name)
        current.points.extend(rows(s['values'], tz))
        if not s.get('partial'):
            yield current
            current = None
    if current is not None:
        yield current


_BUILDERS: dict[str, Callable[..., Callable[..., Iterator[Any]]]] = {
    'instances': _instance_factory, 'dicts': _dict_factory, 'tuples': _tuple_factory}


# -- DataFrames -------------------------------------------------------------------

def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise PandasMissingError(
            "to_dataframe() needs pandas: pip install 'influxpy[pandas]'") from None
    return pandas


class _Column:
    """One DataFrame column, built piece by piece (a piece per series chunk) as numpy
    arrays: the cyclic GC walks every element of a big list at each full collection,
    which made accumulating Python lists three times slower; it does not walk arrays."""

    __slots__ = ('field', 'float_field', 'pieces')

    def __init__(self, field: f.Field | None, nulls: int) -> None:
        self.field = field
        self.float_field = field is not None and field.kind == f.FLOAT
        # (kind, data, mask): kind 'f' float64 (null: NaN), 'i' int64, 'b' bool (null:
        # True in mask), 'O' object, 'null' (data: the count).
        self.pieces: list[tuple[str, Any, Any]] = []
        if nulls:
            self.pieces.append(('null', nulls, None))

    def add_nulls(self, count: int) -> None:
        self.pieces.append(('null', count, None))

    def add(self, np: Any, values: Sequence[Any]) -> None:
        kinds = set(map(type, values))
        has_null = _NONE in kinds
        kinds.discard(_NONE)
        if not kinds:
            self.add_nulls(len(values))
        elif kinds == _FLOAT_KINDS or (self.float_field and kinds <= _NUMBER_KINDS):
            self.pieces.append(('f', np.array(values, dtype='float64'), None))  # None: NaN
        elif kinds == _INT_KINDS or kinds == _BOOL_KINDS:
            kind, dtype = ('i', 'int64') if kinds == _INT_KINDS else ('b', 'bool')
            if has_null:
                mask = np.array([v is None for v in values], dtype=bool)
                data = np.array([v or 0 for v in values], dtype=dtype)
                self.pieces.append((kind, data, mask))
            else:
                self.pieces.append((kind, np.array(values, dtype=dtype), None))
        else:
            data = np.empty(len(values), dtype=object)
            data[:] = values
            self.pieces.append(('O', data, None))

    def build(self, pd: Any, np: Any) -> Any:
        kinds = {kind for kind, _, _ in self.pieces} - {'null'}
        if not kinds:
            return self._all_null(pd, np)
        if len(kinds) == 1 and kinds <= {'f', 'i', 'b'}:
            kind = kinds.pop()
            dtype = {'f': 'float64', 'i': 'int64', 'b': 'bool'}[kind]
            blank = np.nan if kind == 'f' else 0
            data = np.concatenate([
                piece if kind_ != 'null' else np.full(piece, blank, dtype=dtype)
                for kind_, piece, _ in self.pieces])
            if kind == 'f':
                return data
            if all(kind_ != 'null' and mask is None for kind_, _, mask in self.pieces):
                return data
            mask = np.concatenate([
                np.ones(piece, dtype=bool) if kind_ == 'null'
                else mask_ if mask_ is not None else np.zeros(len(piece), dtype=bool)
                for kind_, piece, mask_ in self.pieces])
            array_type = pd.arrays.IntegerArray if kind == 'i' else pd.arrays.BooleanArray
            return array_type(data, mask)
        # Mixed kinds or objects (strings, tags): Python objects, None for null.
        parts = []
        for kind_, piece, mask_ in self.pieces:
            if kind_ == 'null':
                parts.append(np.full(piece, None, dtype=object))
                continue
            part = piece if kind_ == 'O' else piece.astype(object)
            if kind_ == 'f':
                part[np.isnan(piece)] = None  # InfluxDB stores no NaN: it was a null
            elif mask_ is not None:
                part[mask_] = None
            parts.append(part)
        return np.concatenate(parts) if parts else np.empty(0, dtype=object)

    def _all_null(self, pd: Any, np: Any) -> Any:
        """A column with no value in the answer: its dtype comes from the model's field,
        as if it had values (float64, Int64, boolean, the default string dtype)."""
        count = sum(piece for _, piece, _ in self.pieces)
        field = self.field
        kind = field.kind if field is not None else None
        if kind in (f.FLOAT, f.ANY):
            return np.full(count, np.nan, dtype='float64')
        if kind == f.INTEGER:
            return pd.array(np.full(count, None, dtype=object), dtype='Int64')
        if kind == f.BOOLEAN:
            return pd.array(np.full(count, None, dtype=object), dtype='boolean')
        nulls = np.full(count, None, dtype=object)
        if kind in (f.STRING, f.TAG):
            return pd.array(nulls, dtype=pd.Series([], dtype=str).dtype)
        return nulls


_NONE = type(None)
_FLOAT_KINDS = {float}
_INT_KINDS = {int}
_BOOL_KINDS = {bool}
_NUMBER_KINDS = {float, int}


def to_dataframe(model: type[InfluxMeasurement], series: Iterable[SeriesDict],
                 tz: tzinfo | None = None,
                 names: Sequence[str] | None = None) -> pandas.DataFrame:
    """All points as one DataFrame: a tz-aware ``DatetimeIndex`` named ``time`` (UTC or
    ``tz``), a column per selected name and per GROUP BY tag (attribute names).

    Floats are ``float64`` (null: NaN), integers ``int64`` (``Int64`` with nulls),
    booleans ``bool`` (``boolean`` with nulls); strings and tags are objects (None for
    null) which pandas stores with its default string dtype. Rows keep the server's
    order: series after series. ``names`` (attribute names of the model) are the columns,
    whatever the answer holds: one without a value, or an empty answer, still gives
    them, typed from the model.
    """
    pd = _pandas()
    import numpy as np

    columns: dict[str, _Column] = {}
    times: list[Any] = []
    total = 0
    for s in series:
        values = s['values']
        count = len(values)
        if not count:
            continue
        seen = set()
        # Column by column: zip(*values) would make an iterator per row, enough new
        # objects for the cyclic GC to run full collections again and again.
        columns_data = [[row[i] for row in values] for i in range(len(s['columns']))]
        for column, data in zip(s['columns'], columns_data):
            if column == TIME and TIME not in seen:
                times.append(np.array(data, dtype='int64'))
                seen.add(TIME)
                continue
            name, field = _attr_name(model, column)
            if name in seen:
                continue
            kind = _conversion(field)
            if kind == _TAG:
                # The decoder makes a new string per row; a frame keeps them all.
                data = [intern(v) if v else None for v in data]
            elif kind == _CALL:
                data = list(map(field.from_db, data))  # type: ignore[union-attr]
            builder = columns.get(name)
            if builder is None:
                builder = columns[name] = _Column(field, total)
            builder.add(np, data)
            seen.add(name)
        for name, value in _series_tags(model, s.get('tags'))[1].items():
            if name in seen:
                continue
            builder = columns.get(name)
            if builder is None:
                builder = columns[name] = _Column(model._meta.all_fields.get(name), total)
            if value is None:
                builder.add_nulls(count)
            else:
                builder.pieces.append(('O', np.full(count, value, dtype=object), None))
            seen.add(name)
        for name, builder in columns.items():
            if name not in seen:
                builder.add_nulls(count)
        total += count
    for name in names or ():
        if name not in columns:
            columns[name] = _Column(model._meta.all_fields.get(name), total)
    if names:  # exactly these: only() selects more than it keeps
        columns = {name: columns[name] for name in names}
    stamps = np.concatenate(times) if times else np.empty(0, dtype='int64')
    index = pd.DatetimeIndex(stamps.view('datetime64[ns]'), name=TIME).tz_localize('UTC')
    if tz is not None:
        index = index.tz_convert(tz)
    frame = {name: builder.build(pd, np) for name, builder in columns.items()}
    return pd.DataFrame(frame, index=index, copy=False)
