"""The checks every storage makes before a backend sees anything, so that a bad
reading or query raises the same error on every backend and nothing is stored:

- a bad reading raises :class:`influxpy.exceptions.ValidationError` naming the model,
  the column and the value;
- a bad query (unknown column, function, limit, order or time zone…) raises
  :class:`influxpy.exceptions.QueryError`.

Times: an aware ``datetime`` (or ISO-8601 text). A naive one is read, as Django reads
it, in the current time zone, with a ``RuntimeWarning``; readings are kept in UTC.
"""

from __future__ import annotations

import math
import zoneinfo
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ....exceptions import QueryError, ValidationError
from ....fields import check_tag_value
from ....times import make_aware
from .reading_model import DEVICE, TIME, ReadingSchema, ValueColumn
from .types import FUNCTION_ALIASES, MAX_TIME, MIN_TIME, ORDERS, DeviceReading, ReadingFilter


def reading_error(schema: ReadingSchema, where: str, message: str, column: str | None = None,
                  value: Any = None) -> ValidationError:
    return ValidationError(f'{schema.label} {where}: {message}', model=schema.label,
                           field=column, value=value)


# -- readings ---------------------------------------------------------------------------

def check_reading(schema: ReadingSchema, item: DeviceReading | Mapping[str, Any],
                  where: str = 'reading') -> DeviceReading:
    """A :class:`DeviceReading` with a checked device, a UTC time and checked values.

    ``item`` is a :class:`DeviceReading` or a dict ``{'device': …, 'time': …, 'values':
    {…}}`` (or with the values at the top level); a missing time is now."""
    if isinstance(item, DeviceReading):
        device, when, values = item.device, item.time, item.values
    elif isinstance(item, Mapping):
        rest = dict(item)
        device = rest.pop('device', None)
        when = rest.pop('time', None)
        if 'values' in rest:
            values = rest.pop('values')
            if rest:
                raise reading_error(schema, where, f'has both values and the key(s) '
                                                   f'{", ".join(map(repr, rest))}')
        else:
            values = rest
    else:
        raise reading_error(schema, where, f'{item!r} is not a DeviceReading or a dict')
    return DeviceReading(check_device(schema, device, where),
                         check_time(schema, when, where, now=True),
                         check_values(schema, values, where))


def check_device(schema: ReadingSchema, device: Any, where: str = 'reading') -> str:
    """A device name: a tag value as influxpy takes it, and more — not empty, at most the
    model's ``max_length``, no carriage return or NUL (so that every backend, SQL ones
    included, takes the same names)."""
    if not isinstance(device, str):
        raise reading_error(schema, where, f'device {device!r} is a {type(device).__name__}, '
                                           'not a string', DEVICE, device)
    problem = None
    if not device:
        problem = 'is empty'
    elif len(device) > schema.device_max_length:
        problem = f'is longer than {schema.device_max_length} characters'
    elif any(c in device for c in '\n\r\x00'):
        problem = 'contains a line break or NUL'
    if problem:
        raise reading_error(schema, where, f'device {device!r} {problem}', DEVICE, device)
    try:
        check_tag_value(f'{schema.label} {where}', DEVICE, device)
    except ValidationError as exc:
        raise ValidationError(str(exc), model=schema.label, field=DEVICE, value=device) from None
    return device


def check_time(schema: ReadingSchema, value: Any, where: str, *, now: bool = False) -> datetime:
    """An aware datetime in UTC (``now``: None is the current time); naive ones are made
    aware by influxpy's one rule (in Django: the current time zone, with a warning)."""
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
            raise reading_error(schema, where, f'time {original!r} is not an ISO-8601 date and '
                                               'time', TIME, original)
    if not isinstance(value, datetime):
        raise reading_error(schema, where, f'time {original!r} ({type(original).__name__}) is '
                                           'not a datetime', TIME, original)
    if timezone.is_naive(value):
        try:
            value = make_aware(value, f'{schema.label} {where}')
        except ValidationError as exc:
            raise ValidationError(str(exc), model=schema.label, field=TIME,
                                  value=original) from None
    utc: datetime = value.astimezone(UTC)
    if not MIN_TIME <= utc <= MAX_TIME:
        raise reading_error(schema, where, f'time {original!r} is outside the range every '
                                           'storage keeps (1677-09-22 to 2262-04-11)',
                            TIME, original)
    return utc


def check_values(schema: ReadingSchema, values: Any, where: str) -> dict[str, Any]:
    """The values of a reading: known columns, required ones present, at least one."""
    columns = schema.columns
    if not isinstance(values, Mapping):
        raise reading_error(schema, where, f'values {values!r} must be a dict of '
                                           f'{", ".join(columns)}')
    unknown = [name for name in values if name not in columns]
    if unknown:
        raise reading_error(schema, where, f'has no value column '
                                           f'{", ".join(map(repr, unknown))}; it has: '
                                           f'{", ".join(columns)}', str(unknown[0]))
    checked = {}
    for name, column in columns.items():
        value = values.get(name)
        if value is None:
            if not column.null:
                raise reading_error(schema, where, f'{name} is missing: the column is required '
                                                   '(declare it with null=True to allow that)',
                                    name)
            continue  # None is no value: it never erases a stored one
        checked[name] = check_number(schema, column, value, where)
    if not checked:
        raise reading_error(schema, where, f'has no value (one of {", ".join(columns)} is '
                                           'needed)')
    return checked


def check_number(schema: ReadingSchema, column: ValueColumn, value: Any,
                 where: str) -> float | int:
    """One value of ``column``: a finite number; for an integer column, a whole one in
    the column's range."""
    name = column.name
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise reading_error(schema, where, f'{name}={value!r} is a {type(value).__name__}, not '
                                           'a number', name, value)
    if isinstance(value, (float, Decimal)) and not math.isfinite(value):
        raise reading_error(schema, where, f'{name}={value!r} is not finite', name, value)
    if column.kind == 'float':
        return float(value)
    if value != int(value):
        raise reading_error(schema, where, f'{name}={value!r} is not a whole number', name,
                            value)
    number = int(value)
    low, high = column.minimum, column.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        raise reading_error(schema, where, f'{name}={value!r} is outside {low}..{high}', name,
                            value)
    return number


# -- queries ----------------------------------------------------------------------------

def check_filter(schema: ReadingSchema, device: Any, start: Any, end: Any, after: Any,
                 before: Any, fields: Any) -> ReadingFilter:
    """The readings a query is about: devices (one, several or all), inclusive
    ``start``/``end`` or exclusive ``after``/``before`` bounds, and value columns."""
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
        None if lower is None else _bound(schema, lower, 'start' if after is None else 'after'),
        after is None,
        None if upper is None else _bound(schema, upper, 'end' if before is None else 'before'),
        before is None,
        check_fields(schema, fields))


def _bound(schema: ReadingSchema, value: Any, name: str) -> datetime:
    try:
        return check_time(schema, value, f'query {name}')
    except ValidationError as exc:
        raise QueryError(str(exc)) from None


def check_fields(schema: ReadingSchema, fields: Any) -> tuple[str, ...]:
    """Value columns named once each, in the order given (None: all of them)."""
    if fields is None:
        return schema.fields
    names = (fields,) if isinstance(fields, str) else tuple(fields)
    if not names:
        raise QueryError(f'fields=() selects nothing; name some of {", ".join(schema.fields)} '
                         'or pass None for all')
    unknown = [name for name in names if name not in schema.columns]
    if unknown:
        raise QueryError(f'{schema.label} has no value column '
                         f'{", ".join(map(repr, unknown))}; it has: {", ".join(schema.fields)}')
    return tuple(dict.fromkeys(names))


def check_limit(limit: Any) -> int | None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                              or limit < 1):
        raise QueryError(f'limit={limit!r} must be a positive integer or None')
    return limit


def check_order(order: Any) -> str:
    if order not in ORDERS:
        raise QueryError(f'order={order!r}: use one of {", ".join(ORDERS)}')
    return str(order)


def check_function(function: Any, supported: tuple[str, ...], backend: str) -> str:
    """The function's name (``'mean'`` is ``'avg'``), if ``backend`` supports it."""
    name = FUNCTION_ALIASES.get(function, function) if isinstance(function, str) else None
    if name not in supported:
        raise QueryError(f'unknown function {function!r}; {backend} supports '
                         f'{", ".join(supported)}')
    assert name is not None
    return name


def check_tz(tz: Any) -> tzinfo:
    """A ``tzinfo`` for a zone name or a ``tzinfo``; None is the current time zone."""
    if tz is None:
        current: tzinfo = timezone.get_current_timezone()
        return current
    if isinstance(tz, tzinfo):
        return tz
    if isinstance(tz, str):
        try:
            return zoneinfo.ZoneInfo(tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            pass  # OSError: 'Europe' is a directory of zones; a very long name
    raise QueryError(f'tz={tz!r} is not a time zone; use a name such as "Europe/Paris" or '
                     'a tzinfo')
