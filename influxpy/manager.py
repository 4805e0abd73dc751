"""``Model.series``: the manager — writes, and the start of every QuerySet.

Reads are the QuerySet's own methods, copied onto the manager when this module is
loaded (as Django's ``Manager.from_queryset`` does), so a new QuerySet method needs no
hand-written proxy: ``Model.series.filter(...)`` is ``Model.series.all().filter(...)``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .exceptions import QueryError
from .query.queryset import QuerySet
from .query.raw import RawQuerySet
from .write import DEFAULT_BATCH_SIZE, Writer, write_points

if TYPE_CHECKING:
    from .models import InfluxMeasurement


class SeriesManager:
    """Reached as ``Model.series``: writes, and the start of every QuerySet."""

    def __init__(self, model: type[InfluxMeasurement]) -> None:
        self.model = model

    def __repr__(self) -> str:
        return f'<SeriesManager of {self.model.__name__}>'

    def get_queryset(self) -> QuerySet:
        return QuerySet(self.model)

    if TYPE_CHECKING:  # the QuerySet methods copied on below, for the type checker
        def __getattr__(self, name: str) -> Any: ...

    # -- writes --------------------------------------------------------------------

    def create(self, *, using: str | None = None, **values: Any) -> InfluxMeasurement:
        """Build, validate and write one point; return the instance (with its time)."""
        obj = self.model(**values)
        write_points(self.model, [obj], using=using)
        return obj

    def bulk_create(self, objs: Iterable[InfluxMeasurement], *,
                    batch_size: int = DEFAULT_BATCH_SIZE, using: str | None = None) -> int:
        """Validate every point, then write them in batches; return the number written."""
        return write_points(self.model, objs, using=using, batch_size=batch_size)

    def writer(self, **options: Any) -> Writer:
        """A buffered :class:`~influxpy.write.Writer` (it takes points of any model).

        >>> with Reading.series.writer(batch_size=5000, flush_interval=1.0) as w:
        ...     w.add(Reading(sensor='s1', temperature=20.5))
        """
        return Writer(**options)

    def raw(self, query: str, params: Mapping[str, Any] | None = None) -> RawQuerySet:
        """Rows of hand-written InfluxQL (``$name`` bind parameters from ``params``)."""
        return RawQuerySet(self.model, query, params)

    # -- dropping ------------------------------------------------------------------

    def drop(self, *, using: str | None = None) -> None:
        """Drop the whole measurement: every point and series, in every retention policy."""
        from . import schema
        meta = self.model._meta
        where = meta.destination(using)
        schema.drop_measurement(meta.measurement, where.database, using=where.connection.alias)

    def drop_series(self, *, using: str | None = None, **tags: str) -> None:
        """Drop the series having these tag values (``DROP SERIES … WHERE``)."""
        from . import schema
        meta = self.model._meta
        if not tags:
            raise QueryError(f'{meta.model_name}.series.drop_series() needs tags; use drop() '
                             'to drop the whole measurement')
        columns = {meta.get_field(name).db_name: value for name, value in tags.items()}
        for name, value in tags.items():
            if not meta.get_field(name).is_tag:
                raise QueryError(f'{meta.model_name}.{name} is a field; series are dropped '
                                 'by tags')
            if not isinstance(value, str):
                raise QueryError(f'{meta.model_name}.{name}: a tag value is a string, not '
                                 f'{value!r}')
        where = meta.destination(using)
        schema.drop_series(meta.measurement, where.database, where=columns,
                           using=where.connection.alias)

    def __iter__(self) -> Iterator[Any]:
        raise TypeError(f'{self.model.__name__}.series is a manager, not a QuerySet: '
                        f'iterate {self.model.__name__}.series.all()')


def _proxy(name: str) -> Callable[..., Any]:
    method = getattr(QuerySet, name)

    @functools.wraps(method)
    def proxy(self: SeriesManager, *args: Any, **kwargs: Any) -> Any:
        return getattr(self.get_queryset(), name)(*args, **kwargs)
    return proxy


# Every public QuerySet method the manager does not define itself.
PROXIED = tuple(name for name, value in vars(QuerySet).items()
                if callable(value) and not name.startswith('_') and name not in vars(SeriesManager))
for _name in PROXIED:
    setattr(SeriesManager, _name, _proxy(_name))
