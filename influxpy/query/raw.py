"""Reading several QuerySets in one request, and rows of hand-written InfluxQL."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .. import results
from ..exceptions import QueryError
from .answers import checked_for_tier
from .compiler import compile_select

if TYPE_CHECKING:
    from ..models import InfluxMeasurement
    from .queryset import QuerySet


def batch(*querysets: QuerySet) -> list[list[Any]]:
    """Run several QuerySets in one request; return each one's rows, in order.

    >>> per_day, latest = batch(qs.annotate(m=Mean('cpu')).resolution(Day(1)),
    ...                         qs.order_by('-time')[:1])

    Every QuerySet must use the same connection and database; each keeps its own shape
    (instances, series, dicts, tuples) and its values travel as bind parameters.
    """
    if not querysets:
        return []
    wheres = [qs.model._meta.destination(qs._using) for qs in querysets]
    targets = {(where.connection.alias, where.database) for where in wheres}
    if len(targets) > 1:
        raise QueryError('batch() runs its QuerySets in one request: they must use one '
                         f'connection and database, not {sorted(map(str, targets))}')
    texts: list[str] = []
    params: dict[str, Any] = {}
    runnable = [qs for qs in querysets if not qs.query.is_empty]
    where = wheres[0]
    for number, qs in enumerate(runnable):
        checked = checked_for_tier(qs.query, where.connection)
        text, own = compile_select(checked, prefix=f's{number}p')
        texts.append(text)
        params.update(own)
    answers: Iterator[dict[str, Any]] = iter(())
    if runnable:
        answers = iter(where.connection.query('; '.join(texts), params=params,
                                              database=where.database))
    out = []
    for qs in querysets:
        out.append([] if qs.query.is_empty else list(qs._shape_rows([next(answers)])))
    return out


class RawQuerySet:
    """The rows of InfluxQL written by hand, as instances of the model.

    >>> Server.series.raw('SELECT * FROM "servers" WHERE "host" = $host', {'host': 'a'})
    """

    def __init__(self, model: type[InfluxMeasurement], query: str,
                 params: Mapping[str, Any] | None = None, using: str | None = None) -> None:
        if not isinstance(query, str) or not query.strip():
            raise QueryError('raw() takes InfluxQL text')
        self.model = model
        self.query = query
        self.params = dict(params or {})
        self._using = using
        self._result_cache: list[Any] | None = None

    def __repr__(self) -> str:
        return f'<RawQuerySet {self.model.__name__}: {self.query}>'

    def _series(self) -> Iterator[dict[str, Any]]:
        where = self.model._meta.destination(self._using)
        answers = where.connection.query(self.query, params=self.params or None,
                                         database=where.database)
        return results.iter_series(answers)

    def __iter__(self) -> Iterator[InfluxMeasurement]:
        if self._result_cache is None:
                self._result_cache = list(results.to_instances(self.model, self._series()))
        return iter(self._result_cache)

    def __len__(self) -> int:
        return len(list(iter(self)))

    def results(self) -> list[Any]:
        """One ``InfluxResult`` per series of the answer."""
        return list(results.to_results(self.model, self._series()))
