"""Declarative measurements.

>>> class ServerMeasurement(InfluxMeasurement):
...     measurement = 'servers'
...     cpu = fields.InfluxField()
...     name = fields.InfluxTag()
...
>>> ServerMeasurement(cpu=34, name='i-3a99f2b', time='2024-01-01T00:00:00Z').save()

The metaclass collects fields and tags into ``Model._meta`` and generates an
``__init__`` per class (as dataclasses do), so building a million instances is one
plain function call each.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from . import fields as f
from .connection import DEFAULT_ALIAS, PRECISIONS, Connection, get_connection
from .exceptions import QueryError, ValidationError
from .fields import check_name
from .manager import SeriesManager
from .retention import RetentionPolicy, Tier, check_tiers
from .times import MAX_NS, MIN_NS, InfluxTime, to_ns
from .write import write_points

META_OPTIONS = ('database', 'retention_policy', 'using', 'precision', 'abstract', 'tiers')


def _snake_case(name: str) -> str:
    return re.sub(r'(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])', '_', name).lower()


@dataclass(frozen=True)
class Destination:
    """Where a model's points are written and read: worked out in one place,
    :meth:`Options.destination`, for writes, reads, sync and imports alike."""

    connection: Connection
    database: str | None          # None: the connection has none either
    retention_policy: str | None  # None: the database's default policy
    precision: str                # of the times in line protocol
    model_name: str

    def require_database(self) -> str:
        """The database, or the one "no database" error naming the model."""
        return self.connection.require_database(self.database, who=self.model_name)


class Options:
    """``Model._meta``: the measurement's name, its tags and fields, and Meta options."""

    def __init__(self, model: type[InfluxMeasurement], measurement: str,
                 declared: dict[str, f.Field], meta: Any) -> None:
        self.model = model
        self.model_name = model.__name__
        self.measurement = measurement
        self.abstract = bool(getattr(meta, 'abstract', False))
        self.database: str | None = getattr(meta, 'database', None)
        # A RetentionPolicy declared here is created by influxpy.sync(); a name is only used.
        declared_rp = getattr(meta, 'retention_policy', None)
        self.retention: RetentionPolicy | None = \
            declared_rp if isinstance(declared_rp, RetentionPolicy) else None
        self.retention_policy: str | None = \
            declared_rp.name if isinstance(declared_rp, RetentionPolicy) else declared_rp
        self.using: str = getattr(meta, 'using', DEFAULT_ALIAS)
        self.precision: str | None = getattr(meta, 'precision', None)
        if self.precision is not None and self.precision not in PRECISIONS:
            raise ValidationError(f'{self.model_name}: Meta.precision {self.precision!r} is not '
                                  f'one of {", ".join(PRECISIONS)}', model=self.model_name)
        # Tags sorted by column name: the order InfluxDB indexes fastest.
        self.tags = dict(sorted(((n, x) for n, x in declared.items() if x.is_tag),
                                key=lambda item: item[1].db_name))
        self.fields = {n: x for n, x in declared.items() if not x.is_tag}
        self.all_fields = {**self.tags, **self.fields}
        self.by_db_name = {x.db_name: x for x in self.all_fields.values()}
        try:
            self.tiers: tuple[Tier, ...] = check_tiers(
                self.model_name, getattr(meta, 'tiers', None), self.retention,
                {x.db_name: x for x in self.fields.values()})
        except QueryError as exc:
            raise ValidationError(str(exc), model=self.model_name) from None
        self._serializers: dict[str, Any] = {}  # precision -> LineSerializer

    def __repr__(self) -> str:
        return f'<Options for {self.model_name}>'

    def destination(self, using: str | None = None) -> Destination:
        """Where this model's points go: the connection ``using`` (default: Meta.using),
        Meta.database (default: the connection's), Meta.retention_policy, and
        Meta.precision (default: the connection's)."""
        connection = get_connection(using or self.using)
        return Destination(connection, self.database or connection.database,
                           self.retention_policy,
                           self.precision or connection.settings.precision, self.model_name)

    def get_field(self, name: str) -> f.Field:
        """A tag or field by attribute name or column name; a QueryError names the valid ones."""
        found = self.all_fields.get(name) or self.by_db_name.get(name)
        if found is None:
            raise QueryError(f'{self.model_name} has no field or tag {name!r}; it has: '
                             f'{", ".join(self.all_fields) or "none"} (and time)')
        return found


class MeasurementBase(type):
    """Collects fields into ``_meta``, checks names, builds ``__init__``."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any],
                **kwargs: Any) -> MeasurementBase:
        declared: dict[str, f.Field] = {}
        for base in reversed(bases):
            base_meta = getattr(base, '_meta', None)
            if base_meta is not None:
                for key, value in base_meta.all_fields.items():
                    declared[key] = _copy_field(value)
        own = sorted(((k, v) for k, v in attrs.items() if isinstance(v, f.Field)),
                     key=lambda item: item[1].creation_order)
        for key, value in own:
            attrs.pop(key)
            declared[key] = value
        meta = attrs.pop('Meta', None)
        if meta is not None:
            unknown = [k for k in vars(meta) if not k.startswith('_') and k not in META_OPTIONS]
            if unknown:
                raise ValidationError(f'{name}: unknown Meta option(s) {", ".join(unknown)}; '
                                      f'valid: {", ".join(META_OPTIONS)}', model=name)
        cls = super().__new__(mcs, name, bases, attrs, **kwargs)
        if not bases:
            return cls
        measurement = attrs.get('measurement') or getattr(cls, 'measurement', None)
        if not isinstance(measurement, str) or 'measurement' not in attrs:
            measurement = _snake_case(name)
        for key, field in declared.items():
            if key in RESERVED_ATTRIBUTES:
                raise ValidationError(f'{name}: a field cannot be called {key!r}', model=name)
            if not key.isidentifier() or keyword.iskeyword(key) or key.startswith('__'):
                raise ValidationError(f'{name}: {key!r} is no attribute name; name the '
                                      "attribute otherwise and give the column as db_name='…'",
                                      model=name)
            field.bind(name, key)
            check_name(name, 'tag key' if field.is_tag else 'field key', field.db_name)
        model: Any = cls
        if meta is None:  # as in Django, a child of an abstract measurement takes its Meta
            meta = _abstract_parent_meta(bases)
        model._declared_meta = meta
        model._meta = Options(model, measurement, declared, meta)
        model.measurement = measurement
        if not model._meta.abstract:
            check_name(name, 'measurement', measurement)
        seen: dict[str, f.Field] = {}
        for field in declared.values():
            other = seen.setdefault(field.db_name, field)
            if other is not field:
                raise ValidationError(
                    f'{name}: {other.name!r} and {field.name!r} both use the column '
                    f'{field.db_name!r}; a name cannot be both a tag and a field',
                    model=name)
        model.__init__ = _make_init(model, declared)
        return cls


def _abstract_parent_meta(bases: tuple[type, ...]) -> Any:
    """The Meta of the first abstract base that declares one, made concrete."""
    for base in bases:
        parent = getattr(base, '_declared_meta', None)
        base_meta = getattr(base, '_meta', None)
        if parent is not None and base_meta is not None and base_meta.abstract:
            return type('Meta', (parent,), {'abstract': False})
    return None


def _copy_field(field: f.Field) -> f.Field:
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone


def _make_init(model: type, declared: Mapping[str, f.Field]) -> Callable[..., None]:
    """``__init__(self, *, time=None, cpu=<default>, name=<default>, **unknown)``.

    The generated code's own names start with ``__``, which no field can (Python mangles
    such class attributes), so a field may be called ``self``, ``d`` or ``unknown``.
    """
    namespace: dict[str, Any] = {'__NP': f.NOT_PROVIDED, '__to_ns': to_ns, '__MIN': MIN_NS,
                                 '__MAX': MAX_NS, '__unknown_names': _unknown_names}
    args, body = [], []
    for i, key in enumerate(declared):
        field = declared[key]
        args.append(f'{key}=__NP')
        default = f'__default_{i}'
        if field.has_default() and callable(field.default):
            namespace[default] = field.default
            body.append(f'    __d[{key!r}] = {default}() if {key} is __NP else {key}')
        else:
            namespace[default] = field.get_default()
            body.append(f'    __d[{key!r}] = {default} if {key} is __NP else {key}')
    source = '\n'.join([
        f'def __init__(__self, *, time=None, {", ".join(args)}{", " if args else ""}'
        '**__unknown):',
        '    if __unknown:',
        '        __unknown_names(__self, __unknown)',
        '    __d = __self.__dict__',
        '    __d["_time_ns"] = time if (type(time) is int and __MIN <= time <= __MAX) '
        'or time is None else __to_ns(time, what=type(__self).__name__ + ".time")',
        *body,
    ])
    exec(source, namespace)  # noqa: S102 - generated from field names checked above
    init: Callable[..., None] = namespace['__init__']
    init.__qualname__ = f'{model.__name__}.__init__'
    return init


def _unknown_names(obj: InfluxMeasurement, unknown: Mapping[str, Any]) -> None:
    meta = obj._meta
    raise ValidationError(
        f'{meta.model_name} has no field or tag {", ".join(map(repr, unknown))}; '
        f'it has: {", ".join(meta.all_fields) or "none"} (and time)', model=meta.model_name)


class SeriesDescriptor:
    """``Model.series``: the manager, bound to the class (not available on instances)."""

    def __get__(self, instance: Any, owner: type[InfluxMeasurement]) -> SeriesManager:
        if instance is not None:
            raise AttributeError('series is reached through the class: '
                                 f'{owner.__name__}.series, not through an instance')
        return SeriesManager(owner)


class InfluxMeasurement(metaclass=MeasurementBase):
    """Base of every measurement class; see the module docstring."""

    _meta: ClassVar[Options]
    measurement: ClassVar[str]
    series: ClassVar[SeriesManager] = SeriesDescriptor()  # type: ignore[assignment]
    _time_ns: int | None

    def __init__(self, *, time: Any = None, **values: Any) -> None:  # replaced per class
        raise TypeError('InfluxMeasurement is abstract: declare a subclass with fields')

    # -- time --------------------------------------------------------------------

    @property
    def time(self) -> InfluxTime | None:
        """The point's time as an aware datetime in UTC (with ``.nanosecond``), or None."""
        ns = self._time_ns
        return None if ns is None else InfluxTime.from_ns(ns)

    @time.setter
    def time(self, value: Any) -> None:
        self._time_ns = None if value is None else to_ns(value, what=f'{type(self).__name__}.time')

    @property
    def time_ns(self) -> int | None:
        """The exact time in epoch nanoseconds."""
        return self._time_ns

    @time_ns.setter
    def time_ns(self, value: int) -> None:
        self.time = value

    # -- values ------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """``{'time': …, field: value…}`` by attribute name."""
        return {'time': self.time, **{k: getattr(self, k) for k in self._meta.all_fields}}

    def full_clean(self) -> None:
        """Convert and check every value in place; raise the first ValidationError."""
        meta = self._meta
        d = self.__dict__
        for key, field in meta.all_fields.items():
            d[key] = field.clean(d.get(key))
        if meta.fields and all(d[key] is None for key in meta.fields):
            raise ValidationError(
                f'{meta.model_name}: a point needs at least one field value '
                f'(all of {", ".join(meta.fields)} are None)', model=meta.model_name)
        if not meta.fields:
            raise ValidationError(f'{meta.model_name} declares no field: InfluxDB stores no '
                                  'point without a field value', model=meta.model_name)

    def save(self, *, using: str | None = None) -> None:
        """Validate and write this point (stamping ``time`` now if it has none)."""
        write_points(type(self), [self], using=using)

    # -- comparison and display ------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        keys = ('_time_ns', *self._meta.all_fields)
        return all(self.__dict__.get(k) == other.__dict__.get(k) for k in keys)

    __hash__ = None  # type: ignore[assignment]  # mutable, like Django's unsaved models

    def __repr__(self) -> str:
        time = self.time
        when = time.isoformat() if time is not None else 'no time'
        parts = ', '.join(f'{k}={self.__dict__.get(k)!r}' for k in self._meta.all_fields)
        return f'<{type(self).__name__} {when}: {parts}>'


RESERVED_ATTRIBUTES = frozenset(
    {'time', 'time_ns', 'series', 'save', 'values', 'full_clean', 'measurement', 'delete'})
