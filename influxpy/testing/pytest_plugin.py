"""pytest fixtures for testing code against a real InfluxDB (loaded automatically).

- ``influx_server`` (session): a throwaway ``influxd`` — or the server named by
  ``INFLUX_DATABASE_URL`` when that is set — shared by the whole run.
- ``influx_db`` (per test): a fresh database on it, configured as influxpy's
  ``default`` connection, dropped afterwards.
- ``chromium`` (per test): a headless Chromium driven by Selenium
  (:class:`influxpy.testing.browser.Browser`); on a failure its screenshot and console
  log are saved under the test's ``tmp_path`` and their paths shown in the report.

A server or browser that cannot be started is an error of every test that needs it,
never a skip.
"""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..connection import ENV_URL, Connection, connect, disconnect
from ..quoting import quote_ident
from .browser import Browser, BrowserUnavailable, start_browser
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
    url = f'{influx_server.url}/{name}'
    with _django_redirected(url):
        connection = connect(url, retries=0)
        connection.query(f'CREATE DATABASE {quote_ident(name)}')
        try:
            yield connection
        finally:
            try:
                connection.query(f'DROP DATABASE {quote_ident(name)}')
            finally:
                disconnect()


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[Browser]:
    try:
        browser = start_browser()
    except BrowserUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    browser.artifacts = tmp_path / 'browser'    # where the report hook saves them
    try:
        yield browser
    finally:
        browser.close()


@contextlib.contextmanager
def _django_redirected(url: str) -> Iterator[None]:
    """In a Django project, every ``settings.INFLUXPY`` alias (and so the reading storage
    and every measurement using one) points at the test database for the test: the
    settings would otherwise win over ``connect()`` and send the test's writes to the
    server they name."""
    if 'django' not in sys.modules:
        yield
        return
    from django.apps import apps
    from django.conf import settings

    if not settings.configured or not apps.is_installed('influxpy.contrib.django'):
        yield
        return
    from django.test import override_settings

    from ..contrib.django.handlers import connections

    declared = getattr(settings, 'INFLUXPY', None) or {}
    aliases = set(declared) | {'default'}
    redirected = {alias: {'URL': url, 'OPTIONS': {'retries': 0}} for alias in aliases}
    with override_settings(INFLUXPY=redirected):
        connections.ensure_all()  # measurements' Meta.using aliases too, before any write
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome: Any = yield
    report = outcome.get_result()
    funcargs = getattr(item, 'funcargs', {})
    server = funcargs.get('influx_server')
    if report.failed and server is not None:
        text = server.log(40)
        if text:
            report.sections.append(('influxd log (last lines)', text))
    browser = funcargs.get('chromium')
    if report.failed and browser is not None and report.when != 'teardown':
        try:
            screenshot, log = browser.save_artifacts()
        except Exception as exc:  # noqa: BLE001 - the browser may be what broke
            report.sections.append(('browser', f'no screenshot: {exc}'))
        else:
            report.sections.append(('browser', f'screenshot: {screenshot}\n'
                                               f'console log: {log}'))
