"""Import CSV and line-protocol files, export measurements and queries to CSV.

Both directions stream: an import reads, checks and writes ``batch_size`` lines at a
time, an export writes each chunk of the server's answer as it arrives, so memory stays
constant whatever the size. An import never stops at a bad line: each is reported with
its line number (``on_problem``) and every valid line is still written.

>>> report = import_file('readings.csv', model=Reading)
>>> print(report)
read 1,000 lines: 998 points written, 2 refused
>>> with open('readings.csv', 'w', newline='') as out:
...     export_csv(out, measurement='readings')
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import io
import math
import os
import re
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, TextIO

from . import fields as f
from . import times
from .connection import Connection, get_connection
from .exceptions import (
    InfluxConnectionError,
    InfluxPyError,
    NaiveDatetimeWarning,
    ServerError,
    ValidationError,
    WriteError,
)
from .line_parser import logical_lines, parse_line, strip_line
from .lineprotocol import format_line
from .quoting import quote_ident
from .times import (
    INT64_MAX,
    INT64_MIN,
    MAX_NS,
    MIN_NS,
    PRECISION_NS,
    parse_iso,
    rfc3339,
    unique_now_ns,
)

if TYPE_CHECKING:
    from .models import InfluxMeasurement

DEFAULT_BATCH_SIZE = 5000
# Problems kept on the report; all are passed to ``on_problem``.
KEPT_PROBLEMS = 1000
TIME = 'time'
_BOOLEANS = {'t': True, 'true': True, 'f': False, 'false': False}
_NUMBER = re.compile(r'[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?')
_INTEGER = re.compile(r'[+-]?\d+')


class TransferError(InfluxPyError):
    """A file cannot be imported or exported as asked (nothing was written)."""


class ImportInterrupted(TransferError):
    """The server went away during an import: the lines before ``resume_from`` were
    written (or reported as refused); from it on nothing is known to be written, so
    importing again with ``resume_from`` (``--resume-from``) loses and repeats nothing
    that matters (a point written twice overwrites itself)."""

    def __init__(self, cause: Exception, report: ImportReport, resume_from: int) -> None:
        super().__init__(f'{cause}: {report.written:,} point(s) written; lines from '
                         f'{resume_from} on are not known to be written: import again with '
                         f'--resume-from {resume_from} (resume_from={resume_from})')
        self.report = report
        self.resume_from = resume_from


@dataclass(frozen=True)
class Problem:
    """A line that was not written, and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f'line {self.line}: {self.message}'


@dataclass
class ImportReport:
    """What an import did: lines ``read``, points ``written``, lines ``refused``."""

    read: int = 0
    written: int = 0
    refused: int = 0
    naive_times: int = 0
    naive_zone: str = 'UTC'  # the zone they were read in (times.make_aware's rule)
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        text = (f'read {self.read:,} line{"s" if self.read != 1 else ""}: '
                f'{self.written:,} point{"s" if self.written != 1 else ""} written, '
                f'{self.refused:,} refused')
        if self.naive_times:
            many = self.naive_times != 1
            text += (f' ({self.naive_times:,} time{"s" if many else ""} without a time zone '
                     f'{"were" if many else "was"} read in {self.naive_zone})')
        return text


# -- progress -------------------------------------------------------------------------

class Progress:
    """A progress bar on a terminal: tqdm when installed, else a small one of our own.

    Disabled (every call does nothing) when ``enabled`` is false; ``None`` means "when
    ``stream`` is a terminal".
    """

    def __init__(self, total: int | None, *, desc: str = '', unit: str = 'B',
                 enabled: bool | None = None, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, 'isatty', lambda: False)())
        self.enabled = enabled
        self.total = total
        self.desc = desc
        self.done = 0
        self._tqdm: Any = None
        self._shown = 0.0
        if enabled:
            try:
                # Imported by name: tqdm is optional, and its type stubs may be missing.
                tqdm = importlib.import_module('tqdm').tqdm
            except ImportError:
                pass
            else:
                self._tqdm = tqdm(total=total, desc=desc, unit=unit, unit_scale=True,
                                  file=self.stream, leave=True)

    def update(self, amount: int) -> None:
        if not self.enabled:
            return
        self.done += amount
        if self._tqdm is not None:
            self._tqdm.update(amount)
            return
        now = time.monotonic()
        if now - self._shown >= 0.1 or (self.total and self.done >= self.total):
            self._shown = now
            self._draw()

    def _draw(self) -> None:
        width = 30
        if self.total:
            share = min(1.0, self.done / self.total)
            filled = int(width * share)
            bar = f'[{"#" * filled}{"." * (width - filled)}] {share:4.0%}'
        else:
            bar = f'{self.done:,}'
        self.stream.write(f'\r{self.desc} {bar}'.lstrip())
        self.stream.flush()

    def write(self, text: str) -> None:
        """Print a line above the bar (or just print it when there is no bar)."""
        if self._tqdm is not None:
            self._tqdm.write(text, file=self.stream)
            return
        if self.enabled:
            self.stream.write('\r\x1b[K')
        self.stream.write(text + '\n')
        if self.enabled:
            self._draw()
        self.stream.flush()

    @contextlib.contextmanager
    def suspended(self) -> Iterator[None]:
        """Hide the bar while the caller prints, then draw it again."""
        if not self.enabled:
            yield
        elif self._tqdm is not None:
            with self._tqdm.external_write_mode(file=self.stream):
                yield
        else:
            self.stream.write('\r\x1b[K')
            self.stream.flush()
            yield
            self._draw()

    def close(self) -> None:
        if not self.enabled:
            return
        if self._tqdm is not None:
            self._tqdm.close()
            return
        self._draw()
        self.stream.write('\n')
        self.stream.flush()
        self.enabled = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _counted_lines(binary: IO[bytes], progress: Progress,
                   not_utf8: dict[int, str]) -> Iterator[str]:
    """The decoded lines of a binary file, advancing ``progress`` by their bytes.

    A line that is not UTF-8 is never changed silently: its number and why go into
    ``not_utf8`` (the importer refuses it) and it is decoded with surrogate escapes only
    so that the lines after it are still split right.
    """
    for line_no, raw in enumerate(binary, 1):
        progress.update(len(raw))
        try:
            yield raw.decode('utf-8')
        except UnicodeDecodeError as exc:
            not_utf8[line_no] = (f'not UTF-8 (byte 0x{raw[exc.start]:02x} at column '
                                 f'{exc.start + 1})')
            yield raw.decode('utf-8', 'surrogateescape')


# -- values -----------------------------------------------------------------------------

def parse_time(text: str, precision: str = 'ns') -> tuple[int, bool]:
    """``(epoch ns, naive)`` from ISO-8601 text or an epoch integer in ``precision``."""
    text = text.strip()
    if _INTEGER.fullmatch(text):
        ns = int(text) * PRECISION_NS[precision]
        naive = False
    else:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always', NaiveDatetimeWarning)
            try:
                ns = parse_iso(text)
            except (ValueError, OverflowError):
                raise ValueError(f'{text!r} is not a time (ISO-8601 or epoch '
                                 f'{precision})') from None
        naive = any(issubclass(w.category, NaiveDatetimeWarning) for w in caught)
    if not MIN_NS <= ns <= MAX_NS:
        raise ValueError(f'{text!r} is outside the times InfluxDB stores (1677 to 2262)')
    return ns, naive


def _float(text: str) -> float:
    if not _NUMBER.fullmatch(text.strip()):
        raise ValueError(f'{text!r} is not a number')
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f'{text!r} is too large a number')
    return number


def _integer(text: str) -> int:
    if not _INTEGER.fullmatch(text.strip()):
        raise ValueError(f'{text!r} is not an integer')
    number = int(text)
    if not INT64_MIN <= number <= INT64_MAX:
        raise ValueError(f'{text!r} is outside the 64-bit integer range')
    return number


def _boolean(text: str) -> bool:
    found = _BOOLEANS.get(text.strip().lower())
    if found is None:
        raise ValueError(f'{text!r} is not true or false')
    return found


def infer_value(text: str) -> float | bool | str:
    """A CSV cell without a declared type: a number is a float, true/false a boolean,
    anything else a string."""
    stripped = text.strip()
    if _NUMBER.fullmatch(stripped):
        return _float(stripped)
    lowered = stripped.lower()
    if lowered in ('true', 'false'):
        return lowered == 'true'
    return text


# Parsers by kind of column (influxpy.fields' kinds; ANY: an untyped field).
_PARSERS: dict[str, Callable[[str], Any]] = {
    f.FLOAT: _float, f.INTEGER: _integer, f.BOOLEAN: _boolean, f.STRING: str,
    f.TAG: str, f.ANY: infer_value}




# -- writing in batches ----------------------------------------------------------------------

class _Sink:
    """Collects ``(line number, point)`` and writes them ``batch_size`` at a time."""

    def __init__(self, report: ImportReport, problem: Callable[[int, str], None],
                 batch_size: int) -> None:
        self.report = report
        self.problem = problem
        self.batch_size = batch_size
        self.batch: list[tuple[int, Any]] = []

    def add(self, line_no: int, point: Any) -> None:
        self.batch.append((line_no, point))
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        try:
            self.report.written += self._write(batch)
        except (InfluxConnectionError, ServerError) as exc:
            # Not a refusal of some lines (those are reported and the import goes on):
            # the server is away. Batches go in order, so all before this one is done.
            left = batch
            if isinstance(exc, WriteError) and (exc.unwritten or exc.unknown):
                pending = {id(p) for p in (*exc.unwritten, *exc.unknown)}
                left = [(no, p) for no, p in batch if id(p) in pending]
                self.report.written += len(batch) - len(left)
            raise ImportInterrupted(exc, self.report, min(no for no, _ in left)) from None

    def _write(self, batch: list[tuple[int, Any]]) -> int:
        raise NotImplementedError


class _ModelSink(_Sink):
    def __init__(self, model: type[InfluxMeasurement], using: str | None,
                 *args: Any) -> None:
        super().__init__(*args)
        self.model = model
        self.using = using

    def _write(self, batch: list[tuple[int, Any]]) -> int:
        try:
            return self.model.series.bulk_create([obj for _, obj in batch],
                                                 batch_size=len(batch), using=self.using)
        except WriteError as exc:
            if exc.status is None:
                raise  # the server is unreachable: stop rather than refuse every line
            lines = {id(obj): no for no, obj in batch}
            for obj in exc.unwritten:
                self.problem(lines[id(obj)], f'the server refused the point: {exc.message}')
            return len(batch) - len(exc.unwritten)


class _LineSink(_Sink):
    """Writes lines of line protocol; a batch the server refuses is sent again line by
    line, so exactly the refused lines are reported."""

    def __init__(self, connection: Connection, database: str | None,
                 retention_policy: str | None, *args: Any) -> None:
        super().__init__(*args)
        self.connection = connection
        self.database = database
        self.retention_policy = retention_policy

    def _send(self, lines: Sequence[str]) -> None:
        self.connection.write(('\n'.join(lines) + '\n').encode(), database=self.database,
                              retention_policy=self.retention_policy, precision='ns')

    def _write(self, batch: list[tuple[int, Any]]) -> int:
        try:
            self._send([text for _, text in batch])
            return len(batch)
        except ServerError as exc:
            if exc.status != 400:
                raise
            if len(batch) == 1:
                self.problem(batch[0][0], f'the server refused the line: {exc.message}')
                return 0
        written = 0
        for no, text in batch:
            try:
                self._send([text])
                written += 1
            except ServerError as exc:
                if exc.status != 400:
                    raise
                self.problem(no, f'the server refused the line: {exc.message}')
        return written


# -- import ---------------------------------------------------------------------------------

def _model_column(model: type[InfluxMeasurement], name: str) -> f.Field | None:
    meta = model._meta
    return meta.all_fields.get(name) or meta.by_db_name.get(name)


class _Importer:
    def __init__(self, *, model: type[InfluxMeasurement] | None, measurement: str | None,
                 tags: Iterable[str], database: str | None, retention_policy: str | None,
                 using: str | None, precision: str, batch_size: int,
                 on_problem: Callable[[Problem], object] | None, progress: Progress,
                 resume_from: int = 1) -> None:
        if model is not None and (measurement or database or retention_policy):
            raise TransferError(f'{model.__name__} writes to its own measurement, database '
                                'and retention policy: give a model or a measurement, not both')
        if model is not None and tags:
            raise TransferError(f'{model.__name__} declares its tags; --tags is for imports '
                                'without a model')
        if precision not in PRECISION_NS:
            raise TransferError(f'precision {precision!r} is not one of '
                                f'{", ".join(PRECISION_NS)}')
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise TransferError(f'batch_size={batch_size!r} must be a positive integer')
        if isinstance(resume_from, bool) or not isinstance(resume_from, int) or resume_from < 1:
            raise TransferError(f'resume_from={resume_from!r} must be a line number (1 or more)')
        self.resume_from = resume_from
        self.model = model
        self.measurement = measurement
        self.tags = set(tags)
        self.precision = precision
        self.on_problem = on_problem
        self.progress = progress
        self.report = ImportReport()
        self.connection = get_connection(using or (model._meta.using if model else 'default'))
        self.database = database
        self.kinds: dict[str, str] = {}
        self.not_utf8: dict[int, str] = {}  # line number -> why, filled while reading
        self.sink: _Sink
        if model is not None:
            self.sink = _ModelSink(model, using, self.report, self.problem, batch_size)
        else:
            self.sink = _LineSink(self.connection, database, retention_policy, self.report,
                                  self.problem, batch_size)

    def problem(self, line_no: int, message: str) -> None:
        self.report.refused += 1
        item = Problem(line_no, message)
        if len(self.report.problems) < KEPT_PROBLEMS:
            self.report.problems.append(item)
        if self.on_problem is not None:
            with self.progress.suspended():
                self.on_problem(item)

    def now(self) -> int:
        """A time for a line without one: now, strictly increasing."""
        return unique_now_ns()

    def add_model_point(self, line_no: int, values: dict[str, Any], ns: int) -> None:
        assert self.model is not None
        try:
            obj = self.model(time=ns, **values)
            obj.full_clean()
        except ValidationError as exc:
            self.problem(line_no, str(exc))
            return
        self.sink.add(line_no, obj)

    def add_line(self, line_no: int, measurement: str, tags: dict[str, str],
                 values: dict[str, Any], ns: int) -> None:
        try:
            line = format_line(measurement, tags, values, ns)
        except ValidationError as exc:
            self.problem(line_no, str(exc))
            return
        self.sink.add(line_no, line)

    def server_field_types(self, measurement: str) -> dict[str, str]:
        """``{field: type}`` of a measurement already on the server (first type wins)."""
        statement = f'SHOW FIELD KEYS FROM {quote_ident(measurement)}'
        out: dict[str, str] = {}
        for result in self.connection.query(statement, database=self.database, epoch=None):
            for series in result.get('series') or ():
                for key, kind in series.get('values') or ():
                    out.setdefault(key, kind)
        return out

    # -- CSV -------------------------------------------------------------------------

    def csv(self, lines: Iterable[str]) -> ImportReport:
        reader = csv.reader(lines)
        header = next(reader, None)
        if header is None:
            return self.report
        if len(set(header)) != len(header):
            raise TransferError(f'the CSV header repeats a column: {header!r}')
        if TIME not in header:
            raise TransferError(f"the CSV has no 'time' column; its columns: {header!r}")
        time_index = header.index(TIME)
        columns = self._csv_columns(header)
        last = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                # csv's own limit (a cell over csv.field_size_limit() bytes): the record
                # is refused and reading goes on with the next line.
                if reader.line_num < self.resume_from:
                    last = reader.line_num
                    continue
                self.report.read += 1
                big = 'field larger than field limit' in str(exc)
                self.problem(reader.line_num, f'cell over {csv.field_size_limit()} bytes'
                             if big else f'not CSV: {exc}')
                last = reader.line_num
                continue
            first, last = last + 1, reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()) or last < self.resume_from:
                continue
            self.report.read += 1
            bad = next((n for n in range(first, last + 1) if n in self.not_utf8), None)
            if bad is not None:
                self.problem(bad, self.not_utf8[bad])
                continue
            self._csv_row(last, header, columns, time_index, row)
        self.sink.flush()
        return self.report

    def _csv_columns(self, header: list[str]) -> list[tuple[str, str, str] | None]:
        """Per column: ``(name to write, kind, db name)``, or None for time and unknown
        columns (a value there is reported)."""
        columns: list[tuple[str, str, str] | None] = []
        if self.model is not None:
            meta = self.model._meta
            found = {name: _model_column(self.model, name) for name in header if name != TIME}
            present = {x.name for x in found.values() if x is not None}
            required = [x.db_name for x in meta.all_fields.values()
                        if not x.null and not x.has_default() and x.name not in present]
            if required:
                raise TransferError(
                    f'{meta.model_name} requires the column(s) {", ".join(required)}, which '
                    f'the CSV lacks; its columns: {", ".join(header)}')
            for name in header:
                x = found.get(name)
                columns.append(None if x is None else (x.name, x.kind, x.db_name))
            return columns
        missing = sorted(self.tags - set(header))
        if missing:
            raise TransferError(f'tag column(s) {", ".join(missing)} are not in the CSV; its '
                                f'columns: {", ".join(header)}')
        assert self.measurement is not None
        self.kinds = self.server_field_types(self.measurement)
        for name in header:
            if name == TIME:
                columns.append(None)
            elif name in self.tags:
                columns.append((name, 'tag', name))
            else:
                columns.append((name, self.kinds.get(name, ''), name))
        return columns

    def _csv_row(self, line_no: int, header: list[str],
                 columns: list[tuple[str, str, str] | None], time_index: int,
                 row: list[str]) -> None:
        if len(row) != len(header):
            if len(row) < len(header):
                lacking = ', '.join(map(repr, header[len(row):]))
                self.problem(line_no, f'{len(row)} values for {len(header)} columns: '
                                      f'missing column(s) {lacking}')
            else:
                self.problem(line_no, f'{len(row)} values for {len(header)} columns')
            return
        text = row[time_index]
        if not text.strip():
            self.problem(line_no, 'no time')
            return
        try:
            ns, naive = parse_time(text, self.precision)
        except ValueError as exc:
            self.problem(line_no, f'time: {exc}')
            return
        self.report.naive_times += naive
        if naive:
            self.report.naive_zone = str(times.settings.naive_rule.zone())
        tags: dict[str, str] = {}
        values: dict[str, Any] = {}
        for i, column in enumerate(columns):
            cell = row[i]
            if i == time_index or cell == '':
                continue
            if column is None:
                assert self.model is not None  # only a model's CSV has unknown columns
                self.problem(line_no, f'unknown field {header[i]!r} (= {cell!r}); '
                                      f'{self.model.__name__} has: '
                                      f'{", ".join(self.model._meta.all_fields)} and time')
                return
            name, kind, db_name = column
            if self.model is None and not kind:
                kind = self.kinds[db_name] = _inferred_kind(cell)
                columns[i] = (name, kind, db_name)
            try:
                value = _PARSERS[kind](cell)
            except ValueError as exc:
                what = 'tag' if kind == 'tag' else f'{kind} field'
                self.problem(line_no, f'{exc} ({what} {db_name!r})')
                return
            if kind == 'tag':
                tags[name] = value
            else:
                values[name] = value
        if self.model is not None:
            self.add_model_point(line_no, {**tags, **values}, ns)
        elif not values:
            self.problem(line_no, 'no field value (every non-tag column is empty)')
        else:
            assert self.measurement is not None
            self.add_line(line_no, self.measurement, tags, values, ns)

    # -- line protocol --------------------------------------------------------------

    def line_protocol(self, lines: Iterable[str]) -> ImportReport:
        for line_no, text in logical_lines(lines):
            text = strip_line(text)
            if not text or text.startswith('#') or line_no < self.resume_from:
                continue
            self.report.read += 1
            bad = next((n for n in range(line_no, line_no + text.count('\n') + 1)
                        if n in self.not_utf8), None)
            if bad is not None:
                self.problem(bad, self.not_utf8[bad])
                continue
            try:
                parsed = parse_line(text, self.precision)
            except ValueError as exc:
                self.problem(line_no, str(exc))
                continue
            ns = parsed.time if parsed.time is not None else self.now()
            if self.model is None:
                self.add_line(line_no, self.measurement or parsed.measurement,
                              parsed.tags, parsed.fields, ns)
                continue
            values: dict[str, Any] = {}
            unknown = []
            for key, value in (*parsed.tags.items(), *parsed.fields.items()):
                found = _model_column(self.model, key)
                if found is None or found.is_tag != (key in parsed.tags):
                    unknown.append(key)
                else:
                    values[found.name] = value
            if unknown:
                meta = self.model._meta
                self.problem(line_no, f'unknown field or tag {", ".join(map(repr, unknown))}; '
                                      f'{meta.model_name} has tags {", ".join(meta.tags)} and '
                                      f'fields {", ".join(meta.fields)}')
                continue
            self.add_model_point(line_no, values, ns)
        self.sink.flush()
        return self.report


def _inferred_kind(cell: str) -> str:
    value = infer_value(cell)
    if isinstance(value, bool):
        return f.BOOLEAN
    return f.FLOAT if isinstance(value, float) else f.STRING


def import_file(source: str | os.PathLike[str] | IO[bytes], *, format: str | None = None,
                model: type[InfluxMeasurement] | None = None, measurement: str | None = None,
                tags: Iterable[str] = (), database: str | None = None,
                retention_policy: str | None = None, using: str | None = None,
                precision: str = 'ns', batch_size: int = DEFAULT_BATCH_SIZE,
                on_problem: Callable[[Problem], object] | None = None,
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
    kind = format or _format_of(os.fspath(name) if isinstance(name, (str, os.PathLike))
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
            importer = _Importer(model=model, measurement=measurement, tags=tags,
                                 database=database, retention_policy=retention_policy,
                                 using=using, precision=precision, batch_size=batch_size,
                                 on_problem=on_problem, progress=bar,
                                 resume_from=resume_from)
            lines = _counted_lines(binary, bar, importer.not_utf8)
            if kind == 'csv':
                return importer.csv(line.lstrip('\ufeff') if i == 0 else line
                                    for i, line in enumerate(lines))
            return importer.line_protocol(lines)
    finally:
        if close:
            binary.close()


def _format_of(path: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    return 'lp' if ext in ('.lp', '.line', '.txt', '.influx') else 'csv'


def _size(binary: IO[bytes]) -> int | None:
    try:
        return os.fstat(binary.fileno()).st_size or None
    except (OSError, AttributeError, io.UnsupportedOperation):
        return None


# -- export ---------------------------------------------------------------------------------

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


def add_export_arguments(parser: Any) -> None:
    """The export options, shared by ``python -m influxpy export`` and Django's
    ``influxpy_export`` (an argparse parser)."""
    parser.add_argument('measurement', nargs='?', help='the measurement to export')
    parser.add_argument('--query', help='an InfluxQL query to export instead')
    parser.add_argument('-o', '--output', help='the CSV file (default: standard output)')
    parser.add_argument('--epoch', choices=['ns', 'u', 'ms', 's'],
                        help='times as epoch integers in this unit (default: RFC 3339)')
    parser.add_argument('--database', help="the database (default: the connection's)")
    parser.add_argument('--retention-policy', help='the retention policy of the measurement')


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
        for result in conn.query(f'SHOW TAG KEYS FROM {quote_ident(measurement)}',
                                 database=database, epoch=None):
            for series in result.get('series') or ():
                tags += [key for (key,) in series.get('values') or ()]
        for result in conn.query(f'SHOW FIELD KEYS FROM {source}', database=database,
                                 epoch=None):
            for series in result.get('series') or ():
                fields_ += sorted({key for key, _ in series.get('values') or ()})
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
    for chunk in conn.query_chunks(query, params=params, database=database, epoch='ns',
                                   chunk_size=chunk_size):
        for series in chunk.get('series') or ():
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
