"""The row functions: a series' rows -> instances, dicts, tuples or InfluxResults.

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
from typing import TYPE_CHECKING, Any

from .. import fields as f
from ..exceptions import QueryError
from ..times import InfluxTime
from .answer import TIME_COLUMN, InfluxResult, SeriesDict

if TYPE_CHECKING:
    from ..models import InfluxMeasurement


# -- columns -> attribute names and converters ------------------------------------

# How a column's values are converted, by the field class's ``from_db``.
KEEP, EMPTY_IS_NONE, TO_FLOAT, CALL = 'keep', 'tag', 'float', 'call'


def conversion(field: f.Field | None) -> str:
    if field is None:
        return KEEP
    method = type(field).from_db
    if method is f.Field.from_db:
        return KEEP
    # A tag *column* holds null, never '', for a point without the tag: only the tags of
    # a GROUP BY series come as '' (see series_tags), so rows need no conversion.
    if method is f.InfluxTag.from_db:
        return EMPTY_IS_NONE
    if method is f.FloatField.from_db:
        return TO_FLOAT
    return CALL


def attr_name(model: type[InfluxMeasurement], column: str) -> tuple[str, f.Field | None]:
    field = model._meta.by_db_name.get(column)
    return (field.name, field) if field is not None else (column, None)


def series_tags(model: type[InfluxMeasurement], tags: Mapping[str, Any] | None
                 ) -> tuple[tuple[str, ...], dict[str, Any]]:
    """A series' GROUP BY tag keys (sorted: the server's msgpack maps come in random
    order) and its tags by attribute name; an empty value (no such tag) becomes None."""
    if not tags:
        return (), {}
    keys = tuple(sorted(tags))
    out = {}
    for key in keys:
        value = tags[key]
        name, field = attr_name(model, key)
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
            if column == TIME_COLUMN and self.time_local is None:
                self.time_local = local
                continue
            name, field = attr_name(model, column)
            kind = conversion(field)
            if kind == TO_FLOAT:
                self.namespace[f'f{i}'] = field.from_db  # type: ignore[union-attr]
                expr = f'({local} if {local}.__class__ is float else f{i}({local}))'
            elif kind == CALL:
                self.namespace[f'f{i}'] = field.from_db  # type: ignore[union-attr]
                expr = f'f{i}({local})'
            else:
                expr = local
            self._add(name, column, expr)
        for j, key in enumerate(tag_keys):
            name, _ = attr_name(model, key)
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
        if name == TIME_COLUMN:
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


def _row_function(kind: str, model: type[InfluxMeasurement], columns: tuple[str, ...],
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
        keys, tags = series_tags(model, s.get('tags'))
        rows = _row_function('instances', model, columns, keys)
        yield from rows(s['values'], None, *tags.values())


# -- dicts, tuples and series -----------------------------------------------------

def _dict_factory(model: type[InfluxMeasurement], columns: tuple[str, ...],
                  tag_keys: tuple[str, ...], names: tuple[str, ...] | None,
                  ) -> Callable[..., Iterator[Any]]:
    src = _Source(model, columns, tag_keys)
    wanted = [n for n in names if n != TIME_COLUMN] if names is not None else src.order
    items = [f"'time': {src.expr(TIME_COLUMN, model)}"] if src.time_local is not None else []
    items += [f'{_literal(n)}: {src.expr(n, model)}' for n in wanted]
    return src.compile('dicts', [*src.time_lines(), f'        yield {{{", ".join(items)}}}'])


def _tuple_factory(model: type[InfluxMeasurement], columns: tuple[str, ...],
                   tag_keys: tuple[str, ...], names: tuple[str, ...] | None, flat: bool,
                   ) -> Callable[..., Iterator[Any]]:
    src = _Source(model, columns, tag_keys)
    if names is None:
        names = ((TIME_COLUMN,) if src.time_local is not None else ()) + tuple(src.order)
    exprs = [src.expr(n, model) for n in names]
    lines = src.time_lines() if TIME_COLUMN in names else []
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
        keys, tags = series_tags(model, s.get('tags'))
        rows = _row_function('dicts', model, columns, keys, wanted)
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
        keys, tags = series_tags(model, s.get('tags'))
        rows = _row_function('tuples', model, columns, keys, wanted, flat)
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
        _, tags = series_tags(model, s.get('tags'))
        # Points carry the columns only: the tags are the result's.
        rows = _row_function('dicts', model, columns, (), None)
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
