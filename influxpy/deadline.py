"""A bound on a whole HTTP request, not on each socket read.

``requests`` timeouts apply to each read, so a server sending one byte at a time never
trips them. The pools installed here start a timer when a request is sent; at the deadline it
shuts the request's socket down, which ends the blocked read with an error.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_local = threading.local()


class _Watch:
    """The deadline of the current thread's request and whether it fired."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self.timer: threading.Timer | None = None

    def arm(self, conn: HTTPConnection) -> None:
        if self.timer is None:
            self.timer = threading.Timer(self.seconds, self._expire, (conn,))
            self.timer.daemon = True
            self.timer.start()

    def _expire(self, conn: HTTPConnection) -> None:
        self.fired = True
        sock = conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()


def start(seconds: float) -> _Watch:
    """Bound the next request of this thread to ``seconds``; call ``stop()`` after it."""
    watch = _Watch(seconds)
    _local.watch = watch
    return watch


def watch_connection(conn: Any, seconds: float) -> _Watch:
    """Bound one read of an open (streamed) response on ``conn`` to ``seconds``."""
    watch = _Watch(seconds)
    if conn is not None:
        watch.arm(conn)
    return watch


def stop(watch: _Watch) -> None:
    watch.cancel()
    if getattr(_local, 'watch', None) is watch:
        _local.watch = None


def _arm(conn: HTTPConnection) -> None:
    watch = getattr(_local, 'watch', None)
    if watch is not None:
        watch.arm(conn)


class _Armed:
    """Arms the thread's deadline on the socket when connecting and sending."""

    def connect(self) -> None:
        _arm(self)  # type: ignore[arg-type]
        super().connect()  # type: ignore[misc]

    def request(self, *args: Any, **kwargs: Any) -> None:
        _arm(self)  # type: ignore[arg-type]
        super().request(*args, **kwargs)  # type: ignore[misc]


class _HTTPConnection(_Armed, HTTPConnection):
    pass


class _HTTPSConnection(_Armed, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


def install(session: Any) -> None:
    """Make the connections of every adapter of ``session`` honour :func:`start`."""
    for adapter in session.adapters.values():
        if isinstance(adapter, HTTPAdapter):
            adapter.poolmanager.pool_classes_by_scheme = {'http': _HTTPPool, 'https': _HTTPSPool}
