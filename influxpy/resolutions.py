"""Durations, for ``resolution()``, function units and ``Now()`` arithmetic.

>>> from influxpy.resolutions import Minute, to_duration
>>> str(Minute(5)), to_duration('1h30m') == Minute(90)
('5m', True)

Everywhere a duration is expected, ``Second(n)``-style units, a ``timedelta`` and
InfluxQL text such as ``'5m'`` or ``'1h30m'`` are accepted alike.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from .exceptions import QueryError
from .quoting import quote_duration
from .times import INFLUXQL_UNITS, INT64_MAX, UNIT_NS

__all__ = ['Duration', 'Nanosecond', 'Microsecond', 'Millisecond', 'Second', 'Minute', 'Hour',
           'Day', 'Week', 'MONDAY', 'to_duration', 'duration_ns']


class Duration:
    """An exact span of time in nanoseconds; ``str()`` is its InfluxQL literal.

    >>> Duration(90_000_000_000)
    Duration('1m30s')
    """

    __slots__ = ('ns',)

    def __init__(self, ns: int) -> None:
        if type(ns) is not int:
            raise QueryError(f'a Duration is a whole number of nanoseconds, not {ns!r}')
        self.ns = ns

    def __str__(self) -> str:
        return quote_duration(self.ns)

    def __repr__(self) -> str:
        return f"Duration('{_compound(self.ns)}')"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Duration):
            return self.ns == other.ns
        if isinstance(other, timedelta):
            return self.ns == _timedelta_ns(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.ns)

    def __add__(self, other: Any) -> Duration:
        return Duration(self.ns + duration_ns(other, allow_negative=True, allow_zero=True))

    def __sub__(self, other: Any) -> Duration:
        return Duration(self.ns - duration_ns(other, allow_negative=True, allow_zero=True))

    def __neg__(self) -> Duration:
        return Duration(-self.ns)

    def __mul__(self, factor: int) -> Duration:
        if type(factor) is not int:
            return NotImplemented
        return Duration(self.ns * factor)

    __rmul__ = __mul__



class Unit(Duration):
    """``n`` of one unit; ``n`` may be a fraction when the result is whole nanoseconds."""

    __slots__ = ()
    unit_ns: ClassVar[int]

    def __init__(self, n: int | float | Decimal = 1) -> None:
        name = type(self).__name__
        if isinstance(n, bool) or not isinstance(n, (int, float, Decimal)):
            raise QueryError(f'{name}({n!r}): the count must be a number')
        if isinstance(n, int):
            ns = n * self.unit_ns
        else:
            try:
                exact = Decimal(str(n)) * self.unit_ns
            except InvalidOperation:
                raise QueryError(f'{name}({n!r}): the count must be a finite number') from None
            if not exact.is_finite() or exact != exact.to_integral_value():
                raise QueryError(f'{name}({n!r}) is not a whole number of nanoseconds')
            ns = int(exact)
        super().__init__(ns)

    def __repr__(self) -> str:
        count = self.ns / self.unit_ns
        return f'{type(self).__name__}({int(count) if count == int(count) else count})'


class Nanosecond(Unit):
    __slots__ = ()
    unit_ns = 1


class Microsecond(Unit):
    __slots__ = ()
    unit_ns = 1_000


class Millisecond(Unit):
    __slots__ = ()
    unit_ns = 1_000_000


class Second(Unit):
    __slots__ = ()
    unit_ns = 1_000_000_000


class Minute(Unit):
    __slots__ = ()
    unit_ns = 60 * Second.unit_ns


class Hour(Unit):
    __slots__ = ()
    unit_ns = 60 * Minute.unit_ns


class Day(Unit):
    __slots__ = ()
    unit_ns = 24 * Hour.unit_ns


class Week(Unit):
    __slots__ = ()
    unit_ns = 7 * Day.unit_ns


MONDAY = Day(4)
"""The ``resolution()`` offset that starts weeks on Monday.

InfluxDB counts ``GROUP BY time()`` buckets from the Unix epoch, 1970-01-01, a
Thursday: ``resolution(Week(1))`` weeks run from Thursday to Thursday.
``resolution(Week(n), offset=MONDAY)`` runs them from Monday 00:00 (local with
``tz()``), as ISO 8601, pandas' ``'W-MON'`` and the Django storages do."""


_PART = re.compile(r'(\d+)(ns|ms|u|µ|s|m|h|d|w)')
_TEXT = re.compile(r'-?(?:\d+(?:ns|ms|u|µ|s|m|h|d|w))+')
_VALID = 'a Duration (Second(5), Minute(1)…), a timedelta or text such as \'5m\' or \'1h30m\''


def _timedelta_ns(value: timedelta) -> int:
    return ((value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds) * 1000


def _compound(ns: int) -> str:
    """``5_400_000_000_000`` -> ``1h30m``."""
    if ns == 0:
        return '0s'
    sign, rest, parts = ('-' if ns < 0 else ''), abs(ns), []
    for unit, unit_ns in INFLUXQL_UNITS:
        count, rest = divmod(rest, unit_ns)
        if count:
            parts.append(f'{count}{unit}')
    return sign + ''.join(parts)


def duration_ns(value: Any, *, what: str = 'duration', allow_negative: bool = False,
                allow_zero: bool = False) -> int:
    """Nanoseconds of a Duration, timedelta or duration text; QueryError otherwise."""
    if isinstance(value, Duration):
        ns = value.ns
    elif isinstance(value, timedelta):
        ns = _timedelta_ns(value)
    elif isinstance(value, str):
        text = value.strip()
        if not _TEXT.fullmatch(text):
            raise QueryError(f'{what} {value!r} is not a duration; use {_VALID} '
                             '(units: ns, u, µ, ms, s, m, h, d, w)')
        ns = sum(int(count) * UNIT_NS[unit] for count, unit in _PART.findall(text))
        if text.startswith('-'):
            ns = -ns
    else:
        raise QueryError(f'{what} {value!r} ({type(value).__name__}) is not a duration; '
                         f'use {_VALID}')
    if abs(ns) > INT64_MAX:
        raise QueryError(f'{what} {value!r} is longer than InfluxQL reads (about 292 years)')
    if ns == 0 and not allow_zero:
        raise QueryError(f'{what} {value!r} is zero; it must be positive')
    if ns < 0 and not allow_negative:
        raise QueryError(f'{what} {value!r} is negative; it must be positive')
    return ns


def parse_go_duration(text: str) -> int:
    """``168h0m0s`` (as SHOW RETENTION POLICIES prints it) -> nanoseconds."""
    parts = re.findall(r'(\d+(?:\.\d+)?)(h|ms|us|µs|ns|m|s)', text)
    if not parts and text not in ('0', '0s'):
        raise ValueError(f'not a duration: {text!r}')
    return sum(round(float(count) * UNIT_NS[unit]) for count, unit in parts)


def to_duration(value: Any) -> Duration:
    """A positive :class:`Duration` from a Duration, ``timedelta`` or text like ``'5m'``.

    >>> to_duration('90s') == Minute(1) + Second(30)
    True
    """
    ns = duration_ns(value)
    return value if isinstance(value, Duration) else Duration(ns)
