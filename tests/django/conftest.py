"""Django for the tests of this directory only: settings from ``tests.django.settings``.

Django is configured (``settings.configure``, not the environment, which subprocesses
of other tests would inherit) when this directory is collected, so pytest-django's
fixtures work here while the rest of the suite never sees Django. The ``pg`` database alias
points at a throwaway PostgreSQL cluster, started only when a collected test needs it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import django
import pytest
from django.conf import settings

from . import settings as settings_module
from .postgres import INSTALL_HINT, PostgresCluster, settings_from_url

if not settings.configured:
    settings.configure(**{name: value for name, value in vars(settings_module).items()
                          if name.isupper()})
django.setup()

from .backends import BACKENDS, make_storage  # noqa: E402 - needs Django set up

if TYPE_CHECKING:
    from influxpy.contrib.django.storage import ReadingStorage


def _uses_postgres(items: list[pytest.Item]) -> bool:
    for item in items:
        marker = item.get_closest_marker('django_db')
        if marker and 'pg' in (marker.kwargs.get('databases') or ()):
            return True
    return False


@pytest.fixture(scope='session')
def django_db_modify_db_settings(request: pytest.FixtureRequest) -> Iterator[None]:
    """Point the ``pg`` alias at a PostgreSQL server before the test databases exist."""
    cluster = None
    if _uses_postgres(request.session.items):
        url = os.environ.get('DATABASE_URL')
        cluster = PostgresCluster()
        if cluster.available and not url:
            cluster.start()
            found = cluster.settings()
        elif url:
            cluster = None
            found = settings_from_url(url)
        else:
            pytest.fail(f'the PostgreSQL tests need a server: {INSTALL_HINT}')
        settings.DATABASES['pg'].update(found)  # the same dict Django's connections read
    try:
        yield
    finally:
        if cluster is not None:
            from django.db import connections
            connections['pg'].close()
            cluster.stop()


@pytest.fixture
def influx_settings(influx_server: Any) -> Iterator[str]:
    """A fresh InfluxDB database as ``INFLUXPY['default']``; its name."""
    from django.test import override_settings

    from influxpy import schema

    name = f'test_{uuid.uuid4().hex[:12]}'
    with override_settings(INFLUXPY={'default': {'URL': f'{influx_server.url}/{name}',
                                                 'OPTIONS': {'retries': 0}}}):
        from influxpy.contrib.django.handlers import connections

        # Through the handler: a setting changed inside the test resets the connection.
        schema.create_database(name, using=connections['default'].alias)
        try:
            yield name
        finally:
            schema.drop_database(name, using=connections['default'].alias)


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
