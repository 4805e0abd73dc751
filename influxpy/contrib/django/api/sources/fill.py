"""Filling the empty buckets of downsampled readings as InfluxDB's ``fill()`` does
(the storages leave them out)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ...storage import checks, intervals
from ...storage.intervals import to_us
from ..types import ParameterError

Row = tuple[int, str, dict[str, Any]]      # (time_ns, device, values)
MAX_FILLED = 1_000_000


def fill_buckets(rows: list[Row], fill: str | float, interval: str | timedelta, tz: str,
          span: tuple[datetime, datetime, datetime], names: list[str]) -> list[Row]:
    """Each device's buckets over ``span`` (first, last, the grid's reference), every value
    missing filled as InfluxDB's ``fill()`` does: null, a number, the previous or linear
    (per name: a bucket with readings of one field only is missing the others)."""
    parsed = intervals.parse_interval(interval)
    zone = intervals.computing_zone(checks.check_tz(tz), parsed)
    first, last, reference = span
    if parsed.calendar:
        buckets = intervals.calendar_buckets(first, last, parsed.calendar, zone)
        starts = [to_us(b) * 1000 for b, _ in buckets]
    else:
        length, offset = parsed.length_us, parsed.grid_offset_us(zone, reference)
        low = to_us(first) - (to_us(first) + offset) % length
        count = (to_us(last) - low) // length + 1
        if count * len(names) > MAX_FILLED:
            raise ParameterError('fill', f'{count} buckets to fill; narrow the time range or '
                                 'use a coarser granularity', valid=['none'])
        starts = [(low + i * length) * 1000 for i in range(count)]
    by_device: dict[str, dict[int, dict[str, Any]]] = {}
    for when, device, values in rows:
        by_device.setdefault(device, {})[when] = values
    out: list[Row] = []
    for device, known in by_device.items():
        times = sorted(set(starts) | set(known))
        table = [known.get(t) or dict.fromkeys(names) for t in times]
        for name in names:
            column = [values[name] for values in table]
            if name.startswith('count_'):  # nothing counted is 0, as in InfluxDB
                filled = [0 if v is None else v for v in column]
            else:
                filled = _fill_one(times, column, fill)
            for values, value in zip(table, filled):
                values[name] = value
        out.extend(zip(times, [device] * len(times), table))
    return out


def _fill_one(times: list[int], column: list[Any], fill: str | float) -> list[Any]:
    """One name's values over every bucket, each None (no reading) filled."""
    if fill == 'null':
        return column
    if fill not in ('previous', 'linear'):
        return [fill if v is None else v for v in column]
    out, before = list(column), None
    if fill == 'previous':
        for i, v in enumerate(column):
            out[i] = before = before if v is None else v
        return out
    after: list[int | None] = [None] * len(column)  # the next index with a value
    for i in range(len(column) - 2, -1, -1):
        after[i] = i + 1 if column[i + 1] is not None else after[i + 1]
    for i, v in enumerate(column):
        j = after[i]
        if v is not None:
            before = i
        elif before is not None and j is not None:
            t0, v0, t1, v1 = times[before], column[before], times[j], column[j]
            out[i] = v0 + (v1 - v0) * (times[i] - t0) / (t1 - t0)
    return out
