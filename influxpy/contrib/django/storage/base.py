"""The one interface of every reading storage.

A storage stores, queries, aggregates, downsamples and deletes the readings (see
types.py) of one reading model, and lists its series (devices). Every argument is
checked (checks.py) before a backend sees it; a backend implements the underscored
methods on checked values only.
Readings come back with times in UTC; buckets are named by their start in the query's
time zone.
"""

from __future__ import annotations

import abc
import inspect
import time as time_module
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

from django.conf import settings

from ....exceptions import QueryError
from ..problems import NO_USE_TZ, StorageConfigurationError
from . import checks
from .intervals import Interval, parse_interval, to_us
from .reading_model import DEFAULT_MODEL, ReadingSchema, resolve_model
from .types import Bucket, DeviceReading, Features, Health, ReadingFilter, SeriesSpan


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
                      time: datetime | str | None = None) -> DeviceReading:
        """Store one reading (``time``: now when omitted); return it as stored.

        >>> storage.store_reading('s1', {'value': 21.5}, time=timezone.now())
        """
        reading = checks.check_reading(self.schema, {'device': device, 'time': time,
                                                     'values': values})
        self._write([reading])
        return reading

    def store_readings(self, readings: Iterable[DeviceReading | Mapping[str, Any]]) -> int:
        """Store many readings; return how many. Each is a :class:`DeviceReading` or a dict
        ``{'device': …, 'time': …, 'values': {…}}`` (or with the values at the top level).
        Every reading is checked before the first is stored."""
        checked = [checks.check_reading(self.schema, item, f'reading #{i}')
                   for i, item in enumerate(readings)]
        if checked:
            self._write(checked)
        return len(checked)

    # -- reading -----------------------------------------------------------------------

    def query_readings(self, device: str | Iterable[str] | None = None, *,
                       start: datetime | str | None = None, end: datetime | str | None = None,
                       after: datetime | str | None = None,
                       before: datetime | str | None = None,
                       fields: str | Sequence[str] | None = None, limit: int | None = None,
                       order: str = 'asc') -> list[DeviceReading]:
        """Readings of ``device`` (one, several, or all when None), oldest first.

        ``start``/``end`` are inclusive bounds, ``after``/``before`` exclusive ones.
        ``fields`` selects value columns (a reading with none of them is left out);
        ``limit`` counts readings; ``order`` is ``'asc'`` or ``'desc'`` (readings at the
        same time are ordered by device, in the same direction).
        """
        flt = checks.check_filter(self.schema, device, start, end, after, before, fields)
        limit = checks.check_limit(limit)
        descending = checks.check_order(order) == 'desc'
        if flt.empty:
            return []
        return self._select(flt, limit, descending)

    def series(self, device: str | Iterable[str] | None = None) -> list[SeriesSpan]:
        """Each device (one, several, or all when None) that has readings, with the times
        of its first and last reading, ordered by device.

        >>> storage.series()
        [SeriesSpan(device='s1', first=datetime(2024, 5, 1, …, tzinfo=UTC), last=…), …]
        """
        flt = checks.check_filter(self.schema, device, None, None, None, None, None)
        if flt.empty:
            return []
        return sorted(self._series(flt), key=lambda s: s.device)

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
        function = self._check_function(function)
        parsed = None if interval is None else parse_interval(interval)
        zone = checks.check_tz(tz)
        flt = checks.check_filter(self.schema, device, start, end, after, before, fields)
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
                   tz: str | tzinfo | None = None) -> list[DeviceReading]:
        """One reading per device and ``interval`` bucket: ``function`` (default avg) of
        each value column, timed at the bucket's start. The result can be stored in
        another storage.
        """
        function = self._check_function(function)
        if interval is None:
            raise QueryError('downsample() needs an interval')
        parsed = parse_interval(interval)
        zone = checks.check_tz(tz)
        flt = checks.check_filter(self.schema, device, start, end, after, before, fields)
        if flt.empty:
            return []
        rows = self._aggregate(flt, function, parsed, zone, by_device=True)
        readings = [DeviceReading(str(dev), when, self._values(function, flt.fields, values))
                    for dev, when, values in rows if when is not None]
        return sorted(readings, key=lambda r: (to_us(r.time), r.device))

    def delete_readings(self, device: str | Iterable[str] | None = None, *,
                        start: datetime | str | None = None, end: datetime | str | None = None,
                        after: datetime | str | None = None,
                        before: datetime | str | None = None) -> int:
        """Delete the readings of ``device`` in a time range; return how many there were.

        A device or a time bound is required: this never deletes everything by accident.
        """
        flt = checks.check_filter(self.schema, device, start, end, after, before, None)
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
    def _write(self, readings: list[DeviceReading]) -> None:
        """Store checked readings (times in UTC, no None among the values)."""

    @abc.abstractmethod
    def _select(self, flt: ReadingFilter, limit: int | None,
                descending: bool) -> list[DeviceReading]:
        """Readings ordered by (time, device), reversed when ``descending``."""

    @abc.abstractmethod
    def _aggregate(self, flt: ReadingFilter, function: str, interval: Interval | None,
                   tz: tzinfo, by_device: bool
                   ) -> Iterable[tuple[str | None, datetime | None, Mapping[str, Any]]]:
        """``(device or None, bucket start in tz or None, {column: value})`` per bucket."""

    def _series(self, flt: ReadingFilter) -> Iterable[SeriesSpan]:
        """A :class:`SeriesSpan` per device of ``flt`` with readings (times in UTC).

        Not abstract, so that a storage written before series() existed still loads."""
        raise NotImplementedError(f'{type(self).__name__} does not list series')

    @abc.abstractmethod
    def _delete(self, flt: ReadingFilter) -> int:
        """Delete what ``flt`` matches; return how many readings that was."""

    @abc.abstractmethod
    def _ping(self) -> str:
        """Check the storage answers; return a short description, or raise."""

    # -- shared by aggregate() and downsample() ----------------------------------------

    def _check_function(self, function: Any) -> str:
        return checks.check_function(function, self.features.functions, type(self).__name__)

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
