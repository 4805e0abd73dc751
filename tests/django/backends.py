"""The storages under test: the ORM on SQLite and on PostgreSQL, and InfluxDB."""

from __future__ import annotations

from typing import Any

import pytest

from influxpy.contrib.django.storage import InfluxStorage, ORMStorage, ReadingStorage

BACKENDS = [
    pytest.param('sqlite', marks=pytest.mark.django_db(databases=['default']), id='orm-sqlite'),
    pytest.param('postgresql', marks=pytest.mark.django_db(databases=['pg']),
                 id='orm-postgresql'),
    pytest.param('influxdb', id='influxdb'),
]


def make_storage(kind: str, request: pytest.FixtureRequest, model: str,
                 **options: Any) -> ReadingStorage:
    if kind == 'sqlite':
        return ORMStorage(model=model, database='default', **options)
    if kind == 'postgresql':
        return ORMStorage(model=model, database='pg', **options)
    request.getfixturevalue('influx_settings')
    return InfluxStorage(model=model, **options)
