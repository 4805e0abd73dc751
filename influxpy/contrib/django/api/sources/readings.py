"""The configured storage's readings as one measurement with the one tag ``device``.

Everything goes through the storage interface (storage/base.py), so the same request
gives the same answer on the ORM storage (SQLite, PostgreSQL) and on InfluxStorage.
Tag filters apply to device names in Python (``regex`` with :func:`re.search`); the
caller's selectors hide devices the same way. Readings keep microseconds, so nanosecond
bounds are rounded inward. Pages are keyed on (time, series key), never on offsets.

A points page lists the series that have rows on it (with ``limit=0``: every matching
series, no rows); ``first``/``last`` are each series' whole span, not the range's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from .....exceptions import QueryError, ValidationError, WriteError
from ...storage import ReadingStorage, SeriesSpan, checks
from ...storage.intervals import NAMED, from_us, to_us
from ...storage.reading_model import DEVICE
from ...storage.types import FUNCTION_ALIASES, MAX_TIME, MIN_TIME
from ..checking import device_readings
from ..types import (
    DOWNSAMPLERS,
    TAG_LOOKUPS,
    APIError,
    Cursor,
    ParameterError,
    PointIn,
    PointsQuery,
    Selectors,
    SeriesQuery,
    TagFilter,
    TimeRange,
)
from .base import FieldInfo, Page, SeriesPoints, Source, matches, series_key, unwritten_error
from .fill import fill_buckets
from .paging import cut_page

Row = tuple[int, str, dict[str, Any]]      # (time_ns, device, values)
Fetch = Callable[[int | None, int | None, int], list[Row]]  # (low us, high us, ties)
MIN_US, MAX_US = to_us(MIN_TIME), to_us(MAX_TIME)


class ReadingsSource(Source):
    """The readings of ``storage`` as the measurement ``name``."""

    kind = 'readings'

    def __init__(self, name: str, storage: ReadingStorage) -> None:
        self.name = name
        self.storage = storage
        self._fields = [FieldInfo(c.name, c.kind) for c in storage.schema.columns.values()]
        # The API's names the storage can compute ('mean' is the storage's 'avg').
        self.downsamplers: tuple[str, ...] = tuple(
            d for d in DOWNSAMPLERS if FUNCTION_ALIASES.get(d, d) in storage.features.functions)

    @property
    def fields(self) -> Sequence[FieldInfo]:
        return self._fields

    @property
    def tags(self) -> Sequence[str]:
        return (DEVICE,)

    # -- series ---------------------------------------------------------------------------

    def series(self, query: SeriesQuery, selectors: Selectors) -> list[SeriesPoints]:
        _check_limit(query.limit)
        found = [_series_of(span) for span in self._spans(query.tags, selectors)]
        if query.cursor is not None:
            found = [s for s in found if s.key > query.cursor]
        return found[:query.limit + 1]

    def _spans(self, tags: tuple[TagFilter, ...], selectors: Selectors) -> list[SeriesSpan]:
        """The devices the filters and selectors let through, ordered by series key."""
        candidates: set[str] | None = None
        for tag_filter in tags:
            if tag_filter.tag != DEVICE:
                raise ParameterError(tag_filter.tag, f'{self.name} has no tag '
                                     f'{tag_filter.tag!r}', valid=[DEVICE])
            if tag_filter.lookup in ('exact', 'in'):  # narrows what the storage reads
                names = set(_values(tag_filter))
                candidates = names if candidates is None else candidates & names
        if candidates is not None and not candidates:
            return []
        spans = self.storage.series(None if candidates is None else sorted(candidates))
        tests = [_compile(f) for f in tags]
        out = [s for s in spans if matches(selectors, {DEVICE: s.device})
               and all(test(s.device) for test in tests)]
        return sorted(out, key=lambda s: series_key({DEVICE: s.device}))

    # -- points ---------------------------------------------------------------------------

    def points(self, query: PointsQuery, selectors: Selectors) -> Page:
        _check_limit(query.limit)
        fields = self._check_fields(query.fields)
        functions = self._functions(query) if query.granularity is not None else []
        interval = self._interval(query) if query.granularity is not None else None
        names = ([f'{d}_{f}' for d, _ in functions for f in fields] if query.granularity
                 else list(fields))
        granularity = query.granularity.name if query.granularity else None
        spans = self._spans(query.tags, selectors)
        page = Page([], granularity, names)
        if not spans:
            return page
        if query.limit == 0:
            page.series = [_series_of(span) for span in spans]
            return page
        bounds = _bounds(query.time)
        if bounds is None:
            return page
        # None: every device, and the storage reads no device list.
        unfiltered = not query.tags and selectors is None
        devices = None if unfiltered else [s.device for s in spans]
        cursor = query.cursor
        descending = query.order == 'desc'
        going = cursor.descending if cursor is not None else descending
        if query.granularity is None:
            def fetch(low: int | None, high: int | None, extra: int) -> list[Row]:
                return self._raw(devices, low, high, fields, query.limit + 1 + extra, going)
        else:
            assert interval is not None
            rows = self._downsampled(query, interval, functions, fields, devices, bounds, spans)
            rows.sort(key=_row_key, reverse=going)

            def fetch(low: int | None, high: int | None, extra: int) -> list[Row]:
                return rows
        by_device = {s.device: s for s in spans}
        grouped: dict[str, SeriesPoints] = {}
        for when, device, values in _from_cursor(fetch, bounds, cursor, going, len(spans)):
            if device not in grouped:  # (a device first stored since _spans(): no span)
                span = by_device.get(device)
                grouped[device] = _series_of(span) if span else SeriesPoints({DEVICE: device})
            grouped[device].rows.append((when, values))
        return cut_page(query, grouped.values(), names, granularity)

    def _check_fields(self, fields: tuple[str, ...] | None) -> tuple[str, ...]:
        known = self.storage.fields
        if fields is None:
            return known
        unknown = [name for name in fields if name not in known]
        if unknown or not fields:
            raise ParameterError('fields', f'{self.name} has no field '
                                 f'{", ".join(map(repr, unknown))}' if unknown
                                 else 'name at least one field', valid=list(known))
        return tuple(dict.fromkeys(fields))

    def _raw(self, devices: list[str] | None, low: int | None, high: int | None,
             fields: tuple[str, ...], limit: int, descending: bool) -> list[Row]:
        start, end = _datetimes((low, high))
        readings = self.storage.query_readings(devices, start=start, end=end, fields=fields,
                                               limit=limit, order='desc' if descending else 'asc')
        return [(to_us(r.time) * 1000, r.device, dict(r.values)) for r in readings]

    # -- downsampling -------------------------------------------------------------------

    def _functions(self, query: PointsQuery) -> list[tuple[str, str]]:
        """(API name, storage function) per downsampler asked for."""
        names = list(dict.fromkeys(d.name for d in query.downsamplers))
        wrong = [name for name in names if name not in self.downsamplers]
        if wrong or not names:
            raise ParameterError('downsamplers', f'{wrong[0]!r} is not available for '
                                 f'{self.name}' if wrong else 'name at least one',
                                 valid=list(self.downsamplers))
        return [(name, FUNCTION_ALIASES.get(name, name)) for name in names]

    def _interval(self, query: PointsQuery) -> str | timedelta:
        """The storage's interval for the query's granularity, if the storage has it."""
        try:
            checks.check_tz(query.tz)
        except QueryError as exc:
            raise ParameterError('tz', str(exc)) from None
        granularity = query.granularity
        assert granularity is not None
        features = self.storage.features
        name = granularity.calendar or granularity.name
        if name in NAMED:  # minute, hour: the zone's wall clock; day, week, month: its days
            if name not in features.intervals:
                raise ParameterError('granularity', f'{name!r} is not available on this '
                                     'storage', valid=list(features.intervals))
            return name
        ns = granularity.ns
        if ns is None or ns <= 0 or ns % 1000 or not features.timedelta_intervals:
            raise ParameterError('granularity', f'{granularity.name!r}: this storage takes '
                                 f'{", ".join(features.intervals)} or, if it has them, '
                                 'durations of whole microseconds', valid=list(features.intervals))
        return timedelta(microseconds=ns // 1000)

    def _downsampled(self, query: PointsQuery, interval: str | timedelta,
                     functions: list[tuple[str, str]], fields: tuple[str, ...],
                     devices: list[str] | None, bounds: tuple[int | None, int | None],
                     spans: list[SeriesSpan]) -> list[Row]:
        start, end = _datetimes(bounds)
        merged: dict[tuple[str, int], dict[str, Any]] = {}
        names = [f'{d}_{f}' for d, _ in functions for f in fields]
        try:
            for api_name, function in functions:
                for r in self.storage.downsample(interval, function, device=devices,
                                                 start=start, end=end, fields=fields,
                                                 tz=query.tz):
                    values = merged.setdefault((r.device, to_us(r.time) * 1000),
                                               dict.fromkeys(names))
                    values.update((f'{api_name}_{f}', r.values.get(f)) for f in fields)
        except QueryError as exc:  # a calendar granularity in a zone no database can name
            raise ParameterError('granularity', str(exc)) from None
        rows = [(when, device, values) for (device, when), values in merged.items()]
        if query.fill == 'none':
            return rows
        first = min(s.first for s in spans) if start is None else start
        last = max(s.last for s in spans) if end is None else end
        reference = start or end or datetime.now(UTC)  # as the storage lays its grid
        return fill_buckets(rows, query.fill, interval, query.tz, (first, last, reference), names)

    # -- writes and deletes -------------------------------------------------------------

    def write(self, points: list[PointIn]) -> int:
        readings = device_readings(self.storage.schema, points)
        try:
            return self.storage.store_readings(readings)
        except WriteError as exc:
            raise unwritten_error(exc, readings) from None
        except (ValidationError, QueryError) as exc:
            raise APIError(str(exc)) from None

    def most_points(self, query: PointsQuery, selectors: Selectors) -> int:
        spans = self._spans(query.tags, selectors)
        bounds = _bounds(query.time)
        if not spans or bounds is None:
            return 0
        start, end = _datetimes(bounds)
        fields = self._check_fields(query.fields)
        # All devices' counts together: never under the count of the fullest one.
        counted = self.storage.aggregate('count', None, device=[s.device for s in spans],
                                         start=start, end=end, fields=fields)
        return sum(sum(b.values.values()) for b in counted)

    def delete(self, tags: tuple[TagFilter, ...], time: TimeRange, selectors: Selectors) -> int:
        if not tags and time.low is None and time.high is None:
            raise APIError('a delete needs a tag filter or a time bound; it never deletes '
                           'everything')
        spans = self._spans(tags, selectors)
        bounds = _bounds(time)
        if not spans or bounds is None:
            return 0
        start, end = _datetimes(bounds)
        return self.storage.delete_readings([s.device for s in spans], start=start, end=end)


# -- helpers ----------------------------------------------------------------------------

def _check_limit(limit: int) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ParameterError('limit', f'{limit!r} is not a whole number of 0 or more')


def _series_of(span: SeriesSpan) -> SeriesPoints:
    return SeriesPoints({DEVICE: span.device}, to_us(span.first) * 1000,
                        to_us(span.last) * 1000)


def _key(device: str) -> str:
    return series_key({DEVICE: device})


def _row_key(row: Row) -> tuple[int, str]:
    return row[0], _key(row[1])


def _values(tag_filter: TagFilter) -> tuple[str, ...]:
    value = tag_filter.value
    return value if isinstance(value, tuple) else (value,)


TESTS: dict[str, Callable[[str, str], bool]] = {
    'ne': lambda d, v: d != v, 'startswith': str.startswith, 'endswith': str.endswith,
    'contains': lambda d, v: v in d}


def _compile(tag_filter: TagFilter) -> Callable[[str], bool]:
    """A test of a device name for one filter."""
    lookup, value = tag_filter.lookup, tag_filter.value
    name = f'{tag_filter.tag}__{lookup}'
    if lookup in ('exact', 'in'):
        names = set(_values(tag_filter))
        return lambda d: d in names
    if not isinstance(value, str):
        raise ParameterError(name, 'takes one value')
    if lookup == 'regex':
        try:
            pattern = re.compile(value)
        except re.error as exc:
            raise ParameterError(name, f'not a regular expression: {exc}') from None
        return lambda d: pattern.search(d) is not None
    if lookup not in TESTS:
        raise ParameterError(name, f'unknown lookup {lookup!r}', valid=list(TAG_LOOKUPS))
    test = TESTS[lookup]
    return lambda d: test(d, value)


def _bounds(time: TimeRange) -> tuple[int | None, int | None] | None:
    """Inclusive ns bounds as inclusive microseconds (rounded inward: readings keep
    microseconds) inside the storages' range (None: open); None if no reading can be in."""
    return _clamp(None if time.low is None else -(-time.low // 1000),
                  None if time.high is None else time.high // 1000)


def _datetimes(bounds: tuple[int | None, int | None]) -> tuple[datetime | None, ...]:
    return tuple(None if us is None else from_us(us) for us in bounds)


def _clamp(low: int | None, high: int | None) -> tuple[int | None, int | None] | None:
    if (low is not None and low > MAX_US) or (high is not None and high < MIN_US) \
            or (low is not None and high is not None and low > high):
        return None
    return (None if low is None or low <= MIN_US else low,
            None if high is None or high >= MAX_US else high)


def _from_cursor(fetch: Fetch, bounds: tuple[int | None, int | None], cursor: Cursor | None,
                 descending: bool, devices: int) -> list[Row]:
    """Rows from the cursor's time on, inclusive, with room for the ties there (paging.py
    drops those and cuts the page)."""
    low, high = bounds
    if cursor is None:
        return fetch(low, high, 0)
    if descending:
        edge = cursor.time_ns // 1000
        narrowed = _clamp(low, edge if high is None else min(high, edge))
    else:
        edge = -(-cursor.time_ns // 1000)
        narrowed = _clamp(edge if low is None else max(low, edge), high)
    if narrowed is None:
        return []
    return fetch(*narrowed, devices)
