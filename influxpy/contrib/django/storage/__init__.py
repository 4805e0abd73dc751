"""Reading storages: one interface, over Django's ORM or over InfluxDB.

>>> from influxpy.contrib.django.storage import readings
>>> readings.store_reading('s1', {'value': 21.5})
>>> readings.aggregate('avg', 'hour', device='s1', start=yesterday)

``readings`` is the storage ``INFLUXPY_STORAGE`` configures, built on first use.
"""

from __future__ import annotations

from typing import Any

from ..handlers import get_storage, storages
from .base import ReadingStorage
from .influx import InfluxStorage
from .orm import ORMStorage
from .types import Bucket, DeviceReading, Features, Health, ReadingFilter, SeriesSpan


class _ConfiguredStorage:
    """Forwards to the configured storage, looked up on every use (settings may change)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(get_storage(), name)

    def __repr__(self) -> str:
        return '<configured reading storage>'


readings: Any = _ConfiguredStorage()

__all__ = ['Bucket', 'DeviceReading', 'Features', 'Health', 'InfluxStorage', 'ORMStorage',
           'ReadingFilter', 'ReadingStorage', 'SeriesSpan', 'get_storage', 'readings',
           'storages']
