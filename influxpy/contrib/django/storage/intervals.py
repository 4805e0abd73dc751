"""Time buckets that every storage lays out the same way.

Two kinds of interval:

- **Fixed-length**: ``'minute'``, ``'hour'`` or any positive ``timedelta``. Buckets are
  consecutive spans of that length on one grid. A ``timedelta`` grid starts at the
  Unix epoch (UTC). ``'minute'`` and ``'hour'`` follow the time zone's wall clock:
  the grid is shifted by the zone's UTC offset modulo the length, so in
  ``Asia/Kolkata`` (+05:30) an hour bucket starts at local ``hh:00``. (Offsets differ
  by whole hours across daylight saving time everywhere but on Lord Howe Island, so
  this grid does not move with the seasons.)
- **Calendar**: ``'day'``, ``'week'`` (starting Monday, as ISO 8601 and Django's
  ``Trunc`` do) and ``'month'``. A bucket starts at local midnight in the time zone
  and ends at the next one: a day is 23 or 25 hours long when the clocks change, and
  a month is as long as the month. Neither InfluxQL nor SQL has a portable month
  duration, so each engine computes these spans itself (see the storages).

A bucket is named by its start, an aware datetime in the query's time zone.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from ....exceptions import QueryError
from ....times import EPOCH

FIXED_NAMED = {'minute': 60_000_000, 'hour': 3_600_000_000}
CALENDAR = ('day', 'week', 'month')
NAMED = (*FIXED_NAMED, *CALENDAR)


@dataclass(frozen=True)
class Interval:
    """A parsed interval: ``calendar`` is 'day', 'week' or 'month'; else ``length_us``."""

    name: str
    length_us: int = 0
    calendar: str | None = None

    def grid_offset_us(self, tz: tzinfo, reference: datetime) -> int:
        """How far the grid of a fixed-length interval is shifted from the epoch."""
        if self.name not in FIXED_NAMED:
            return 0
        offset = reference.astimezone(tz).utcoffset() or timedelta(0)
        return to_us(EPOCH + offset) % self.length_us


def parse_interval(value: object) -> Interval:
    """``'minute' 'hour' 'day' 'week' 'month'`` or a positive ``timedelta``."""
    if isinstance(value, str):
        if value in FIXED_NAMED:
            return Interval(value, FIXED_NAMED[value])
        if value in CALENDAR:
            return Interval(value, calendar=value)
        raise QueryError(f'unknown interval {value!r}; use one of {", ".join(NAMED)} '
                         'or a timedelta')
    if isinstance(value, timedelta):
        length = value // timedelta(microseconds=1)
        if length <= 0:
            raise QueryError(f'interval {value!r} must be positive')
        return Interval(str(value), length)
    raise QueryError(f'interval {value!r} ({type(value).__name__}) is not an interval; use one '
                     f'of {", ".join(NAMED)} or a timedelta')


def to_us(value: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    return (value - EPOCH) // timedelta(microseconds=1)


def from_us(us: int, tz: tzinfo = UTC) -> datetime:
    return (EPOCH + timedelta(microseconds=us)).astimezone(tz)


def calendar_floor(value: datetime, calendar: str, tz: tzinfo) -> datetime:
    """The start (in UTC) of the calendar bucket holding ``value``."""
    local = value.astimezone(tz)
    day = local.date()
    if calendar == 'week':
        day -= timedelta(days=day.weekday())
    elif calendar == 'month':
        day = day.replace(day=1)
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def calendar_next(start: datetime, calendar: str, tz: tzinfo) -> datetime:
    """The start (in UTC) of the calendar bucket after the one starting at ``start``."""
    day = start.astimezone(tz).date()
    if calendar == 'day':
        day += timedelta(days=1)
    elif calendar == 'week':
        day += timedelta(days=7)
    else:
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def calendar_buckets(first: datetime, last: datetime, calendar: str,
                     tz: tzinfo) -> Iterator[tuple[datetime, datetime]]:
    """``(start, end)`` in UTC of each calendar bucket from ``first``'s to ``last``'s."""
    start = calendar_floor(first, calendar, tz)
    while start <= last:
        end = calendar_next(start, calendar, tz)
        yield start, end
        start = end


def calendar_spans(low_ns: int, high_ns: int, calendar: str,
                   tz: tzinfo) -> Iterator[tuple[datetime, int, int]]:
    """``(bucket start in UTC, low, high)`` of each calendar bucket meeting the inclusive
    range ``[low_ns, high_ns]``, ``low`` and ``high`` its part inside the range (epoch ns,
    inclusive): what one statement per bucket asks for."""
    for start, end in calendar_buckets(from_us(low_ns // 1000), from_us(high_ns // 1000),
                                       calendar, tz):
        lo, hi = max(low_ns, to_us(start) * 1000), min(high_ns, to_us(end) * 1000 - 1)
        if lo <= hi:
            yield start, lo, hi


def database_zone(tz: tzinfo) -> tzinfo | None:
    """``tz`` as a zone a database (or ``tz()`` in InfluxQL) can name: a ``ZoneInfo``
    for a named zone (zoneinfo, pytz, ``dateutil.tz.gettz``), a ``datetime.timezone``
    for a fixed offset; None for a zone with neither (``dateutil.tz.tzstr``, …)."""
    if isinstance(tz, timezone) or (isinstance(tz, zoneinfo.ZoneInfo) and tz.key):
        return tz
    name = _zone_name(tz)
    if name:
        try:
            named = zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            named = None
        if named is not None and _same_offsets(tz, named):
            return named
    fixed = tz.utcoffset(None)  # by the tzinfo protocol: an offset that never changes
    return timezone(fixed) if fixed is not None else None


def computing_zone(tz: tzinfo, interval: Interval) -> tzinfo:
    """The zone to compute ``interval``'s buckets in (they are named in ``tz``); a
    ``QueryError`` for calendar buckets in a zone no database can name."""
    zone = database_zone(tz)
    if zone is None and interval.calendar:
        raise QueryError(f'tz={tz!r} has neither a zone name nor a fixed offset, which '
                         f'{interval.name} buckets need; use a name ("Europe/Paris"), a '
                         'zoneinfo.ZoneInfo, dateutil.tz.gettz(), pytz or a fixed offset')
    return zone or tz


def _zone_name(tz: tzinfo) -> str | None:
    for attribute in ('key', 'zone'):  # zoneinfo, pytz
        name = getattr(tz, attribute, None)
        if isinstance(name, str) and name:
            return name
    filename = getattr(tz, '_filename', None)  # dateutil's tzfile: a path or the name
    if isinstance(filename, str) and filename:
        return filename.rsplit('zoneinfo/', 1)[-1]
    return None


def _same_offsets(tz: tzinfo, named: tzinfo) -> bool:
    """Whether a name found on ``tz`` really is its zone (a guard on a wrong name)."""
    for year in (1950, 1985, 2000, 2024, 2037):
        for month in (1, 4, 7, 10):
            when = datetime(year, month, 1, 12, tzinfo=UTC)
            if when.astimezone(tz).utcoffset() != when.astimezone(named).utcoffset():
                return False
    return True
