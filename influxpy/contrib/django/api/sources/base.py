"""What the API asks of every measurement it exposes: a *source*.

Two kinds: an influxpy measurement (model.py, through its QuerySets and writes) and the
configured storage's readings (readings.py, through the storage interface, so the same
request gives the same answer on every storage). Every method takes checked values
(types.py) and the caller's selectors, which it must apply itself: a source never
returns or touches a series outside them.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from influxpy.exceptions import WriteError

from ..types import APIError, PointIn, PointsQuery, Selectors, SeriesQuery, TagFilter, TimeRange


@dataclass(frozen=True)
class FieldInfo:
    name: str
    type: str            # 'float' 'integer' 'boolean' 'string' 'any'


@dataclass
class SeriesPoints:
    """One series of an answer: its tags, first and last point time (ns), its rows."""

    tags: dict[str, str]
    first: int | None = None
    last: int | None = None
    # Each row: (time_ns, {name: value}); names are fields (raw) or <downsampler>_<field>.
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return series_key(self.tags)


@dataclass
class Page:
    """The answer to a points query: its series, and cursors to the pages around it."""

    series: list[SeriesPoints]
    granularity: str | None
    names: list[str]                      # the value columns, in order
    next: Any = None                      # a types.Cursor, or None at the end
    previous: Any = None


def unwritten_error(exc: WriteError, points: Sequence[Any]) -> APIError:
    """A 503 saying which of ``points`` (by index) were written, which were not, and which
    are unknown (the request timed out: they may be on the server)."""
    by_id = {id(p): i for i, p in enumerate(points)}
    by_text: dict[str, list[int]] = {}  # for copies (a storage checks into new objects)
    if any(id(p) not in by_id for p in (*exc.unwritten, *exc.unknown)):
        for i, p in enumerate(points):
            by_text.setdefault(repr(p), []).append(i)

    def where(p: Any) -> int:
        found = by_id.get(id(p))
        return found if found is not None else by_text[repr(p)].pop(0)

    unwritten = sorted(where(p) for p in exc.unwritten)
    unknown = sorted(where(p) for p in exc.unknown)
    lost = set(unwritten) | set(unknown)
    return APIError(f'the server did not take every point: {exc}', status=503, errors=[{
        'written': [i for i in range(len(points)) if i not in lost],
        'unwritten': unwritten, 'unknown': unknown}])


def series_key(tags: Mapping[str, str]) -> str:
    """A series' identity, ordered as every page orders series (by tags, sorted)."""
    return '\x00'.join(f'{k}\x01{v}' for k, v in sorted(tags.items()))


def matches(selectors: Selectors, tags: Mapping[str, str]) -> bool:
    """Whether a series with ``tags`` is inside ``selectors``."""
    if selectors is None:
        return True
    return any(all(tags.get(k) == v for k, v in s.items()) for s in selectors)


class Source(abc.ABC):
    """A measurement the API exposes."""

    name: str
    kind: str                              # 'measurement' or 'readings'

    @property
    @abc.abstractmethod
    def fields(self) -> Sequence[FieldInfo]: ...

    @property
    @abc.abstractmethod
    def tags(self) -> Sequence[str]: ...

    def describe(self) -> dict[str, Any]:
        """Name, fields with types, tags, tiers and retention (no links: the view adds them)."""
        return {'name': self.name, 'kind': self.kind,
                'fields': [{'name': f.name, 'type': f.type} for f in self.fields],
                'tags': list(self.tags), 'tiers': [], 'retention': None}

    @abc.abstractmethod
    def series(self, query: SeriesQuery, selectors: Selectors) -> list[SeriesPoints]:
        """Series (no rows) with first/last times, ordered by key, after ``query.cursor``,
        at most ``query.limit + 1`` of them (the extra one tells there is a next page)."""

    @abc.abstractmethod
    def points(self, query: PointsQuery, selectors: Selectors) -> Page:
        """One page of points (``query.limit`` in all, over every series)."""

    @abc.abstractmethod
    def most_points(self, query: PointsQuery, selectors: Selectors) -> int:
        """The most raw points any one series has in ``query``'s range (an upper bound:
        never less than the truth), for ``max_points``."""

    @abc.abstractmethod
    def write(self, points: list[PointIn]) -> int:
        """Check every point through the model, then write them all; return how many.
        Raises APIError (400, nothing written) or a write error naming what was not."""

    @abc.abstractmethod
    def delete(self, tags: tuple[TagFilter, ...], time: TimeRange, selectors: Selectors) -> int:
        """Delete what the filters match inside ``selectors``; how many (None if unknown)."""
