"""What the server answered, before it becomes Python: series dicts and their rows.

A *series dict* is ``{'name', 'tags'?, 'columns', 'values', 'partial'?}``, as InfluxDB
answers a statement (requested with ``epoch='ns'``: times are integers). This is the one
place such answers are walked: by the row functions, and by every module that reads a
SHOW answer or a count.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

TIME_COLUMN = 'time'
SeriesDict = Mapping[str, Any]


class InfluxResult:
    """One series of an answer: its measurement ``name``, its ``tags`` and its ``points``.

    ``tags`` maps tag names (attribute names where the model declares the tag) to values,
    ``None`` for a series without that tag; each point is a dict with ``'time'`` (an aware
    :class:`~influxpy.times.InfluxTime`) and the selected names.

    >>> result.tags, result.points[0]
    ({'host': 'a'}, {'time': InfluxTime('2024-01-01T00:00:00+00:00'), 'cpu_m': 41.5})
    """

    __slots__ = ('name', 'points', 'tags')

    def __init__(self, tags: Mapping[str, Any] | None = None,
                 points: Sequence[dict[str, Any]] | None = None, name: str | None = None) -> None:
        self.tags: dict[str, Any] = dict(tags or {})
        self.points: list[dict[str, Any]] = list(points or ())
        self.name = name

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.points)

    def __len__(self) -> int:
        return len(self.points)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, InfluxResult):
            return NotImplemented
        return (self.name, self.tags, self.points) == (other.name, other.tags, other.points)

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        tags = ', '.join(f'{k}={v!r}' for k, v in self.tags.items())
        count = len(self.points)
        return (f'<InfluxResult {self.name or ""}{" " if tags else ""}{tags}: '
                f'{count} point{"" if count == 1 else "s"}>')


def iter_series(results: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """The series dicts of statement results or streamed chunks, in order."""
    for result in results:
        yield from result.get('series') or ()


def records(results: Iterable[Mapping[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(series name, {column: value})`` for every row of the answers, in order: how a
    SHOW answer (or any small one) is read."""
    for series in iter_series(results):
        name, columns = series.get('name', ''), series['columns']
        for values in series.get('values') or ():
            yield name, dict(zip(columns, values))
