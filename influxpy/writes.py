"""Sending validated points: one call for ``save()``, ``create()`` and ``bulk_create()``.

Every point is serialized — and so validated — before the first byte is sent; a
ValidationError leaves the server untouched. A batch the server refuses does not stop
the batches after it; the error raised at the end lists every point not written.
Retrying a write is safe: a point with the same measurement, tags and time overwrites
itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .connection import Connection, get_connection
from .exceptions import InfluxConnectionError, ServerError, ValidationError, WriteError
from .lineprotocol import serializer_for

if TYPE_CHECKING:
    from .models import InfluxMeasurement

DEFAULT_BATCH_SIZE = 5000


def connection_for(model: type[InfluxMeasurement], using: str | None = None) -> Connection:
    return get_connection(using or model._meta.using)


def write_points(model: type[InfluxMeasurement], objs: Iterable[InfluxMeasurement], *,
                 using: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE) -> int:
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
    connection = connection_for(model, using)
    precision = meta.precision or connection.settings.precision
    lines = serializer_for(model, precision).lines(points)  # validates every point
    failures: list[tuple[int, int, ServerError]] = []
    for start in range(0, len(lines), batch_size):
        end = min(start + batch_size, len(lines))
        payload = ('\n'.join(lines[start:end]) + '\n').encode()
        try:
            connection.write(payload, database=meta.database,
                             retention_policy=meta.retention_policy, precision=precision)
        except InfluxConnectionError as exc:
            failures.append((start, len(lines), ServerError(str(exc))))
            break
        except ServerError as exc:
            failures.append((start, end, exc))
    if failures:
        unwritten = [p for start, end, _ in failures for p in points[start:end]]
        first = failures[0][2]
        raise WriteError(
            f'{len(unwritten)} of {len(points)} {meta.model_name} points were not written '
            f'(kept in .unwritten): {first.message}', status=first.status, unwritten=unwritten)
    return len(points)
