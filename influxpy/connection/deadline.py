"""A bound on a whole HTTP request, not on each socket read.

``requests`` timeouts apply to each read, so a server sending one byte at a time never
trips them. The pools installed here arm a deadline when a request is sent (one watchdog
thread keeps them all); at the deadline it shuts the request's socket down, which ends the
blocked read with an error.
"""

from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_local = threading.local()


class _Watchdog:
    """One thread for every deadline of the process: arming one is a heap push, not a
    new thread (a streamed answer arms one per block read)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, _Watch, HTTPConnection]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, watch: _Watch, conn: HTTPConnection) -> None:
        entry = (time.monotonic() + watch.seconds, next(self._order), watch, conn)
        with self._cond:
            heapq.heappush(self._heap, entry)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name='influxpy-deadlines',
                                                daemon=True)
                self._thread.start()
            elif self._heap[0] is entry:
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                when, _, watch, conn = self._heap[0]
                if not watch.cancelled and when > time.monotonic():
                    self._cond.wait(when - time.monotonic())
                    continue
                heapq.heappop(self._heap)
            watch.expire(conn)


_watchdog = _Watchdog()


class _Watch:
    """The deadline of the current thread's request and whether it fired."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self.armed = False
        self.cancelled = False
        # cancel() and expire() exclude each other: once cancel() returns, the socket
        # (back in the pool, maybe serving another request) is never shut down.
        self._lock = threading.Lock()

    def arm(self, conn: HTTPConnection) -> None:
        if not self.armed:
            self.armed = True
            _watchdog.add(self, conn)

    def expire(self, conn: HTTPConnection) -> None:
        with self._lock:
            if self.cancelled:
                return
            self.fired = True
            sock = conn.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True


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
