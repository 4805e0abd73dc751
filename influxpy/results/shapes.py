"""The shape of the rows a QuerySet yields, as one object the QuerySet holds.

``Instances()`` by default (one :class:`InfluxResult` per series when the query has
``annotate``, ``resolution`` or ``group_by``), ``Dicts(names)`` after ``values()``,
``Tuples(names, flat)`` after ``values_list()``. Each turns the server's series dicts
into rows, lazily.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from .answer import SeriesDict
from .rows import to_dicts, to_instances, to_results, to_tuples

if TYPE_CHECKING:
    from ..models import InfluxMeasurement


class Shape:
    """How rows come out: see the module docstring."""

    __slots__ = ()

    def rows(self, model: type[InfluxMeasurement], series: Iterable[SeriesDict], *,
             per_series: bool, tz: tzinfo | None) -> Iterator[Any]:
        raise NotImplementedError


class Instances(Shape):
    """Model instances (their times stay UTC, as in Django), or one InfluxResult per
    series for a query ``per_series``."""

    __slots__ = ()

    def rows(self, model: type[InfluxMeasurement], series: Iterable[SeriesDict], *,
             per_series: bool, tz: tzinfo | None) -> Iterator[Any]:
        if per_series:
            return to_results(model, series, tz=tz)
        return to_instances(model, series)


class Dicts(Shape):
    """A dict per point with ``time`` and ``names`` (None: every column)."""

    __slots__ = ('names',)

    def __init__(self, names: tuple[str, ...] | None = None) -> None:
        self.names = names

    def rows(self, model: type[InfluxMeasurement], series: Iterable[SeriesDict], *,
             per_series: bool, tz: tzinfo | None) -> Iterator[Any]:
        return to_dicts(model, series, names=self.names, tz=tz)


class Tuples(Shape):
    """A tuple per point of ``names`` in order; ``flat``: the bare values of one name."""

    __slots__ = ('names', 'flat')

    def __init__(self, names: tuple[str, ...] | None = None, flat: bool = False) -> None:
        self.names = names
        self.flat = flat

    def rows(self, model: type[InfluxMeasurement], series: Iterable[SeriesDict], *,
             per_series: bool, tz: tzinfo | None) -> Iterator[Any]:
        return to_tuples(model, series, names=self.names, flat=self.flat, tz=tz)
