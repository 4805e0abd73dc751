"""Import CSV and line-protocol files.

An import streams: it reads, checks and writes ``batch_size`` lines at a time, so memory
stays constant whatever the size. It never stops at a bad line: each is reported with
its line number (``on_problem``) and every valid line is still written.

>>> report = import_file('readings.csv', model=Reading)
>>> print(report)
read 1,000 lines: 998 points written, 2 refused
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, TextIO

from ..write import DEFAULT_BATCH_SIZE
from .csv_import import read_csv
from .errors import ImportReport, RefusedLine, TransferError
from .importer import Importer
from .lp_import import read_line_protocol
from .progress import Progress, counted_lines

if TYPE_CHECKING:
    from ..models import InfluxMeasurement

# File extensions read as line protocol (any other is CSV).
LINE_PROTOCOL_EXTENSIONS = ('.lp', '.line', '.txt', '.influx')


def import_file(source: str | os.PathLike[str] | IO[bytes], *, format: str | None = None,
                model: type[InfluxMeasurement] | None = None, measurement: str | None = None,
                tags: Iterable[str] = (), database: str | None = None,
                retention_policy: str | None = None, using: str | None = None,
                precision: str = 'ns', batch_size: int = DEFAULT_BATCH_SIZE,
                on_problem: Callable[[RefusedLine], object] | None = None,
                progress: bool | None = None, progress_stream: TextIO | None = None,
                resume_from: int = 1) -> ImportReport:
    """Import a CSV or line-protocol file (a path, ``'-'`` for stdin, or a binary file).

    CSV: a header row with a ``time`` column (ISO-8601, or epoch integers in
    ``precision``); the other columns are a ``model``'s fields and tags (by attribute or
    column name) or, into a ``measurement``, fields whose type is taken from the server
    (when the field exists) or from the first value (numbers are floats, true/false
    booleans, the rest strings), and the ``tags`` named. Line protocol: lines written
    into ``measurement`` (or each to its own), or checked against ``model``.

    ``format`` is ``'csv'`` or ``'lp'`` (default: from the file name; ``.lp``, ``.line``
    and ``.txt`` are line protocol). Bad lines go to ``on_problem`` with their numbers;
    the others are written. A progress bar shows on a terminal (``progress=None``).

    If the server goes away, :class:`ImportInterrupted` says how far the import got;
    ``resume_from=N`` skips the lines before line ``N`` (a CSV's header is still read).
    """
    if model is None and measurement is None and format not in ('lp', None):
        raise TransferError('give a model or a measurement to import into')
    name = source if isinstance(source, (str, os.PathLike)) else getattr(source, 'name', '')
    kind = format or format_of(os.fspath(name) if isinstance(name, (str, os.PathLike))
                                else '')
    if kind not in ('csv', 'lp'):
        raise TransferError(f'unknown format {kind!r}: use csv or lp (line protocol)')
    if kind == 'csv' and model is None and not measurement:
        raise TransferError('a CSV needs a model or a measurement to import into')
    close = False
    binary: IO[bytes]
    if isinstance(source, (str, os.PathLike)):
        if os.fspath(source) == '-':
            binary = sys.stdin.buffer
        else:
            try:
                binary = open(source, 'rb')
            except OSError as exc:
                raise TransferError(f'cannot read {os.fspath(source)!r}: {exc.strerror}') \
                    from None
            close = True
    else:
        binary = source
    try:
        total = _size(binary)
        label = os.path.basename(os.fspath(name)) if name else 'import'
        with Progress(total, desc=label, enabled=progress, stream=progress_stream) as bar:
            importer = Importer(model=model, measurement=measurement, tags=tags,
                                database=database, retention_policy=retention_policy,
                                using=using, precision=precision, batch_size=batch_size,
                                on_problem=on_problem, progress=bar,
                                resume_from=resume_from)
            lines = counted_lines(binary, bar, importer.not_utf8)
            if kind == 'csv':
                return read_csv(importer, (line.lstrip('\ufeff') if i == 0 else line
                                           for i, line in enumerate(lines)))
            return read_line_protocol(importer, lines)
    finally:
        if close:
            binary.close()


def format_of(path: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    return 'lp' if ext in LINE_PROTOCOL_EXTENSIONS else 'csv'


def _size(binary: IO[bytes]) -> int | None:
    try:
        return os.fstat(binary.fileno()).st_size or None
    except (OSError, AttributeError, io.UnsupportedOperation):
        return None
