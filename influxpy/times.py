"""Exact time: everything becomes integer epoch nanoseconds, and comes back aware.

InfluxDB stores nanoseconds; Python's ``datetime`` stops at microseconds. So the
integer is the truth (``time_ns``) and :class:`InfluxTime`, an aware ``datetime``
subclass, carries the last three digits in ``nanosecond``.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
import warnings
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from dateutil.parser import isoparse

from .exceptions import NaiveDatetimeWarning, ValidationError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# InfluxDB's integers and times are int64.
INT64_MIN = -(2 ** 63)
INT64_MAX = 2 ** 63 - 1
# The range of times InfluxDB accepts (line protocol refuses the int64 extremes).
MIN_NS = INT64_MIN + 2
MAX_NS = INT64_MAX - 1

# The one table of time units, in nanoseconds: InfluxQL's duration units (``u`` and
# ``µ`` are both microseconds) and Go's spellings of them (``us``, ``µs``), which
# SHOW RETENTION POLICIES prints.
UNIT_NS = {'ns': 1, 'u': 1_000, 'µ': 1_000, 'us': 1_000, 'µs': 1_000, 'ms': 1_000_000,
           's': 1_000_000_000, 'm': 60_000_000_000, 'h': 3_600_000_000_000,
           'd': 86_400_000_000_000, 'w': 604_800_000_000_000}
# InfluxQL's own spelling of each unit, largest first: how a duration is written.
INFLUXQL_UNITS = tuple((unit, UNIT_NS[unit]) for unit in ('w', 'd', 'h', 'm', 's', 'ms', 'u',
                                                          'ns'))
# The precisions of the HTTP API (``?precision=``, ``?epoch=``) and of line protocol.
PRECISION_NS = {unit: UNIT_NS[unit] for unit in ('ns', 'u', 'ms', 's', 'm', 'h')}

_FRACTION = re.compile(r'(?<=\d\d:\d\d:\d\d)[.,](\d+)')


class NaiveRule:
    """How a naive datetime is read: as UTC, outside Django. The Django app installs its
    own rule (Django's current time zone) when it is ready."""

    def zone(self) -> tzinfo:
        return UTC

    def message(self, what: str, value: Any, zone: tzinfo) -> str:
        return (f'{what} received a naive datetime ({value}): read as UTC. Pass an aware '
                'datetime (e.g. tzinfo=timezone.utc) to silence this.')


class Settings:
    """``naive_datetime``: ``'warn'`` (read naive datetimes by ``naive_rule``, with a
    warning) or ``'error'``; the environment variable ``INFLUXPY_NAIVE_DATETIME`` sets
    the default. ``naive_rule``: the :class:`NaiveRule` that gives their zone."""

    def __init__(self) -> None:
        self.naive_datetime = os.environ.get('INFLUXPY_NAIVE_DATETIME', 'warn')
        self.naive_rule = NaiveRule()


settings = Settings()


class InfluxTime(datetime):
    """An aware ``datetime`` that keeps InfluxDB's nanoseconds.

    ``InfluxTime.from_ns(1_500_000_000_123_456_789).nanosecond == 789``
    """

    nanosecond: int = 0

    @classmethod
    def from_ns(cls, ns: int, tz: tzinfo | None = None) -> InfluxTime:
        micros, nano = divmod(int(ns), 1000)
        base = EPOCH + timedelta(microseconds=micros)
        if tz is not None:
            base = base.astimezone(tz)
        value = cls(base.year, base.month, base.day, base.hour, base.minute, base.second,
                    base.microsecond, tzinfo=base.tzinfo, fold=base.fold)
        value.nanosecond = nano
        return value

    @property
    def time_ns(self) -> int:
        return datetime_to_ns(self)

    # datetime's own arithmetic, zone changes and replace() keep microseconds only: carry
    # the nanoseconds over, so no precision is lost on the way.
    def __add__(self, other: Any) -> Any:
        result = datetime.__add__(self, other)
        if isinstance(result, InfluxTime):
            result.nanosecond = self.nanosecond
        return result

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        """A time minus a timedelta keeps the nanoseconds; the difference of two times is
        a timedelta, which holds microseconds (use ``time_ns`` for exact differences)."""
        result = datetime.__sub__(self, other)
        if isinstance(result, InfluxTime):
            result.nanosecond = self.nanosecond
        return result

    def astimezone(self, tz: tzinfo | None = None) -> InfluxTime:
        result = datetime.astimezone(self, tz)
        result.nanosecond = self.nanosecond
        return result

    def replace(self, *args: Any, **kwargs: Any) -> InfluxTime:
        nanosecond = kwargs.pop('nanosecond', self.nanosecond)
        result = datetime.replace(self, *args, **kwargs)
        result.nanosecond = nanosecond
        return result

    def isoformat(self, sep: str = 'T', timespec: str = 'auto') -> str:
        text = super().isoformat(sep, timespec)
        if timespec != 'auto' or not self.nanosecond:
            return text
        # YYYY-MM-DDTHH:MM:SS[.ffffff][+HH:MM] -> nine fraction digits
        head, rest = text[:19], text[19:]
        micro = rest[1:7] if rest.startswith('.') else '000000'
        rest = rest[7:] if rest.startswith('.') else rest
        return f'{head}.{micro}{self.nanosecond:03d}{rest}'

    # Aware times compare by instant, as datetime promises. datetime's own methods compare
    # two times of the same zone by wall clock (so 01:20 EDT sorts after 01:00 EST) and hash
    # a repeated local hour (fold=1) with the offset of its first occurrence: use the
    # instant for ==, ordering and hash alike.
    def _instant(self, other: object) -> int | None:
        """Epoch ns of ``other`` when both times are aware, else None (datetime decides)."""
        if (isinstance(other, datetime) and other.utcoffset() is not None
                and self.utcoffset() is not None):
            return datetime_to_ns(other)
        return None

    def __eq__(self, other: object) -> bool:
        ns = self._instant(other)
        return super().__eq__(other) if ns is None else self.time_ns == ns

    def __ne__(self, other: object) -> bool:
        ns = self._instant(other)
        return super().__ne__(other) if ns is None else self.time_ns != ns

    def __lt__(self, other: Any) -> bool:
        ns = self._instant(other)
        return super().__lt__(other) if ns is None else self.time_ns < ns

    def __le__(self, other: Any) -> bool:
        ns = self._instant(other)
        return super().__le__(other) if ns is None else self.time_ns <= ns

    def __gt__(self, other: Any) -> bool:
        ns = self._instant(other)
        return super().__gt__(other) if ns is None else self.time_ns > ns

    def __ge__(self, other: Any) -> bool:
        ns = self._instant(other)
        return super().__ge__(other) if ns is None else self.time_ns >= ns

    def __hash__(self) -> int:
        if self.utcoffset() is None:
            return datetime.__hash__(self)
        micros, nano = divmod(self.time_ns, 1000)
        utc = EPOCH + timedelta(microseconds=micros)  # a plain datetime: hashes as its equals
        return hash((utc, nano)) if nano else hash(utc)

    def __repr__(self) -> str:
        return f'InfluxTime({self.isoformat()!r})'

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (InfluxTime.from_ns, (self.time_ns, self.tzinfo))


def rfc3339(ns: int) -> str:
    """``2024-01-01T00:00:00.000000001Z``: epoch nanoseconds as RFC 3339 text, exactly."""
    seconds, nanos = divmod(ns, 1_000_000_000)
    text = (EPOCH + timedelta(seconds=seconds)).isoformat()[:19]  # YYYY-MM-DDTHH:MM:SS
    return f'{text}.{nanos:09d}Z' if nanos else f'{text}Z'


def make_aware(value: datetime, what: str = 'a time') -> datetime:
    """A naive datetime made aware: the one place its zone is decided (``settings.
    naive_rule``: UTC, or Django's current time zone), with a warning; strict mode
    (``naive_datetime = 'error'``) refuses it."""
    if settings.naive_datetime == 'error':
        raise ValidationError(f'{what} received a naive datetime ({value}), which strict '
                              'mode refuses: pass an aware datetime', value=value)
    rule = settings.naive_rule
    zone = rule.zone()
    warnings.warn(rule.message(what, value, zone), NaiveDatetimeWarning,
                  stacklevel=_caller_level())
    return value.replace(tzinfo=zone)


def _caller_level() -> int:
    """The ``stacklevel`` of the first frame outside influxpy: the warning points there."""
    frame, level = sys._getframe(2), 2  # the caller of make_aware
    while frame.f_back is not None and frame.f_globals.get('__name__', '').startswith(
            'influxpy.'):
        frame, level = frame.f_back, level + 1
    return level


def datetime_to_ns(value: datetime, what: str = 'a time') -> int:
    if value.tzinfo is None or value.utcoffset() is None:
        value = make_aware(value.replace(tzinfo=None), what)
    delta = value - EPOCH
    ns = (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000
    return ns + getattr(value, 'nanosecond', 0)


def parse_iso(text: str, what: str = 'a time') -> int:
    """ISO-8601 text to epoch nanoseconds, keeping up to nine fraction digits."""
    extra_ns = 0
    match = _FRACTION.search(text)
    if match:
        digits = match.group(1)
        if len(digits) > 9:
            raise ValueError(f'more than nine fraction digits in {text!r}')
        padded = digits.ljust(9, '0')
        extra_ns = int(padded[6:])
        text = text[:match.start(1)] + padded[:6] + text[match.end(1):]
    parsed = isoparse(text)
    if parsed.tzinfo is None:
        parsed = make_aware(parsed, what)
    return datetime_to_ns(parsed) + extra_ns


def to_ns(value: Any, *, what: str = 'time') -> int:
    """Epoch nanoseconds from a datetime, ISO string, int, pandas Timestamp or datetime64.

    Raises :class:`ValidationError` naming ``what`` for anything else or out of range.
    """
    if type(value) is int:
        ns = value
    elif isinstance(value, datetime):
        ns = _pandas_ns(value, what) if hasattr(value, 'value') and \
            hasattr(value, 'nanosecond') else datetime_to_ns(value, what)
    elif isinstance(value, str):
        try:
            ns = parse_iso(value, what)
        except ValidationError:
            raise
        except (ValueError, OverflowError) as exc:
            raise ValidationError(f'{what}: {value!r} is not an ISO-8601 time ({exc})',
                                  value=value) from None
    elif isinstance(value, bool) or value is None:
        raise ValidationError(f'{what}: {value!r} is not a time', value=value)
    elif isinstance(value, int):
        ns = int(value)
    elif type(value).__name__ == 'datetime64':
        ns = int(value.astype('datetime64[ns]').astype('int64'))
    elif hasattr(value, 'dtype') and getattr(value.dtype, 'kind', '') in 'iu' and value.ndim == 0:
        ns = int(value)  # a numpy integer
    else:
        raise ValidationError(
            f'{what}: {value!r} ({type(value).__name__}) is not a time; use an aware datetime, '
            'an ISO-8601 string or integer epoch nanoseconds', value=value)
    if not MIN_NS <= ns <= MAX_NS:
        raise ValidationError(
            f'{what}: {value!r} is outside the range InfluxDB stores '
            '(1677-09-21 to 2262-04-11)', value=value)
    return ns


def _pandas_ns(value: Any, what: str) -> int:
    """A pandas Timestamp: ``.value`` is exact epoch nanoseconds (of the wall clock, when
    naive: made aware by the one rule)."""
    if value.tzinfo is None:
        value = make_aware(value, what)
    return int(value.value)


class _Clock:
    """Now in epoch nanoseconds, strictly increasing within the process: two points
    stamped without a time never share one (and so never overwrite each other)."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def __call__(self) -> int:
        with self._lock:
            now = time.time_ns()
            if now <= self._last:
                now = self._last + 1
            self._last = now
            return now


unique_now_ns = _Clock()
