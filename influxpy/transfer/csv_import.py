"""Reading a CSV for an import: the header names the columns (a ``time`` column, then a
model's fields and tags, or fields and the ``tags`` named), each row is one point."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from .. import fields as f
from .. import times
from .errors import ImportReport, TransferError
from .importer import Importer, model_column
from .values import PARSERS, inferred_kind, parse_time

TIME = 'time'
# Per column: (name to write, kind, db name), or None for time and unknown columns.
Column = tuple[str, str, str] | None


def read_csv(importer: Importer, lines: Iterable[str]) -> ImportReport:
    """Import the CSV ``lines`` (the header first) through ``importer``."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        return importer.report
    if len(set(header)) != len(header):
        raise TransferError(f'the CSV header repeats a column: {header!r}')
    if TIME not in header:
        raise TransferError(f"the CSV has no 'time' column; its columns: {header!r}")
    rows = _Rows(importer, header)
    report = importer.report
    last = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # csv's own limit (a cell over csv.field_size_limit() bytes): the record
            # is refused and reading goes on with the next line.
            if reader.line_num < importer.resume_from:
                last = reader.line_num
                continue
            report.read += 1
            big = 'field larger than field limit' in str(exc)
            importer.problem(reader.line_num, f'cell over {csv.field_size_limit()} bytes'
                             if big else f'not CSV: {exc}')
            last = reader.line_num
            continue
        first, last = last + 1, reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()) or last < importer.resume_from:
            continue
        report.read += 1
        if not importer.not_utf8_among(first, last):
            rows.add(last, row)
    return importer.finish()


class _Rows:
    """The rows under one header: each checked, read by its columns' kinds, and added."""

    def __init__(self, importer: Importer, header: list[str]) -> None:
        self.importer = importer
        self.header = header
        self.time_index = header.index(TIME)
        self.columns = self._columns()

    def _columns(self) -> list[Column]:
        """Per column: ``(name to write, kind, db name)``, or None for time and unknown
        columns (a value there is reported)."""
        importer, header = self.importer, self.header
        columns: list[Column] = []
        if importer.model is not None:
            meta = importer.model._meta
            found = {name: model_column(importer.model, name)
                     for name in header if name != TIME}
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
        missing = sorted(importer.tags - set(header))
        if missing:
            raise TransferError(f'tag column(s) {", ".join(missing)} are not in the CSV; its '
                                f'columns: {", ".join(header)}')
        assert importer.measurement is not None
        kinds = importer.server_field_types(importer.measurement)
        for name in header:
            if name == TIME:
                columns.append(None)
            elif name in importer.tags:
                columns.append((name, f.TAG, name))
            else:
                columns.append((name, kinds.get(name, ''), name))
        return columns

    def _time(self, line_no: int, row: list[str]) -> int | None:
        """The row's time in ns, or None when it was refused."""
        importer, header = self.importer, self.header
        if len(row) != len(header):
            if len(row) < len(header):
                lacking = ', '.join(map(repr, header[len(row):]))
                importer.problem(line_no, f'{len(row)} values for {len(header)} columns: '
                                          f'missing column(s) {lacking}')
            else:
                importer.problem(line_no, f'{len(row)} values for {len(header)} columns')
            return None
        text = row[self.time_index]
        if not text.strip():
            importer.problem(line_no, 'no time')
            return None
        try:
            ns, naive = parse_time(text, importer.precision)
        except ValueError as exc:
            importer.problem(line_no, f'time: {exc}')
            return None
        importer.report.naive_times += naive
        if naive:
            importer.report.naive_zone = str(times.settings.naive_rule.zone())
        return ns

    def add(self, line_no: int, row: list[str]) -> None:
        importer, columns = self.importer, self.columns
        ns = self._time(line_no, row)
        if ns is None:
            return
        tags: dict[str, str] = {}
        values: dict[str, Any] = {}
        for i, column in enumerate(columns):
            cell = row[i]
            if i == self.time_index or cell == '':
                continue
            if column is None:
                assert importer.model is not None  # only a model's CSV has unknown columns
                importer.problem(line_no, f'unknown field {self.header[i]!r} (= {cell!r}); '
                                          f'{importer.model.__name__} has: '
                                          f'{", ".join(importer.model._meta.all_fields)} '
                                          'and time')
                return
            name, kind, db_name = column
            if importer.model is None and not kind:
                # An untyped column takes the kind of its first value, for every row.
                kind = inferred_kind(cell)
                columns[i] = (name, kind, db_name)
            try:
                value = PARSERS[kind](cell)
            except ValueError as exc:
                what = 'tag' if kind == f.TAG else f'{kind} field'
                importer.problem(line_no, f'{exc} ({what} {db_name!r})')
                return
            if kind == f.TAG:
                tags[name] = value
            else:
                values[name] = value
        if importer.model is not None:
            importer.add_model_point(line_no, {**tags, **values}, ns)
        elif not values:
            importer.problem(line_no, 'no field value (every non-tag column is empty)')
        else:
            assert importer.measurement is not None
            importer.add_line(line_no, importer.measurement, tags, values, ns)
