"""The one interface of every reading storage, and the checks they all share.

A *reading* is what one device measured at one time: ``Reading(device, time,
values)``, ``values`` mapping value columns to numbers. The readings of one device are
a *series*. Every argument is checked here, before a backend sees it, so a bad reading
or query raises the same error on every backend and nothing is stored:

- a bad reading raises :class:`influxpy.exceptions.ValidationError` naming the model,
  the column and the value;
- a bad query (unknown column, function or interval…) raises
  :class:`influxpy.exceptions.QueryError`.

Times: an aware ``datetime`` (or ISO-8601 text). A naive one is read, as Django reads
it, in the current time zone, with a ``RuntimeWarning``. Readings come back with
times in UTC; buckets are named by their start in the query's time zone.
"""

from __future__ import annotations

import abc
import inspect
import math
import time as time_module
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ....exceptions import QueryError, ValidationError
from ....times import MAX_NS, MIN_NS, make_aware
from ..problems import NO_USE_TZ, StorageConfigurationError
from .intervals import Interval, parse_interval, to_us
from .reading_model import DEFAULT_MODEL, ReadingSchema, ValueColumn, resolve_model

FUNCTIONS = ('avg', 'min', 'max', 'sum', 'count', 'spread')
FUNCTION_ALIASES = {'mean': 'avg'}
ORDERS = ('asc', 'desc')
MIN_TIME = datetime(1677, 9, 22, tzinfo=UTC)   # InfluxDB's range, for every backend
MAX_TIME = datetime(2262, 4, 11, tzinfo=UTC)
assert MIN_NS < to_us(MIN_TIME) * 1000 and to_us(MAX_TIME) * 1000 < MAX_NS


@dataclass(frozen=True)
class Reading:
    """One device's values at one time."""

    device: str
    time: datetime
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Bucket:
    """An aggregate over one time bucket (``time``: its start; None for the whole range)."""

    time: datetime | None
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Health:
    """What ``health_check()`` found; true when healthy."""

    healthy: bool
    backend: str
    message: str
    latency: float  # seconds

    def __bool__(self) -> bool:
        return self.healthy


@dataclass(frozen=True)
class Features:
    """What a storage supports, to be checked before relying on it."""

    functions: tuple[str, ...] = FUNCTIONS
    intervals: tuple[str, ...] = ('minute', 'hour', 'day', 'week', 'month')
    timedelta_intervals: bool = True
    time_zones: bool = True
    time_precision: str = 'us'         # readings keep microseconds
    replaces_duplicates: bool = True   # a reading at the same device and time replaces one
    transactions: bool = False         # store_readings() is all or nothing
    retention: bool = False            # readings expire after a retention period
    tiers: bool = False                # downsampled copies kept by the database
    exact_delete_count: bool = True    # delete_readings() counts without reading every point


@dataclass(frozen=True)
class ReadingFilter:
    """The readings a query or delete is about, checked."""

    devices: tuple[str, ...] | None
    lower: datetime | None = None
    lower_inclusive: bool = True
    upper: datetime | None = None
    upper_inclusive: bool = True
    fields: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self.devices == ()

    def reference(self) -> datetime:
        """The instant whose UTC offset lays the grid of minute and hour buckets."""
        return self.lower or self.upper or datetime.now(UTC)

    def bounds_ns(self) -> tuple[int | None, int | None]:
        """Inclusive bounds in epoch nanoseconds (exact: stored times are microseconds)."""
        low = high = None
        if self.lower is not None:
            low = to_us(self.lower) * 1000 + (0 if self.lower_inclusive else 1)
        if self.upper is not None:
            high = to_us(self.upper) * 1000 - (0 if self.upper_inclusive else 1)
        return low, high


class ReadingStorage(abc.ABC):
    """Store, query, aggregate, downsample and delete readings of one reading model.

    ``model`` is the reading model (``'app_label.ModelName'``; default
    ``influxpy.Reading``). Options are the keyword arguments of ``__init__``: unknown
    ones are refused when the settings are read.
    """

    features: Features = Features()

    def __init__(self, *, model: str | type[Any] = DEFAULT_MODEL) -> None:
        if not settings.USE_TZ:
            raise StorageConfigurationError(
                'reading storages need USE_TZ = True: readings are instants in time',
                check_id=NO_USE_TZ, hint='set USE_TZ = True (the default since Django 5.0)')
        self.schema: ReadingSchema = resolve_model(model)

    @classmethod
    def option_names(cls) -> tuple[str, ...]:
        """The names ``INFLUXPY_STORAGE['OPTIONS']`` may use."""
        parameters = inspect.signature(cls.__init__).parameters.values()
        return tuple(p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY)

    @property
    def fields(self) -> tuple[str, ...]:
        """The value columns of a reading."""
        return self.schema.fields

    def __repr__(self) -> str:
        return f'<{type(self).__name__} {self.schema.label}>'

    # -- writing -----------------------------------------------------------------------

    def store_reading(self, device: str, values: Mapping[str, Any],
                      time: datetime | str | None = None) -> Reading:
        """Store one reading (``time``: now when omitted); return it as stored.

        >>> storage.store_reading('s1', {'value': 21.5}, time=timezone.now())
        """
        reading = self.check_reading({'device': device, 'time': time, 'values': values})
        self._write([reading])
        return reading

    def store_readings(self, readings: Iterable[Reading | Mapping[str, Any]]) -> int:
        """Store many readings; return how many. Each is a :class:`Reading` or a dict
        ``{'device': …, 'time': …, 'values': {…}}`` (or with the values at the top level).
        Every reading is checked before the first is stored."""
        checked = [self.check_reading(item, f'reading #{i}') for i, item in enumerate(readings)]
        if checked:
            self._write(checked)
        return len(checked)

    # -- reading -----------------------------------------------------------------------

    def query_readings(self, device: str | Iterable[str] | None = None, *,
                       start: datetime | str | None = None, end: datetime | str | None = None,
                       after: datetime | str | None = None,
                       before: datetime | str | None = None,
                       fields: str | Sequence[str] | None = None, limit: int | None = None,
                       order: str = 'asc') -> list[Reading]:
        """Readings of ``device`` (one, several, or all when None), oldest first.

        ``start``/``end`` are inclusive bounds, ``after``/``before`` exclusive ones.
        ``fields`` selects value columns (a reading with none of them is left out);
        ``limit`` counts readings; ``order`` is ``'asc'`` or ``'desc'`` (readings at the
        same time are ordered by device, in the same direction).
        """
        flt = self.check_filter(device, start, end, after, before, fields)
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                                  or limit < 1):
            raise QueryError(f'limit={limit!r} must be a positive integer or None')
        if order not in ORDERS:
            raise QueryError(f'order={order!r}: use one of {", ".join(ORDERS)}')
        if flt.empty:
            return []
        return self._select(flt, limit, order == 'desc')

    def aggregate(self, function: str, interval: str | Any = None, *,
                  device: str | Iterable[str] | None = None,
                  start: datetime | str | None = None, end: datetime | str | None = None,
                  after: datetime | str | None = None, before: datetime | str | None = None,
                  fields: str | Sequence[str] | None = None,
                  tz: str | tzinfo | None = None) -> list[Bucket]:
        """``function`` of each value column over the readings of every matching device
        together, per ``interval`` bucket (one :class:`Bucket` for the whole range when
        ``interval`` is None). Buckets without readings are left out.

        >>> storage.aggregate('avg', 'day', device='s1', tz='Europe/Paris')
        [Bucket(time=datetime(2024, 5, 1, 0, 0, tzinfo=…Paris), values={'value': 21.25}), …]
        """
        function = self.check_function(function)
        parsed = None if interval is None else parse_interval(interval)
        zone = self.check_tz(tz)
        flt = self.check_filter(device, start, end, after, before, fields)
        if flt.empty:
            return []
        rows = self._aggregate(flt, function, parsed, zone, by_device=False)
        buckets = [Bucket(when, self._values(function, flt.fields, values))
                   for _, when, values in rows]
        return sorted(buckets, key=lambda b: to_us(b.time) if b.time else 0)

    def downsample(self, interval: str | Any, function: str = 'avg', *,
                   device: str | Iterable[str] | None = None,
                   start: datetime | str | None = None, end: datetime | str | None = None,
                   after: datetime | str | None = None, before: datetime | str | None = None,
                   fields: str | Sequence[str] | None = None,
                   tz: str | tzinfo | None = None) -> list[Reading]:
        """One reading per device and ``interval`` bucket: ``function`` (default avg) of
        each value column, timed at the bucket's start. The result can be stored in
        another storage.
        """
        function = self.check_function(function)
        if interval is None:
            raise QueryError('downsample() needs an interval')
        parsed = parse_interval(interval)
        zone = self.check_tz(tz)
        flt = self.check_filter(device, start, end, after, before, fields)
        if flt.empty:
            return []
        rows = self._aggregate(flt, function, parsed, zone, by_device=True)
        readings = [Reading(str(dev), when, self._values(function, flt.fields, values))
                    for dev, when, values in rows if when is not None]
        return sorted(readings, key=lambda r: (to_us(r.time), r.device))

    def delete_readings(self, device: str | Iterable[str] | None = None, *,
                        start: datetime | str | None = None, end: datetime | str | None = None,
                        after: datetime | str | None = None,
                        before: datetime | str | None = None) -> int:
        """Delete the readings of ``device`` in a time range; return how many there were.

        A device or a time bound is required: this never deletes everything by accident.
        """
        flt = self.check_filter(device, start, end, after, before, None)
        if flt.devices is None and flt.lower is None and flt.upper is None:
            raise QueryError('delete_readings() needs a device or a time range '
                             '(start, end, after or before)')
        if flt.empty:
            return 0
        return self._delete(flt)

    def health_check(self) -> Health:
        """Whether the storage answers, and how fast; never raises."""
        began = time_module.perf_counter()
        try:
            message = self._ping()
        except Exception as exc:  # noqa: BLE001 - a health check reports any failure
            return Health(False, type(self).__name__, f'{type(exc).__name__}: {exc}',
                          time_module.perf_counter() - began)
        return Health(True, type(self).__name__, message, time_module.perf_counter() - began)

    def close(self) -> None:  # noqa: B027 - optional for backends
        """Release connections (they reopen when used again)."""

    # -- what a backend implements -----------------------------------------------------

    @abc.abstractmethod
    def _write(self, readings: list[Reading]) -> None:
        """Store checked readings (times in UTC, no None among the values)."""

    @abc.abstractmethod
    def _select(self, flt: ReadingFilter, limit: int | None,
                descending: bool) -> list[Reading]:
        """Readings ordered by (time, device), reversed when ``descending``."""

    @abc.abstractmethod
    def _aggregate(self, flt: ReadingFilter, function: str, interval: Interval | None,
                   tz: tzinfo, by_device: bool
                   ) -> Iterable[tuple[str | None, datetime | None, Mapping[str, Any]]]:
        """``(device or None, bucket start in tz or None, {column: value})`` per bucket."""

    @abc.abstractmethod
    def _delete(self, flt: ReadingFilter) -> int:
        """Delete what ``flt`` matches; return how many readings that was."""

    @abc.abstractmethod
    def _ping(self) -> str:
        """Check the storage answers; return a short description, or raise."""

    # -- checks shared by every backend ------------------------------------------------

    def _error(self, where: str, message: str, column: str | None = None,
               value: Any = None) -> ValidationError:
        return ValidationError(f'{self.schema.label} {where}: {message}',
                               model=self.schema.label, field=column, value=value)

    def check_reading(self, item: Reading | Mapping[str, Any],
                      where: str = 'reading') -> Reading:
        """A :class:`Reading` with a checked device, a UTC time and checked values."""
        if isinstance(item, Reading):
            device, when, values = item.device, item.time, item.values
        elif isinstance(item, Mapping):
            rest = dict(item)
            device = rest.pop('device', None)
            when = rest.pop('time', None)
            if 'values' in rest:
                values = rest.pop('values')
                if rest:
                    raise self._error(where, f'has both values and the key(s) '
                                             f'{", ".join(map(repr, rest))}')
            else:
                values = rest
        else:
            raise self._error(where, f'{item!r} is not a Reading or a dict')
        return Reading(self.check_device(device, where), self.check_time(when, where, now=True),
                       self.check_values(values, where))

    def check_device(self, device: Any, where: str = 'reading') -> str:
        if not isinstance(device, str):
            raise self._error(where, f'device {device!r} is a {type(device).__name__}, not a '
                                     'string', 'device', device)
        problem = None
        if not device:
            problem = 'is empty'
        elif len(device) > self.schema.device_max_length:
            problem = f'is longer than {self.schema.device_max_length} characters'
        elif any(c in device for c in '\n\r\x00'):
            problem = 'contains a line break or NUL'
        elif device.endswith('\\'):
            problem = 'ends with a backslash, which InfluxDB reads as an escape'
        elif not device.isascii():
            try:
                device.encode('utf-8')
            except UnicodeEncodeError:
                problem = 'is not valid Unicode'
        if problem:
            raise self._error(where, f'device {device!r} {problem}', 'device', device)
        return device

    def check_time(self, value: Any, where: str, *, now: bool = False) -> datetime:
        """An aware datetime in UTC; naive ones are made aware by influxpy's one rule
        (in Django: the current time zone, with a warning)."""
        if value is None and now:
            current: datetime = timezone.now()
            return current.astimezone(UTC)
        original = value
        if isinstance(value, str):
            try:
                value = parse_datetime(value.strip())
            except ValueError:
                value = None
            if value is None:
                raise self._error(where, f'time {original!r} is not an ISO-8601 date and time',
                                  'time', original)
        if not isinstance(value, datetime):
            raise self._error(where, f'time {original!r} ({type(original).__name__}) is not a '
                                     'datetime', 'time', original)
        if timezone.is_naive(value):
            try:
                value = make_aware(value, f'{self.schema.label} {where}')
            except ValidationError as exc:
                raise ValidationError(str(exc), model=self.schema.label, field='time',
                                      value=original) from None
        utc: datetime = value.astimezone(UTC)
        if not MIN_TIME <= utc <= MAX_TIME:
            raise self._error(where, f'time {original!r} is outside the range every storage '
                                     'keeps (1677-09-22 to 2262-04-11)', 'time', original)
        return utc

    def check_values(self, values: Any, where: str) -> dict[str, Any]:
        columns = self.schema.columns
        if not isinstance(values, Mapping):
            raise self._error(where, f'values {values!r} must be a dict of '
                                     f'{", ".join(columns)}')
        unknown = [name for name in values if name not in columns]
        if unknown:
            raise self._error(where, f'has no value column {", ".join(map(repr, unknown))}; it '
                                     f'has: {", ".join(columns)}', str(unknown[0]))
        checked = {}
        for name, column in columns.items():
            value = values.get(name)
            if value is None:
                if not column.null:
                    raise self._error(where, f'{name} is missing: the column is required '
                                             '(declare it with null=True to allow that)', name)
                continue  # None is no value: it never erases a stored one
            checked[name] = self.check_number(where, column, value)
        if not checked:
            raise self._error(where, f'has no value (one of {", ".join(columns)} is needed)')
        return checked

    def check_number(self, where: str, column: ValueColumn, value: Any) -> float | int:
        name = column.name
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise self._error(where, f'{name}={value!r} is a {type(value).__name__}, not a '
                                     'number', name, value)
        if isinstance(value, (float, Decimal)) and not math.isfinite(value):
            raise self._error(where, f'{name}={value!r} is not finite', name, value)
        if column.kind == 'float':
            return float(value)
        if value != int(value):
            raise self._error(where, f'{name}={value!r} is not a whole number', name, value)
        number = int(value)
        low, high = column.minimum, column.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            raise self._error(where, f'{name}={value!r} is outside {low}..{high}', name, value)
        return number

    def check_filter(self, device: Any, start: Any, end: Any, after: Any, before: Any,
                     fields: Any) -> ReadingFilter:
        devices: tuple[str, ...] | None
        if device is None:
            devices = None
        elif isinstance(device, str):
            devices = (device,)
        elif isinstance(device, Iterable):
            devices = tuple(dict.fromkeys(device))
            for item in devices:
                if not isinstance(item, str):
                    raise QueryError(f'device {item!r} is a {type(item).__name__}, not a string')
        else:
            raise QueryError(f'device={device!r} must be a name, a list of names or None')
        if start is not None and after is not None:
            raise QueryError('give start (inclusive) or after (exclusive), not both')
        if end is not None and before is not None:
            raise QueryError('give end (inclusive) or before (exclusive), not both')
        lower = start if start is not None else after
        upper = end if end is not None else before
        return ReadingFilter(
            devices,
            None if lower is None else self._bound(lower, 'start' if after is None else 'after'),
            after is None,
            None if upper is None else self._bound(upper, 'end' if before is None else 'before'),
            before is None,
            self.check_fields(fields))

    def _bound(self, value: Any, name: str) -> datetime:
        try:
            return self.check_time(value, f'query {name}')
        except ValidationError as exc:
            raise QueryError(str(exc)) from None

    def check_fields(self, fields: Any) -> tuple[str, ...]:
        if fields is None:
            return self.fields
        names = (fields,) if isinstance(fields, str) else tuple(fields)
        if not names:
            raise QueryError(f'fields=() selects nothing; name some of {", ".join(self.fields)} '
                             'or pass None for all')
        unknown = [name for name in names if name not in self.schema.columns]
        if unknown:
            raise QueryError(f'{self.schema.label} has no value column '
                             f'{", ".join(map(repr, unknown))}; it has: {", ".join(self.fields)}')
        return tuple(dict.fromkeys(names))

    def check_function(self, function: Any) -> str:
        name = FUNCTION_ALIASES.get(function, function) if isinstance(function, str) else None
        if name not in self.features.functions:
            raise QueryError(f'unknown function {function!r}; {type(self).__name__} supports '
                             f'{", ".join(self.features.functions)}')
        assert name is not None
        return name

    @staticmethod
    def check_tz(tz: Any) -> tzinfo:
        if tz is None:
            current: tzinfo = timezone.get_current_timezone()
            return current
        if isinstance(tz, tzinfo):
            return tz
        if isinstance(tz, str):
            try:
                return zoneinfo.ZoneInfo(tz)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                pass
        raise QueryError(f'tz={tz!r} is not a time zone; use a name such as "Europe/Paris" or '
                         'a tzinfo')

    def _values(self, function: str, names: tuple[str, ...],
                values: Mapping[str, Any]) -> dict[str, Any]:
        """Aggregated values typed alike on every backend."""
        out: dict[str, Any] = {}
        for name in names:
            value = values.get(name)
            if function == 'count':
                out[name] = int(value or 0)
            elif value is None:
                out[name] = None
            elif function == 'avg' or self.schema.columns[name].kind == 'float':
                out[name] = float(value)
            else:
                out[name] = int(value)
        return out
