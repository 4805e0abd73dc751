"""The checked values the API passes between its parts: what a request asks for.

params.py builds them from query strings, bodies.py from request bodies; a source
(sources/) answers them. Times are epoch nanoseconds (exact); bounds are inclusive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Tag lookups a query string may use, in Django's syntax (``host__in=a,b``).
TAG_LOOKUPS = ('exact', 'ne', 'in', 'startswith', 'endswith', 'contains', 'regex')
DOWNSAMPLERS = ('mean', 'median', 'mode', 'min', 'max', 'sum', 'count', 'first', 'last',
                'spread', 'stddev')          # and pNN, a percentile
FILLS = ('none', 'null', 'previous', 'linear')  # or a number
ORDERS = ('asc', 'desc')
SHAPES = ('rows', 'columns')
EPOCHS = ('s', 'ms', 'us', 'ns')
FORMATS = ('json', 'csv')
RIGHTS = ('view', 'append', 'delete')

# Which series a user may see: None = all; a tuple of selectors, each a dict of tag
# values that must all match (an empty tuple: nothing; ``{}`` inside it: everything).
Selectors = tuple[Mapping[str, str], ...] | None


class APIError(Exception):
    """A request the API refuses: its HTTP status and the JSON body that says why."""

    status = 400

    def __init__(self, message: str, *, status: int | None = None,
                 errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.errors = errors or []

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {'detail': self.message}
        if self.errors:
            out['errors'] = self.errors
        return out


class ParameterError(APIError):
    """A bad query parameter: which one, what was wrong, and what would be valid."""

    def __init__(self, parameter: str, message: str, valid: Any = None) -> None:
        error: dict[str, Any] = {'parameter': parameter, 'message': message}
        if valid is not None:
            error['valid'] = valid
        super().__init__(f'{parameter}: {message}', errors=[error])
        self.parameter = parameter


@dataclass(frozen=True)
class TagFilter:
    """``tag__lookup=value``; ``value`` is a tuple for ``in``."""

    tag: str
    lookup: str
    value: str | tuple[str, ...]


@dataclass(frozen=True)
class TimeRange:
    """Inclusive bounds in epoch nanoseconds; None is open."""

    low: int | None = None
    high: int | None = None

    @property
    def empty(self) -> bool:
        return self.low is not None and self.high is not None and self.low > self.high


@dataclass(frozen=True)
class Granularity:
    """A bucket width: fixed (``ns``) or a calendar span (``calendar``: day, week, month)."""

    name: str                    # as the response names it ('5m', 'day')
    ns: int | None = None
    calendar: str | None = None


@dataclass(frozen=True)
class Downsampler:
    """``name`` as asked ('mean', 'p95'); ``percentile`` set for pNN."""

    name: str
    percentile: float | None = None


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the last (time, series key) given, and the direction to go."""

    time_ns: int
    key: str
    descending: bool


@dataclass(frozen=True)
class PointsQuery:
    tags: tuple[TagFilter, ...] = ()
    time: TimeRange = TimeRange()
    fields: tuple[str, ...] | None = None       # None: every field
    granularity: Granularity | None = None      # None: raw points
    downsamplers: tuple[Downsampler, ...] = (Downsampler('mean'),)
    fill: str | float = 'none'
    tz: str = 'UTC'
    max_points: int | None = None
    order: str = 'asc'
    limit: int = 1000
    cursor: Cursor | None = None
    shape: str = 'rows'
    epoch: str | None = None                    # None: RFC 3339 strings
    format: str = 'json'


@dataclass(frozen=True)
class SeriesQuery:
    tags: tuple[TagFilter, ...] = ()
    limit: int = 1000
    cursor: str | None = None                   # the last series key of the page before


@dataclass(frozen=True)
class PointIn:
    """One point of a write body, before the model checks it."""

    index: int                                  # 0-based position in the body
    line: int | None                            # 1-based line (CSV, line protocol)
    time_ns: int | None                         # None: the server's now
    tags: Mapping[str, str] = field(default_factory=dict)
    fields: Mapping[str, Any] = field(default_factory=dict)
