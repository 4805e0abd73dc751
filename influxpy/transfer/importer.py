"""What every import does with a line, whatever the file's format: check it, refuse it
with its number, or hand the point to a sink. The readers (``csv_import``,
``lp_import``) turn a file's lines into calls to an :class:`Importer`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .. import fields as f
from ..exceptions import ValidationError
from ..lineprotocol import format_line
from ..quoting import quote_ident
from ..results import records
from ..times import PRECISION_NS, unique_now_ns
from .errors import KEPT_PROBLEMS, ImportReport, RefusedLine, TransferError
from .progress import Progress
from .sinks import LineSink, ModelSink, Sink, import_destination

if TYPE_CHECKING:
    from ..models import InfluxMeasurement


def model_column(model: type[InfluxMeasurement], name: str) -> f.Field | None:
    """A model's field or tag by attribute or column name."""
    meta = model._meta
    return meta.all_fields.get(name) or meta.by_db_name.get(name)


class Importer:
    def __init__(self, *, model: type[InfluxMeasurement] | None, measurement: str | None,
                 tags: Iterable[str], database: str | None, retention_policy: str | None,
                 using: str | None, precision: str, batch_size: int,
                 on_problem: Callable[[RefusedLine], object] | None, progress: Progress,
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
        self.destination = import_destination(model, using=using, database=database,
                                              retention_policy=retention_policy)
        self.not_utf8: dict[int, str] = {}  # line number -> why, filled while reading
        self.sink: Sink
        if model is not None:
            self.sink = ModelSink(model, using, self.report, self.problem, batch_size)
        else:
            self.sink = LineSink(self.destination, self.report, self.problem, batch_size)

    def problem(self, line_no: int, message: str) -> None:
        self.report.refused += 1
        item = RefusedLine(line_no, message)
        if len(self.report.problems) < KEPT_PROBLEMS:
            self.report.problems.append(item)
        if self.on_problem is not None:
            with self.progress.suspended():
                self.on_problem(item)

    def not_utf8_among(self, first: int, last: int) -> bool:
        """Refuse the record on lines ``first`` to ``last`` if one is not UTF-8."""
        bad = next((n for n in range(first, last + 1) if n in self.not_utf8), None)
        if bad is not None:
            self.problem(bad, self.not_utf8[bad])
        return bad is not None

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

    def finish(self) -> ImportReport:
        """Write what is left; the report."""
        self.sink.flush()
        return self.report

    def server_field_types(self, measurement: str) -> dict[str, str]:
        """``{field: type}`` of a measurement already on the server (first type wins)."""
        statement = f'SHOW FIELD KEYS FROM {quote_ident(measurement)}'
        to = self.destination
        out: dict[str, str] = {}
        answer = to.connection.query(statement, database=to.database, epoch=None)
        for _, row in records(answer):
            out.setdefault(row['fieldKey'], row['fieldType'])
        return out
