"""Sending validated points: one call for ``save()``, ``create()`` and ``bulk_create()``.

Every point is serialized — and so validated — before the first byte is sent; a
ValidationError leaves the server untouched. A batch the server refuses does not stop
the batches after it; the error raised at the end lists every point not written.
Retrying a write is safe: a point with the same measurement, tags and time overwrites
itself.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from ..exceptions import (
    InfluxConnectionError,
    InfluxTimeoutError,
    ServerError,
    ValidationError,
    WriteError,
)
from ..fields import ANY, BOOLEAN, FLOAT, STRING, Field
from ..lineprotocol import serializer_for

if TYPE_CHECKING:
    from ..models import InfluxMeasurement

DEFAULT_BATCH_SIZE = 5000
Failure = tuple[int, int, ServerError]  # points[start:end] and why the server refused them
# Batches serialized and sent at once: one builds while the server ingests another.
DEFAULT_WORKERS = 3
# "field type conflict: input field \"v\" on measurement \"m\" is type integer, …"
_CONFLICT = re.compile(r'input field "((?:[^"\\]|\\.)*)" on measurement "(?:[^"\\]|\\.)*" '
                       r'is type (\w+)')


def write_points(model: type[InfluxMeasurement], objs: Iterable[InfluxMeasurement], *,
                 using: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                 workers: int = DEFAULT_WORKERS) -> int:
    """Validate and write instances of ``model``; return how many were written."""
    meta = model._meta
    if meta.abstract:
        raise ValidationError(f'{meta.model_name} is abstract: it has no measurement to '
                              'write to', model=meta.model_name)
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValidationError(f'batch_size={batch_size!r} must be a positive integer')
    points = objs if isinstance(objs, list) else list(objs)
    if not points:
        return 0
    where = meta.destination(using)
    connection, precision = where.connection, where.precision
    serializer = serializer_for(model, precision)
    serializer.check(points)  # every value is validated before the first byte is sent

    def write(start: int, end: int) -> None:
        payload = ('\n'.join(serializer.lines(points[start:end])) + '\n').encode()
        connection.write(payload, database=where.database,
                         retention_policy=where.retention_policy, precision=precision)

    def send(start: int, end: int) -> list[Failure]:
        return send_split(write, start, end)

    failures = _send_batches(send, len(points), batch_size, workers)
    if failures:
        unknown = [p for start, end, exc in failures if isinstance(exc, _Unknown)
                   for p in points[start:end]]
        unwritten = [p for start, end, exc in failures if not isinstance(exc, _Unknown)
                     for p in _refused(model, points[start:end], exc)]
        first = failures[0][2]
        maybe = (f'; {len(unknown)} more are unknown (kept in .unknown: their batch timed '
                 'out, the server may have stored them)' if unknown else '')
        raise WriteError(
            f'{len(unwritten)} of {len(points)} {meta.model_name} points were not written '
            f'(kept in .unwritten){maybe}: {first.message}', status=first.status,
            unwritten=unwritten, unknown=unknown)
    return len(points)


class _Unknown(ServerError):
    """A batch's request timed out: the server may have stored it, or not."""


def send_split(write: Callable[[int, int], None], start: int, end: int) -> list[Failure]:
    """``write(start, end)``, halving a range the server finds too large (413) until it
    fits; return the ranges the server refused. A connection error propagates."""
    try:
        write(start, end)
    except ServerError as exc:
        if exc.status == 413 and end - start > 1:
            middle = (start + end) // 2
            return send_split(write, start, middle) + send_split(write, middle, end)
        return [(start, end, exc)]
    return []


def _send_batches(send: Callable[[int, int], list[Failure]], total: int, batch_size: int,
                  workers: int) -> list[Failure]:
    """Call ``send(start, end)`` for each batch; return the ranges that failed.

    Batches after the first are serialized and sent by ``workers`` threads, so the next
    batch is built while the server ingests this one. A refused batch does not stop
    the others; an unreachable server stops everything not yet sent.
    """
    failures: list[Failure] = []
    settled: set[int] = set()
    lost: ServerError | None = None

    def settle(start: int, end: int, call: Callable[[], list[Failure]]) -> None:
        nonlocal lost
        settled.add(start)
        try:
            failures.extend(call())
        except InfluxConnectionError as exc:
            lost = ServerError(str(exc))
            failures.append((start, end, _Unknown(str(exc)) if isinstance(
                exc, InfluxTimeoutError) else lost))
        except ServerError as exc:
            failures.append((start, end, exc))

    bounds = [(start, min(start + batch_size, total)) for start in range(0, total, batch_size)]
    if len(bounds) == 1 or workers <= 1:
        for start, end in bounds:
            settle(start, end, lambda: send(start, end))  # noqa: B023 - called at once
            if lost is not None:
                break
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix='influxpy-write') as pool:
            pending: deque[tuple[int, int, Future[list[Failure]]]] = deque()
            for start, end in bounds:
                if lost is not None:
                    break
                pending.append((start, end, pool.submit(send, start, end)))
                while len(pending) > workers:  # bounded memory: a few batches in flight
                    s, e, future = pending.popleft()
                    settle(s, e, future.result)
            while pending:
                s, e, future = pending.popleft()
                settle(s, e, future.result)
    if lost is not None:
        failures += [(s, e, lost) for s, e in bounds if s not in settled]
    failures.sort(key=lambda item: item[0])
    return failures


def _line_type(field: Field, value: Any) -> str:
    """The type line protocol gives ``value``, in the server's words."""
    if value is None:
        return 'none'
    kind = field.kind
    if kind == ANY:  # an untyped field writes each value as its own type
        kind = BOOLEAN if value is True or value is False else \
            STRING if isinstance(value, str) else FLOAT
    return kind


def _refused(model: type[InfluxMeasurement], batch: Sequence[InfluxMeasurement],
             error: ServerError) -> list[InfluxMeasurement]:
    """The points of a refused batch that the server did not store.

    A field type conflict is a partial write: only the points whose value has the
    refused type were dropped, and the message says which field and type. For any
    other refusal every point of the batch is reported (writing a point again is
    harmless: it overwrites itself).
    """
    match = _CONFLICT.search(error.message) if error.status == 400 else None
    if not match:
        return list(batch)
    try:
        column = json.loads(f'"{match.group(1)}"')
    except ValueError:
        column = match.group(1)
    field = model._meta.by_db_name.get(column)
    if field is None:
        return list(batch)
    refused_type = match.group(2)
    return [p for p in batch if _line_type(field, p.__dict__.get(field.name)) == refused_type]
