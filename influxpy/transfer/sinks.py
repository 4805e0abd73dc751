"""Where an import's points go, and writing them there in batches."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..connection import DEFAULT_ALIAS, get_connection
from ..exceptions import InfluxConnectionError, ServerError, WriteError
from ..models import Destination
from .errors import ImportInterrupted, ImportReport

if TYPE_CHECKING:
    from ..models import InfluxMeasurement


def import_destination(model: type[InfluxMeasurement] | None, *, using: str | None,
                       database: str | None, retention_policy: str | None) -> Destination:
    """Where an import's points go: a model's own (:meth:`Options.destination`), or
    ``database`` and ``retention_policy`` for lines, whose times are always written in
    nanoseconds (the importer converts them)."""
    if model is not None:
        return model._meta.destination(using)
    connection = get_connection(using or DEFAULT_ALIAS)
    return Destination(connection, database or connection.database, retention_policy, 'ns',
                       'import')


class Sink:
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


class ModelSink(Sink):
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


class LineSink(Sink):
    """Writes lines of line protocol; a batch the server refuses is sent again line by
    line, so exactly the refused lines are reported."""

    def __init__(self, destination: Destination, *args: Any) -> None:
        super().__init__(*args)
        self.destination = destination

    def _send(self, lines: Sequence[str]) -> None:
        to = self.destination
        to.connection.write(('\n'.join(lines) + '\n').encode(), database=to.database,
                            retention_policy=to.retention_policy, precision=to.precision)

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
