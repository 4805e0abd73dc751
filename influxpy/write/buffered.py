"""A buffered writer for streams of points: nothing it accepted is lost.

>>> with influxpy.Writer(batch_size=5000, flush_interval=1.0, spool='points.spool') as w:
...     for reading in sensor_stream():
...         w.add(Reading(sensor=reading.id, value=reading.value))

``add()`` validates the point at once (a ValidationError refuses it, nothing is queued)
and stamps it with the current time if it has none. A background thread sends batches
when ``batch_size`` points wait, every ``flush_interval`` seconds, on ``flush()``,
``close()``, leaving the ``with`` block (also on an error) and at interpreter exit.

- While the server is away, points stay queued and are retried with backoff; when
  ``max_buffer`` points wait, ``add()`` blocks (or raises :class:`BufferFull` with
  ``block=False``): memory stays bounded.
- A batch the server refuses (a field type conflict…) is not retried: its points go to
  ``writer.failed``, the spool's ``PATH.failed`` file and the ``on_error(error, points)``
  callback; later points go on. A batch too large (413) is split first.
- An error that retrying cannot fix stops the sending (never silently): it goes to
  ``on_error`` and is raised from the next ``add()``, ``flush()`` or ``close()``.
- With ``spool=PATH`` every accepted point is appended to that file before ``add()``
  returns, and a point is marked done only once the server stored it. If the process
  dies (even by SIGKILL) or the server stays away, the next writer opened on the same
  spool sends what was left. A point may be sent twice after a crash; that is harmless,
  because a point with the same measurement, tags and time overwrites itself.
  Unreadable parts of a spool are moved to ``PATH.corrupt`` and reported; the rest replays.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import threading
import time
import warnings
import weakref
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from ..connection import Connection, get_connection
from ..exceptions import (
    ConfigurationError,
    InfluxConnectionError,
    InfluxPyError,
    ServerError,
    WriteError,
)
from ..lineprotocol import serializer_for
from .batches import DEFAULT_BATCH_SIZE, send_split
from .spool import Record, Spool, SpoolCorruptWarning, Target

log = logging.getLogger('influxpy.writer')
_JOIN_TIMEOUT = 0.5  # how long close() waits for the thread once it gave up on flushing


class BufferFull(InfluxPyError):
    """``add()`` with ``block=False`` found ``max_buffer`` points already waiting."""


class Writer:
    """Batches points of any models in the background; see the module's docstring."""

    def __init__(self, *, using: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                 flush_interval: float = 1.0, max_buffer: int = 100_000, block: bool = True,
                 on_error: Callable[[Exception, list[Any]], Any] | None = None,
                 spool: str | os.PathLike[str] | None = None, retry_interval: float = 0.5,
                 max_retry_interval: float = 30.0, close_timeout: float = 30.0,
                 connect_wait: float = 60.0) -> None:
        if batch_size < 1 or max_buffer < batch_size:
            raise InfluxPyError(f'need 1 <= batch_size ({batch_size}) <= max_buffer '
                                f'({max_buffer})')
        self.using = using
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.max_buffer = max_buffer
        self.block = block
        self.on_error = on_error
        self.retry_interval = retry_interval
        self.max_retry_interval = max_retry_interval
        self.close_timeout = close_timeout
        self.connect_wait = connect_wait
        self.failed: list[tuple[Exception, list[Any]]] = []
        self.written = 0
        self._queue: deque[Record] = deque()
        self._cond = threading.Condition()
        self._in_flight = 0
        self._flush_requested = False
        self._closed = False
        self._stopping = threading.Event()
        self._unconfigured = 0.0  # since when the target's connection is missing
        self._error: Exception | None = None  # one retrying cannot fix: the writer stopped
        self.corrupt: list[tuple[int, int]] = []  # (offset, length) moved out of the spool
        self._spool = Spool(spool) if spool is not None else None
        if self._spool is not None:
            try:
                self._queue.extend(self._spool.pending())
            except BaseException:
                self._spool.close()  # the next writer must be able to open it
                raise
            self.corrupt = self._spool.corrupt
            if self.corrupt:
                message = (f'{len(self.corrupt)} unreadable records of the spool '
                           f'{self._spool.path} (offsets '
                           f'{", ".join(str(start) for start, _ in self.corrupt)}) were '
                           f'moved to {self._spool.path}.corrupt; the others are replayed')
                log.warning(message)
                warnings.warn(message, SpoolCorruptWarning, stacklevel=2)
        self._thread = threading.Thread(target=self._run, name='influxpy-writer', daemon=True)
        self._thread.start()
        self._atexit = _exit_hook(weakref.ref(self))
        atexit.register(self._atexit)

    def __repr__(self) -> str:
        return f'<Writer {len(self._queue)} waiting, {self.written} written>'

    # -- the caller's side -----------------------------------------------------------

    def add(self, obj: Any, timeout: float | None = None) -> None:
        """Validate ``obj`` and queue it; blocks (or raises BufferFull) when the buffer is
        full."""
        self.add_many([obj], timeout=timeout)

    def add_many(self, objs: Iterable[Any], timeout: float | None = None) -> None:
        """Validate every point, then queue them (all or, on a ValidationError, none)."""
        with self._cond:
            self._raise_if_stopped()
        records = self._serialize(list(objs))
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            for target, line, point in records:
                while len(self._queue) >= self.max_buffer and not self._closed:
                    if not self.block:
                        raise BufferFull(f'{len(self._queue)} points are waiting for the '
                                         'server (max_buffer); the point was not queued')
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        raise BufferFull(f'the buffer stayed full for {timeout} s')
                    self._cond.wait(remaining)
                if self._closed:
                    raise InfluxPyError('the writer is closed')
                end = self._spool.append(target, line) if self._spool is not None else 0
                self._queue.append(Record(target, line, point, end))
                if len(self._queue) >= self.batch_size:
                    self._cond.notify_all()

    def _serialize(self, objs: list[Any]) -> list[tuple[Target, str, Any]]:
        groups: dict[Any, list[Any]] = {}
        for obj in objs:
            groups.setdefault(type(obj), []).append(obj)
        lines: dict[int, tuple[Target, str]] = {}
        for model, group in groups.items():
            where = model._meta.destination(self.using)
            where.connection.session  # noqa: B018 - built now: at interpreter exit imports fail
            target = Target(where.connection.alias, where.database, where.retention_policy,
                            where.precision)
            for obj, line in zip(group, serializer_for(model, where.precision).lines(group)):
                lines[id(obj)] = (target, line)
        return [(*lines[id(obj)], obj) for obj in objs]

    def flush(self, timeout: float | None = None) -> bool:
        """Send everything queued now; wait until it is stored or given up.

        Returns False if ``timeout`` passed first (the server is away; points wait).
        Raises WriteError if the writer stopped on an error retrying cannot fix."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._raise_if_stopped()
            self._flush_requested = True
            self._cond.notify_all()
            while self._queue or self._in_flight:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining)
                self._raise_if_stopped()
            self._flush_requested = False
        return True

    def _raise_if_stopped(self) -> None:
        if self._error is not None:
            where = (f'wait in the spool {self._spool.path}' if self._spool is not None
                     else 'are kept in the writer')
            raise WriteError(f'the writer stopped on {_describe(self._error)}; '
                             f'{len(self._queue)} points {where}') \
                from self._error

    def close(self, timeout: float | None = None) -> int:
        """Flush (waiting up to ``timeout``, default ``close_timeout``) and stop; return
        how many points were left unsent. A request still in flight then is not waited
        for. Points left stay in the spool (with a warning) or, without one, are raised
        in a WriteError: ``unknown`` for the batch in flight, ``unwritten`` for the rest."""
        if self._closed:
            return 0
        try:
            flushed = self.flush(self.close_timeout if timeout is None else timeout)
        except WriteError:
            flushed = False
        with self._cond:
            self._stopping.set()
            self._closed = True
            in_flight = [record.point for record in list(self._queue)[:self._in_flight]]
            left = [record.point for record in list(self._queue)[self._in_flight:]]
            self._cond.notify_all()
            if self._spool is not None:
                self._spool.close()  # under the lock: the thread no longer touches it
        self._thread.join(_JOIN_TIMEOUT)  # a request in flight is not waited for
        atexit.unregister(self._atexit)
        total = len(in_flight) + len(left)
        stopped = f' (the writer stopped on {_describe(self._error)})' if self._error else ''
        if self._spool is not None:
            if total:
                log.warning('%d points stay in the spool %s for the next writer%s', total,
                            self._spool.path, stopped)
            if self._error is not None:
                self._raise_if_stopped()
            return total
        if total and (not flushed or self._error is not None):
            raise WriteError(f'{total} points could not be written before close() '
                             f'{"stopped" if self._error else "timed out"}{stopped} (kept '
                             f'in .unwritten, and in .unknown those of the batch in flight, '
                             f'which the server may have stored)', unwritten=left,
                             unknown=in_flight) from self._error
        return total

    def _close_at_exit(self) -> None:
        with contextlib.suppress(InfluxPyError):
            self.close(timeout=10.0)

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- the background thread ----------------------------------------------------------

    def _run(self) -> None:
        """Send batches until closed. Never dies silently: an error retrying cannot fix
        stops the sending, is raised to the caller (add, flush, close), given to on_error."""
        backoff = self.retry_interval
        while True:
            with self._cond:
                deadline = time.monotonic() + self.flush_interval
                while not (self._closed or self._flush_requested
                           or len(self._queue) >= self.batch_size):
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self._cond.wait(remaining)
                if self._closed:
                    return  # close() flushed what it could; the rest is kept
                batch = [self._queue[i] for i in range(min(self.batch_size, len(self._queue)))]
                self._in_flight = len(batch)
            try:
                sent = self._send(batch) if batch else True
            except Exception as exc:  # noqa: BLE001 - reported, never a silent death
                self._stop(exc, batch)
                return
            failure: Exception | None = None
            with self._cond:
                if self._closed:
                    return  # close() gave up on this batch: it stays in the spool
                if sent:
                    for _ in batch:
                        self._queue.popleft()
                    if batch and self._spool is not None:
                        try:
                            self._spool.done(batch[-1].end, not self._queue)
                        except Exception as exc:  # noqa: BLE001 - a full disk…
                            failure = exc
                self._in_flight = 0
                self._cond.notify_all()
            if failure is not None:
                self._stop(failure, [])
                return
            if sent:
                backoff = self.retry_interval
            else:
                self._stopping.wait(backoff)  # the server is away: wait, then try again
                backoff = min(backoff * 2, self.max_retry_interval)

    def _stop(self, exc: Exception, batch: list[Record]) -> None:
        """Stop sending on ``exc``: the points stay queued (and spooled)."""
        log.error('the writer stopped, %d points wait: %s', len(self._queue), _describe(exc))
        with self._cond:
            self._error = exc
            self._in_flight = 0
            self._cond.notify_all()
        self._report(exc, [r.point for r in batch])

    def _report(self, exc: Exception, points: list[Any]) -> None:
        if self.on_error is not None:
            try:
                self.on_error(exc, points)
            except Exception:  # noqa: BLE001 - a callback must not stop the writer
                log.exception('the on_error callback failed')

    def _send(self, batch: list[Record]) -> bool:
        """Write ``batch``; False when the server is away (everything to retry)."""
        groups: dict[Target, list[Record]] = {}
        for record in batch:
            groups.setdefault(record.target, []).append(record)
        for target, records in groups.items():
            try:
                connection = get_connection(target.alias)
            except ConfigurationError:  # connect(alias) not called yet: wait for it
                self._unconfigured = self._unconfigured or time.monotonic()
                if time.monotonic() - self._unconfigured > self.connect_wait:
                    raise
                log.warning('no connection %r yet, %d points wait', target.alias,
                            len(self._queue))
                return False
            self._unconfigured = 0.0

            def write(start: int, end: int, records: list[Record] = records,
                      connection: Connection = connection, target: Target = target) -> None:
                payload = ('\n'.join(r.line for r in records[start:end]) + '\n').encode()
                connection.write(payload, database=target.database,
                                 retention_policy=target.retention_policy,
                                 precision=target.precision)
            try:
                failures = send_split(write, 0, len(records))
            except InfluxConnectionError as exc:
                log.warning('InfluxDB is away, %d points wait: %s', len(self._queue), exc)
                return False
            for _, _, error in failures:
                if error.status is None or error.status >= 500 or error.status == 429:
                    log.warning('InfluxDB failed, %d points wait: %s', len(self._queue), error)
                    return False
            for start, end, error in failures:
                self._refuse(target, records[start:end], error)
            self.written += len(records) - sum(end - start for start, end, _ in failures)
        return True

    def _refuse(self, target: Target, records: list[Record], exc: ServerError) -> None:
        """A part the server refused: not retried, kept in ``failed`` and the spool's
        ``.failed`` file, given to on_error."""
        points = [r.point for r in records]
        if self._spool is not None:
            self._spool.refused(target, [r.line for r in records])
        self.failed.append((exc, points))
        log.error('InfluxDB refused %d points: %s', len(points), exc)
        self._report(exc, points)


def _describe(exc: Exception) -> str:
    """The error's type and text (not its repr, which may hold the values it failed on)."""
    return f'{type(exc).__name__}: {exc}'


def _exit_hook(reference: weakref.ref[Writer]) -> Callable[[], None]:
    """Flush a writer still open at interpreter exit (without keeping it alive)."""
    def hook() -> None:
        found = reference()
        if found is not None:
            found._close_at_exit()
    return hook
