"""Connections: URL configuration, aliases, and the only code that talks HTTP.

A connection is configured by a URL such as
``influxdb://user:secret@db.example:8086/metrics?timeout=2&retries=1`` and opened
lazily: nothing touches the network until the first query or write.

- :mod:`.settings`: the URL and its options (:class:`ConnectionSettings`);
- :mod:`.http`: :class:`Connection`, requests, retries and errors;
- :mod:`.deadline`: one deadline for the whole of a request.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from ..exceptions import ConfigurationError
from .http import Connection, error_for_status
from .settings import (
    DEFAULT_ALIAS,
    ENV_URL,
    OPTIONS,
    PRECISIONS,
    ConnectionSettings,
    parse_url,
)

__all__ = ['Connection', 'ConnectionSettings', 'DEFAULT_ALIAS', 'ENV_URL', 'OPTIONS', 'PRECISIONS',
           'connect', 'disconnect', 'error_for_status', 'get_connection', 'parse_url']


_connections: dict[str, Connection] = {}
_registry_lock = threading.Lock()


def connect(url: str | None = None, alias: str = DEFAULT_ALIAS, **options: Any) -> Connection:
    """Configure (not open) the connection ``alias`` from a URL.

    With no URL, ``INFLUX_DATABASE_URL`` is read. Options (``timeout``, ``retries``,
    ``verify_ssl``, ``ca_file``, ``precision``, ``gzip``) may be given in the URL's query
    string or as keywords.

    >>> connect('influxdb://localhost:8086/metrics', timeout=2)
    <Connection 'default' influxdb://localhost:8086/metrics>
    """
    if url is None:
        url = os.environ.get(ENV_URL)
        if not url:
            raise ConfigurationError(f'no URL given to connect() and {ENV_URL} is not set')
    connection = Connection(parse_url(url, **options), alias)
    with _registry_lock:
        old = _connections.get(alias)
        _connections[alias] = connection
    if old is not None:
        old.close()
    return connection


def get_connection(alias: str = DEFAULT_ALIAS) -> Connection:
    """The connection configured as ``alias``; ``default`` falls back to the environment."""
    with _registry_lock:
        connection = _connections.get(alias)
    if connection is not None:
        return connection
    if alias == DEFAULT_ALIAS and os.environ.get(ENV_URL):
        return connect(os.environ[ENV_URL], alias)
    hint = f' or set {ENV_URL}' if alias == DEFAULT_ALIAS else ''
    raise ConfigurationError(
        f'no connection named {alias!r}: call influxpy.connect(url, alias={alias!r}){hint}')


def disconnect(alias: str = DEFAULT_ALIAS) -> None:
    """Forget the connection ``alias`` and close its HTTP pool."""
    with _registry_lock:
        connection = _connections.pop(alias, None)
    if connection is not None:
        connection.close()

