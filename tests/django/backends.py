"""The storages under test: the ORM on SQLite and on PostgreSQL, and InfluxDB."""

from __future__ import annotations

from collections.abc import Iterator
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


@pytest.fixture(params=BACKENDS)
def storage(request: pytest.FixtureRequest) -> Iterator[ReadingStorage]:
    """A storage of ``testapp.Weather`` readings, empty, on each backend."""
    backend = make_storage(request.param, request, 'testapp.Weather')
    yield backend
    backend.close()


@pytest.fixture(params=BACKENDS)
def value_storage(request: pytest.FixtureRequest) -> Iterator[ReadingStorage]:
    """A storage of the default ``influxpy.Reading`` (one required float ``value``)."""
    backend = make_storage(request.param, request, 'influxpy.Reading')
    yield backend
    backend.close()
