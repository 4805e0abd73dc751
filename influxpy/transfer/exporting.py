"""Export a measurement or a query's answer to CSV.

Streamed: each chunk of the server's answer is written as it arrives, so memory stays
constant whatever the size.

>>> with open('readings.csv', 'w', newline='') as out:
...     export_csv(out, measurement='readings')
"""

from __future__ import annotations

import contextlib
import csv
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from ..connection import get_connection
from ..exceptions import InfluxPyError
from ..quoting import quote_ident
from ..results import iter_series, records
from ..times import PRECISION_NS, rfc3339
from .errors import TransferError

TIME = 'time'


def format_time(ns: int) -> str:
    """RFC 3339, exact to the nanosecond (trailing zeros of the fraction dropped)."""
    text = rfc3339(ns)
    return text[:-1].rstrip('0').rstrip('.') + 'Z' if '.' in text else text


def csv_cell(value: Any) -> str:
    """A CSV cell: floats as ``repr`` (exact), booleans as true/false, None empty."""
    if value is None:
        return ''
    if value is True:
        return 'true'
    if value is False:
        return 'false'
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass
class ExportReport:
    rows: int
    columns: list[str]
    tags: list[str]

    def __str__(self) -> str:
        text = f'{self.rows:,} row{"s" if self.rows != 1 else ""} exported'
        if self.tags:
            text += f' (tags: {",".join(self.tags)} — import with --tags {",".join(self.tags)})'
        return text


def export_csv(out: TextIO, *, measurement: str | None = None, query: str | None = None,
               params: Mapping[str, Any] | None = None, database: str | None = None,
               retention_policy: str | None = None, using: str | None = None,
               epoch: str | None = None, chunk_size: int = 10_000) -> ExportReport:
    """Write a measurement (time, tags, fields) or an InfluxQL query's answer as CSV.

    Streamed: each chunk of the answer is written as it arrives. Times are RFC 3339 exact
    to the nanosecond, or epoch integers with ``epoch='ns'`` (or u, ms, s); floats are
    written so that they read back exactly.
    """
    if (measurement is None) == (query is None):
        raise TransferError('export a measurement or a query (one of them)')
    if epoch is not None and epoch not in PRECISION_NS:
        raise TransferError(f'epoch {epoch!r} is not one of {", ".join(PRECISION_NS)}')
    conn = get_connection(using or 'default')
    tags: list[str] = []
    fields_: list[str] = []
    if measurement is not None:
        source = (f'{quote_ident(retention_policy)}.' if retention_policy else '') + \
            quote_ident(measurement)
        tags = [row['tagKey'] for _, row in records(conn.query(
            f'SHOW TAG KEYS FROM {quote_ident(measurement)}', database=database, epoch=None))]
        fields_ = sorted({row['fieldKey'] for _, row in records(conn.query(
            f'SHOW FIELD KEYS FROM {source}', database=database, epoch=None))})
        if not fields_:
            raise TransferError(f'measurement {measurement!r} has no data'
                                + (f' in retention policy {retention_policy!r}'
                                   if retention_policy else ''))
        query = f'SELECT * FROM {source}'
    assert query is not None
    writer = csv.writer(out, lineterminator='\n')
    header: list[str] | None = None
    if measurement is not None:
        header = [TIME, *tags, *fields_]
        writer.writerow(header)
    divisor = PRECISION_NS[epoch] if epoch else 1
    rows = 0
    layouts: dict[tuple[tuple[str, ...], tuple[str, ...]], list[tuple[str, Any]]] = {}
    for series in iter_series(conn.query_chunks(query, params=params, database=database,
                                                epoch='ns', chunk_size=chunk_size)):
        columns = tuple(series.get('columns') or ())
        series_tags = series.get('tags') or {}
        key = (columns, tuple(sorted(series_tags)))
        layout = layouts.get(key)
        if layout is None:
            if header is None:
                header = ([TIME] if TIME in columns else []) + sorted(series_tags) + \
                    [c for c in columns if c != TIME]
                writer.writerow(header)
            layout = layouts[key] = _layout(header, columns, series_tags)
        for values in series.get('values') or ():
            cells = []
            for source_kind, where in layout:
                if source_kind == 'tag':
                    cells.append(series_tags.get(where) or '')
                elif source_kind == 'time':
                    ns = values[where]
                    cells.append(str(ns // divisor) if epoch else format_time(ns))
                else:
                    cells.append(csv_cell(values[where]))
            writer.writerow(cells)
            rows += 1
    return ExportReport(rows, header or [], tags)


def export_csv_file(path: str, **options: Any) -> ExportReport:
    """:func:`export_csv` into the file ``path``, which appears only when the export is
    complete: an export the server stops (or any error) leaves no empty or partial file."""
    folder, name = os.path.split(os.path.abspath(path))
    # Opened by name (not mkstemp) so the file gets the usual permissions.
    partial = os.path.join(folder, f'.{name}.{os.getpid()}.{time.time_ns()}.part')
    try:
        with open(partial, 'x', newline='', encoding='utf-8') as out:
            report = export_csv(out, **options)
        os.replace(partial, path)
    except OSError as exc:
        if isinstance(exc, InfluxPyError):
            raise  # a connection error is an OSError too; it is not the file's
        raise TransferError(f'cannot write {path!r}: {exc.strerror}') from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
    return report


def _layout(header: list[str], columns: Sequence[str], tags: Mapping[str, Any]
            ) -> list[tuple[str, Any]]:
    """Where each header cell comes from: ``('time'|'value', column index)`` or
    ``('tag', tag key)``."""
    layout: list[tuple[str, Any]] = []
    for name in header:
        if name in columns:
            layout.append(('time' if name == TIME else 'value', list(columns).index(name)))
        else:
            layout.append(('tag', name))  # a tag of this series, or empty
    extra = [c for c in columns if c not in header] + [t for t in tags if t not in header]
    if extra:
        raise TransferError(f'the answer has series with other columns ({", ".join(extra)}) '
                            f'than the first ({", ".join(header)}): export one query per shape')
    return layout
