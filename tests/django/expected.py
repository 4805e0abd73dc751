"""The answers every storage must give, computed here in plain Python."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from influxpy.contrib.django.storage import Bucket, DeviceReading

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def bucket_of(when: datetime, interval: Any, tz: tzinfo) -> datetime | None:
    """The start of the bucket holding ``when``, by the rules the README states."""
    if interval is None:
        return None
    local = when.astimezone(tz)
    # From the instant, not the wall clock: a repeated hour is two buckets.
    if interval == 'minute':
        return (when - timedelta(seconds=local.second, microseconds=local.microsecond)
                ).astimezone(tz)
    if interval == 'hour':
        return (when - timedelta(minutes=local.minute, seconds=local.second,
                                 microseconds=local.microsecond)).astimezone(tz)
    if interval in ('day', 'week', 'month'):
        day = local.date()
        if interval == 'week':
            day -= timedelta(days=day.weekday())
        if interval == 'month':
            day = day.replace(day=1)
        return datetime(day.year, day.month, day.day, tzinfo=tz)
    assert isinstance(interval, timedelta)
    return (EPOCH + (when - EPOCH) // interval * interval).astimezone(tz)


def _apply(function: str, values: list[Any], kind: str) -> Any:
    if function == 'count':
        return len(values)
    if not values:
        return None
    if function == 'avg':
        return sum(values) / len(values)
    result = {'min': min, 'max': max, 'sum': sum,
              'spread': lambda v: max(v) - min(v)}[function](values)
    return float(result) if kind == 'float' else int(result)


def aggregate(readings: Iterable[DeviceReading], kinds: dict[str, str], function: str,
              interval: Any, tz: tzinfo, fields: list[str] | None = None,
              by_device: bool = False,
              where: Callable[[DeviceReading], bool] = lambda r: True) -> list[Any]:
    names = fields or list(kinds)
    groups: dict[tuple[Any, Any], dict[str, list[Any]]] = defaultdict(
        lambda: {name: [] for name in names})
    for reading in readings:
        if not where(reading) or all(reading.values.get(n) is None for n in names):
            continue
        start = bucket_of(reading.time, interval, tz)
        # Keyed in UTC: aware datetimes of one zone compare by wall clock, fold ignored.
        key = (reading.device if by_device else None, start and start.astimezone(UTC))
        for name in names:
            if reading.values.get(name) is not None:
                groups[key][name].append(reading.values[name])
    out: list[Any] = []
    for (device, utc), values in groups.items():
        start = utc and utc.astimezone(tz)
        computed = {n: _apply(function, values[n], kinds[n]) for n in names}
        out.append(DeviceReading(device, start, computed) if by_device else Bucket(start, computed))
    if by_device:
        return sorted(out, key=lambda r: (r.time.astimezone(UTC), r.device))
    return sorted(out, key=lambda b: (b.time or EPOCH).astimezone(UTC))
