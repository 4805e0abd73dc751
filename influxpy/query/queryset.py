"""``Model.series``: the manager of a measurement (writes now; the QuerySet builds on it)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..writes import DEFAULT_BATCH_SIZE, write_points

if TYPE_CHECKING:
    from ..models import InfluxMeasurement


class SeriesManager:
    """Reached as ``Model.series``."""

    def __init__(self, model: type[InfluxMeasurement]) -> None:
        self.model = model

    def __repr__(self) -> str:
        return f'<SeriesManager of {self.model.__name__}>'

    def create(self, *, using: str | None = None, **values: Any) -> InfluxMeasurement:
        """Build, validate and write one point; return the instance (with its time)."""
        obj = self.model(**values)
        write_points(self.model, [obj], using=using)
        return obj

    def bulk_create(self, objs: Iterable[InfluxMeasurement], *,
                    batch_size: int = DEFAULT_BATCH_SIZE, using: str | None = None) -> int:
        """Validate every point, then write them in batches; return the number written."""
        return write_points(self.model, objs, using=using, batch_size=batch_size)
