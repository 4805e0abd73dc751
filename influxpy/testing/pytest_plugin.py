"""pytest fixtures for testing code against a real InfluxDB (loaded automatically).

- ``influx_server`` (session): a throwaway ``influxd`` — or the server named by
  ``INFLUX_DATABASE_URL`` when that is set — shared by the whole run.
- ``influx_db`` (per test): a fresh database on it, configured as influxpy's
  ``default`` connection, dropped afterwards.

A server that cannot be started is an error of every test that needs it, never a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from ..connection import ENV_URL, Connection, connect, disconnect
from ..query.quoting import quote_ident
from .server import ExternalServer, start_server


@pytest.fixture(scope='session')
def influx_server() -> Iterator[Any]:
    url = os.environ.get(ENV_URL)
    server = ExternalServer(url) if url else start_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def influx_db(influx_server: Any) -> Iterator[Connection]:
    name = f'test_{uuid.uuid4().hex[:12]}'
    connection = connect(f'{influx_server.url}/{name}', retries=0)
    connection.query(f'CREATE DATABASE {quote_ident(name)}')
    try:
        yield connection
    finally:
        try:
            connection.query(f'DROP DATABASE {quote_ident(name)}')
        finally:
            disconnect()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome: Any = yield
    report = outcome.get_result()
    server = getattr(item, 'funcargs', {}).get('influx_server')
    if report.failed and server is not None:
        text = server.log(40)
        if text:
            report.sections.append(('influxd log (last lines)', text))
