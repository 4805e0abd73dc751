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
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .connection import Connection, get_connection
from .exceptions import InfluxConnectionError, ServerError, ValidationError, WriteError
from .fields import Field, IntegerField
from .lineprotocol import serializer_for

if TYPE_CHECKING:
    from .models import InfluxMeasurement

DEFAULT_BATCH_SIZE = 5000
# "field type conflict: input field \"v\" on measurement \"m\" is type integer, …"
_CONFLICT = re.compile(r'input field "((?:[^"\\]|\\.)*)" on measurement "(?:[^"\\]|\\.)*" '
                       r'is type (\w+)')


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
    payloads = serializer_for(model, precision).payloads(points, batch_size)  # validates all
    failures: list[tuple[int, int, ServerError]] = []
    for number, payload in enumerate(payloads):
        start = number * batch_size
        end = min(start + batch_size, len(points))
        try:
            connection.write(payload, database=meta.database,
                             retention_policy=meta.retention_policy, precision=precision)
        except InfluxConnectionError as exc:
            failures.append((start, len(points), ServerError(str(exc))))
            break
        except ServerError as exc:
            failures.append((start, end, exc))
    if failures:
        unwritten = [p for start, end, exc in failures
                     for p in _refused(model, points[start:end], exc)]
        first = failures[0][2]
        raise WriteError(
            f'{len(unwritten)} of {len(points)} {meta.model_name} points were not written '
            f'(kept in .unwritten): {first.message}', status=first.status, unwritten=unwritten)
    return len(points)


def _line_type(field: Field, value: Any) -> str:
    """The type line protocol gives ``value``, in the server's words."""
    if value is None:
        return 'none'
    if isinstance(value, bool) or type(value).__name__ == 'bool_':
        return 'boolean'
    if isinstance(value, str):
        return 'string'
    return 'integer' if isinstance(field, IntegerField) else 'float'


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
