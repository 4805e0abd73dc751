"""Answers as JSON (orjson) or streamed CSV, times exact to the nanosecond.

Times are RFC 3339 text (``Z`` in UTC, the zone's offset with ``tz``) or, with
``epoch``, integers in that unit (floored, as InfluxDB does). Floats keep every bit:
orjson writes the shortest text that reads back to the same double, CSV uses ``repr``.
"""

from __future__ import annotations

import csv
import gc
import io
import threading
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson

from influxpy.times import UNIT_NS, InfluxTime, rfc3339

from .sources.base import Page, SeriesPoints
from .types import PointsQuery

CSV_CHUNK_ROWS = 2000

_paused = 0
_paused_lock = threading.Lock()
_reenable = False


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside: a page of 100,000 points allocates a few
    containers per point (none in a cycle), and each allocation-triggered collection
    would scan the whole growing page again — it took more time than building it.
    Process-wide, so counted across threads; a collector switched off stays off."""
    global _paused, _reenable
    with _paused_lock:
        if _paused == 0:
            _reenable = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _reenable:
                gc.enable()


def time_formatter(epoch: str | None, tz: str) -> Callable[[int], Any]:
    """How a time in epoch ns is written in an answer."""
    if epoch is not None:
        unit = UNIT_NS[epoch]
        return (lambda ns: ns) if unit == 1 else (lambda ns: ns // unit)
    if tz == 'UTC':
        return rfc3339
    zone = zoneinfo.ZoneInfo(tz)
    return lambda ns: InfluxTime.from_ns(ns, zone).isoformat()


def series_json(series: SeriesPoints, names: list[str], shape: str,
                when: Callable[[int], Any], with_points: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        'tags': series.tags,
        'first': None if series.first is None else when(series.first),
        'last': None if series.last is None else when(series.last)}
    if not with_points:
        return out
    if shape == 'columns':
        columns: dict[str, list[Any]] = {'time': [when(t) for t, _ in series.rows]}
        for name in names:
            columns[name] = [values.get(name) for _, values in series.rows]
        out['columns'] = columns
    else:
        out['points'] = [{'time': when(t), **{n: values.get(n) for n in names}}
                         for t, values in series.rows]
    return out


def page_json(source_name: str, query: PointsQuery, page: Page, links: dict[str, str | None]
              ) -> bytes:
    with paused_gc():
        return _page_json(source_name, query, page, links)


def _page_json(source_name: str, query: PointsQuery, page: Page,
               links: dict[str, str | None]) -> bytes:
    when = time_formatter(query.epoch, query.tz)
    body = {
        'measurement': source_name,
        'granularity': page.granularity,
        'downsamplers': [d.name for d in query.downsamplers] if page.granularity else None,
        'tz': query.tz,
        'count': sum(len(s.rows) for s in page.series),
        'next': links.get('next'),
        'previous': links.get('previous'),
        'series': [series_json(s, page.names, query.shape, when) for s in page.series],
    }
    return orjson.dumps(body)


def page_csv(query: PointsQuery, pages: Iterator[Page], tags: list[str]) -> Iterator[bytes]:
    """``time, <tags…>, <names…>`` rows of every page, in chunks (constant memory)."""
    when = time_formatter(query.epoch, query.tz)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\n')
    header_written = False
    for page in pages:
        if not header_written:
            writer.writerow(['time', *tags, *page.names])
            header_written = True
        for series in page.series:
            tag_values = [series.tags.get(t, '') for t in tags]
            for i, (t, values) in enumerate(series.rows):
                writer.writerow([when(t), *tag_values, *(_cell(values.get(n))
                                                         for n in page.names)])
                if i % CSV_CHUNK_ROWS == CSV_CHUNK_ROWS - 1:
                    yield _drain(buffer)
        yield _drain(buffer)
    if not header_written:
        writer.writerow(['time', *tags])
        yield _drain(buffer)


def _cell(value: Any) -> Any:
    if value is None:
        return ''
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return value


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode()
