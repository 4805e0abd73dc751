"""The spool of a buffered writer: every accepted line, on disk, until stored.

One JSON record per line (``[alias, database, rp, precision, line]``), appended
before ``add()`` returns; a done-marker file records how far the server has stored.
An exclusive lock keeps two writers off one spool.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from typing import IO, Any, NamedTuple

from ..exceptions import InfluxPyError


class SpoolCorruptWarning(UserWarning):
    """Part of a spool could not be read; it was moved aside to ``PATH.corrupt``."""


class Target(NamedTuple):
    """Where a line goes: connection alias, database, retention policy, precision."""

    alias: str
    database: str | None
    retention_policy: str | None
    precision: str


class Record(NamedTuple):
    target: Target
    line: str
    point: Any  # the instance, or the line itself when replayed from a spool
    end: int  # the spool offset just after this record (0 without a spool)


class Spool:
    """An append-only file of accepted lines and the offset up to which all are done."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self.offset_path = self.path + '.offset'
        self.corrupt: list[tuple[int, int]] = []  # (offset, length) moved to PATH.corrupt
        self.file: IO[bytes] = open(self.path, 'a+b')  # noqa: SIM115 - kept open
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.file.close()
            raise InfluxPyError(f'the spool {self.path} is used by another writer') from None

    def pending(self) -> list[Record]:
        """The records not yet done. A line that cannot be read (damage, a torn last line)
        is copied to ``PATH.corrupt`` and blanked in place, so the others still replay;
        ``self.corrupt`` lists the ``(offset, length)`` of each."""
        try:
            with open(self.offset_path, encoding='ascii') as handle:
                done = int(handle.read().strip() or 0)
        except (FileNotFoundError, ValueError):
            done = 0
        self.file.seek(0, os.SEEK_END)
        if done > self.file.tell():
            done = 0  # a stale offset: replaying all is harmless, skipping is not
        self.file.seek(done)
        records, position = [], done
        self.corrupt = []
        for raw in self.file:
            start, position = position, position + len(raw)
            if not raw.strip():
                continue  # a blank line holds nothing
            record, skip = parse_record(raw), 0
            while record is None and (skip := raw.find(b'["', skip + 1)) > 0:
                record = parse_record(raw[skip:])  # damage glued before an intact record
            if record is None:
                self.corrupt.append((start, len(raw)))
                continue
            if skip:
                self.corrupt.append((start, skip))
            records.append(Record(*record, position))
        if self.corrupt:
            self._move_aside()
        self.file.seek(0, os.SEEK_END)
        return records

    def _move_aside(self) -> None:
        """Copy the unreadable bytes to ``PATH.corrupt`` (kept), then blank them here."""
        with open(self.path, 'r+b') as spool, open(self.path + '.corrupt', 'ab') as aside:
            for start, length in self.corrupt:
                spool.seek(start)
                aside.write(spool.read(length))
            aside.flush()
            os.fsync(aside.fileno())  # safe there before it is blanked here
            for start, length in self.corrupt:
                spool.seek(start)
                blank = re.sub(rb'[^\n]', b' ', spool.read(length))  # offsets stay valid
                spool.seek(start)
                spool.write(blank)
            spool.flush()
            os.fsync(spool.fileno())

    def refused(self, target: Target, lines: list[str]) -> None:
        """Keep lines the server refused in ``PATH.failed`` (same format), never dropped."""
        with open(self.path + '.failed', 'ab') as handle:
            handle.write(b''.join(json.dumps([*target, line]).encode() + b'\n'
                                  for line in lines))
            handle.flush()
            os.fsync(handle.fileno())

    def append(self, target: Target, line: str) -> int:
        self.file.write(json.dumps([*target, line]).encode() + b'\n')
        self.file.flush()  # in the OS before add() returns: survives the process dying
        return self.file.tell()

    def done(self, offset: int, empty: bool) -> None:
        """Everything before ``offset`` is stored (or given up); compact when all is."""
        if empty and offset == self.file.tell():
            self.file.truncate(0)
            offset = 0
        temporary = self.offset_path + '.tmp'
        with open(temporary, 'w', encoding='ascii') as handle:
            handle.write(str(offset))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.offset_path)

    def close(self) -> None:
        self.file.close()


def parse_record(raw: bytes) -> tuple[Target, str, str] | None:
    """A spool line as (target, line, line), or None if it is not one writer wrote."""
    if not raw.endswith(b'\n'):
        return None  # torn: the writer died while appending it
    try:
        item = json.loads(raw.decode('utf-8'))
    except ValueError:  # UnicodeDecodeError and JSONDecodeError both are
        return None
    if not (isinstance(item, list) and len(item) == 5 and isinstance(item[0], str)
            and all(v is None or isinstance(v, str) for v in item[1:3])
            and isinstance(item[3], str) and isinstance(item[4], str) and item[4]):
        return None
    alias, database, rp, precision, line = item
    return Target(alias, database, rp, precision), line, line
