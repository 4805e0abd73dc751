"""The values every storage takes and gives: readings, buckets, health, features, filters.

A *reading* is what one device measured at one time: ``DeviceReading(device, time,
values)``, ``values`` mapping value columns to numbers. The readings of one device are
a *series*. (The Django model ``influxpy.contrib.django.models.Reading`` is a table row
the ORM storage keeps them in; a ``DeviceReading`` is the same reading on every backend.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ....times import MAX_NS, MIN_NS
from .intervals import to_us

FUNCTIONS = ('avg', 'min', 'max', 'sum', 'count', 'spread')
FUNCTION_ALIASES = {'mean': 'avg'}
ORDERS = ('asc', 'desc')
MIN_TIME = datetime(1677, 9, 22, tzinfo=UTC)   # InfluxDB's range, for every backend
MAX_TIME = datetime(2262, 4, 11, tzinfo=UTC)
assert MIN_NS < to_us(MIN_TIME) * 1000 and to_us(MAX_TIME) * 1000 < MAX_NS


@dataclass(frozen=True)
class DeviceReading:
    """One device's values at one time."""

    device: str
    time: datetime
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SeriesSpan:
    """One device's series: the times (UTC) of its first and last reading."""

    device: str
    first: datetime
    last: datetime


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
