"""Lazy, thread-safe handlers for influxpy connections and the reading storage.

Nothing is built until first used; ``override_settings`` works because both
handlers are reset when ``INFLUXPY``, ``INFLUXPY_STORAGE`` or ``USE_TZ`` change, and
the HTTP connections are closed at the end of every request (as Django closes its
database connections).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from ... import connection as influx_connection
from ...exceptions import ConfigurationError
from .conf import connection_configs, storage_config
from .problems import raise_first

if TYPE_CHECKING:
    from ...connection import Connection
    from .storage.base import ReadingStorage

STORAGE_SETTINGS = frozenset({'INFLUXPY', 'INFLUXPY_STORAGE', 'USE_TZ', 'TIME_ZONE',
                              'DATABASES', 'INSTALLED_APPS'})


class ConnectionHandler:
    """``connections[alias]``: the influxpy connection ``INFLUXPY`` configures.

    The connection is registered with influxpy under the same alias, so measurements
    whose ``Meta.using`` names it write and read through it. An alias ``INFLUXPY``
    does not declare falls back to what was configured in code (``influxpy.connect``).
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._configured: dict[str, Connection] = {}

    def __getitem__(self, alias: str) -> Connection:
        with self._lock:
            mine = self._configured.get(alias)
            if mine is not None and self._registered(alias) is mine:
                return mine
            configs, problems = connection_configs()
            config = configs.get(alias)
            if config is None:
                raise_first([p for p in problems if p.obj == alias])
                try:
                    return influx_connection.get_connection(alias)
                except ConfigurationError as exc:
                    raise ConfigurationError(
                        f'{exc} (or declare it in settings.INFLUXPY[{alias!r}])') from None
            connection = influx_connection.connect(config.url, alias, **config.options)
            self._configured[alias] = connection
            return connection

    def ensure_all(self) -> list[str]:
        """Configure every alias of ``INFLUXPY``; return their names."""
        configs, problems = connection_configs()
        raise_first(problems)
        for alias in configs:
            self[alias]
        return list(configs)

    @staticmethod
    def _registered(alias: str) -> Connection | None:
        try:
            return influx_connection.get_connection(alias)
        except ConfigurationError:
            return None

    def close_all(self) -> None:
        """Close the HTTP pools of the connections configured here (they reopen on use)."""
        with self._lock:
            connections = list(self._configured.values())
        for connection in connections:
            connection.close()

    def reset(self) -> None:
        """Forget the connections configured here (settings changed)."""
        with self._lock:
            configured, self._configured = self._configured, {}
        for alias, connection in configured.items():
            if self._registered(alias) is connection:
                influx_connection.disconnect(alias)
            else:
                connection.close()


class StorageHandler:
    """The reading storage ``INFLUXPY_STORAGE`` selects, built once on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._storage: ReadingStorage | None = None

    def get(self) -> ReadingStorage:
        storage = self._storage
        if storage is not None:
            return storage
        with self._lock:
            if self._storage is None:
                config, problems = storage_config()
                raise_first(problems)
                assert config is not None
                self._storage = config.backend(**config.options)
            return self._storage

    def reset(self) -> None:
        with self._lock:
            storage, self._storage = self._storage, None
        if storage is not None:
            storage.close()


connections = ConnectionHandler()
storages = StorageHandler()


def get_storage() -> ReadingStorage:
    """The configured reading storage (built on first use)."""
    return storages.get()


def reset_on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in STORAGE_SETTINGS:
        storages.reset()
    if setting == 'INFLUXPY':
        connections.reset()


def close_after_request(**kwargs: Any) -> None:
    connections.close_all()
