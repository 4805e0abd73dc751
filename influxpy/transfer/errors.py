"""What an import reports back: refused lines, the summary, and the two errors."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..exceptions import InfluxPyError

# Refused lines kept on the report; all are passed to ``on_problem``.
KEPT_PROBLEMS = 1000


class TransferError(InfluxPyError):
    """A file cannot be imported or exported as asked (nothing was written)."""


@dataclass(frozen=True)
class RefusedLine:
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
    problems: list[RefusedLine] = field(default_factory=list)

    def __str__(self) -> str:
        text = (f'read {self.read:,} line{"s" if self.read != 1 else ""}: '
                f'{self.written:,} point{"s" if self.written != 1 else ""} written, '
                f'{self.refused:,} refused')
        if self.naive_times:
            many = self.naive_times != 1
            text += (f' ({self.naive_times:,} time{"s" if many else ""} without a time zone '
                     f'{"were" if many else "was"} read in {self.naive_zone})')
        return text


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
