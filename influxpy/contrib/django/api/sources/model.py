"""An influxpy measurement as an API source, through its QuerySets and bulk writes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import tzinfo
from functools import reduce
from typing import Any

from influxpy import aggregates
from influxpy.exceptions import QueryError, ValidationError, WriteError
from influxpy.fields import NUMERIC_KINDS
from influxpy.models import InfluxMeasurement
from influxpy.query.queryset import DEFAULT_CHUNK_SIZE, QuerySet
from influxpy.query.where import Q
from influxpy.results import Shape
from influxpy.results.answer import TIME_COLUMN, SeriesDict
from influxpy.results.rows import CALL, TO_FLOAT, conversion, series_tags
from influxpy.retention import retention_literal

from ..render import paused_gc
from ..types import (
    APIError,
    Downsampler,
    ParameterError,
    PointIn,
    PointsQuery,
    Selectors,
    SeriesQuery,
    TagFilter,
    TimeRange,
)
from .base import FieldInfo, Page, SeriesPoints, Source, series_key, unwritten_error
from .buckets import bucketed
from .paging import cut_page, fetch_descending, fetch_range, metadata_page, per_series

FUNCTIONS = {'mean': aggregates.Mean, 'median': aggregates.Median, 'mode': aggregates.Mode,
             'min': aggregates.Min, 'max': aggregates.Max, 'sum': aggregates.Sum,
             'count': aggregates.Count, 'first': aggregates.First, 'last': aggregates.Last,
             'spread': aggregates.Spread, 'stddev': aggregates.Stddev}
# Downsamplers that take any field type; the others need numbers.
ANY_TYPE = ('count', 'first', 'last', 'mode')


class ModelSource(Source):
    kind = 'measurement'

    def __init__(self, model: type[InfluxMeasurement], name: str | None = None) -> None:
        self.model = model
        self.meta = model._meta
        self.name = name or self.meta.measurement
        # Spans by query text, while this source lives: one request (registry.exposed
        # builds the sources per request), whose CSV asks page after page of the same
        # query; each ask cost influxd two scans (~0.2 s over 1,000,000 points).
        self._spans: dict[str, dict[str, SeriesPoints]] = {}

    @property
    def fields(self) -> Sequence[FieldInfo]:
        return [FieldInfo(name, field.kind) for name, field in self.meta.fields.items()]

    @property
    def tags(self) -> Sequence[str]:
        return list(self.meta.tags)

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out['tiers'] = [{'resolution': t.literal, 'functions': list(t.functions),
                         'keep': retention_literal(t.keep), 'measurement':
                         t.measurement(self.meta.measurement),
                         'retention_policy': t.retention_policy} for t in self.meta.tiers]
        rp = self.meta.retention
        if rp is not None:
            out['retention'] = {'name': rp.name, 'duration': retention_literal(rp.duration)}
        elif self.meta.retention_policy:
            out['retention'] = {'name': self.meta.retention_policy, 'duration': None}
        return out

    # -- reading -----------------------------------------------------------------------

    def visible(self, tags: tuple[TagFilter, ...], selectors: Selectors) -> QuerySet | None:
        """The QuerySet of what the filters and the selectors let through; None: nothing."""
        qs: QuerySet = self.model.series.all()
        for flt in tags:
            lookup = 'exact' if flt.lookup == 'exact' else flt.lookup
            value = list(flt.value) if isinstance(flt.value, tuple) else flt.value
            qs = qs.filter(**{f'{flt.tag}__{lookup}': value})
        if selectors is None:
            return qs
        allowed = [s for s in selectors if all(k in self.meta.tags for k in s)]
        if not allowed:
            return None
        if any(not s for s in allowed):
            return qs
        return qs.filter(reduce(lambda a, b: a | b, (Q(**_kwargs(s)) for s in allowed)))

    def spans(self, qs: QuerySet) -> dict[str, SeriesPoints]:
        """Every series of ``qs`` with its first and last point time (asked once; this
        source's writes and deletes forget them)."""
        key = str(qs.query)
        found = self._spans.get(key)
        if found is None:
            found = self._spans[key] = self._fetch_spans(qs)
        # Copies: a caller may fill one with rows.
        return {k: SeriesPoints(dict(v.tags), v.first, v.last) for k, v in found.items()}

    def _fetch_spans(self, qs: QuerySet) -> dict[str, SeriesPoints]:
        found: dict[str, SeriesPoints] = {}
        for descending in (False, True):
            ordered = qs.group_by('*').order_by('-time' if descending else 'time')[:1]
            for result in ordered:
                tags = _tags(result.tags)
                if not result.points:
                    continue
                span = found.setdefault(series_key(tags), SeriesPoints(tags))
                when = result.points[0]['time'].time_ns
                if descending:
                    span.last = when
                else:
                    span.first = when
        return found

    def series(self, query: SeriesQuery, selectors: Selectors) -> list[SeriesPoints]:
        qs = self.visible(query.tags, selectors)
        if qs is None:
            return []
        spans = self.spans(qs)
        keys = sorted(k for k in spans if query.cursor is None or k > query.cursor)
        return [spans[k] for k in keys[:query.limit + 1]]

    def points(self, query: PointsQuery, selectors: Selectors) -> Page:
        qs = self.visible(query.tags, selectors)
        names = self.value_names(query)
        granularity = query.granularity.name if query.granularity else None
        if qs is None or query.time.empty:
            return Page([], granularity, names)
        spans = self.spans(qs)
        if query.limit == 0 or not spans:
            return metadata_page(spans, names, granularity)
        span = fetch_range(query)
        if span.empty:
            return cut_page(query, [], names, granularity)
        qs = _bounded(qs, span.low, span.high)
        desc = fetch_descending(query)
        fetched: dict[str, SeriesPoints] = {}
        if query.granularity is None:
            wanted = self.field_names(query)
            ordered = qs.only(*wanted).group_by('*').order_by('-time' if desc else 'time')
            if query.tz != 'UTC':
                ordered = ordered.tz(query.tz)
            limit = per_series(query)
            with paused_gc():  # see render.paused_gc; cut_page too
                for series in _answer(ordered[:limit], limit):
                    _, tags = series_tags(self.model, series.get('tags'))
                    rows = fetched.setdefault(series_key(_tags(tags)),
                                              _copy(spans, tags)).rows
                    rows.extend(self.raw_rows(series, wanted))
                return cut_page(query, fetched.values(), names, granularity)
        else:
            low = span.low if span.low is not None else min(s.first or 0 for s in spans.values())
            high = span.high if span.high is not None else max(
                s.last or 0 for s in spans.values())
            annotations = self.annotations(query)
            limit = per_series(query)

            def build(lo: int, hi: int) -> QuerySet:
                built = _bounded(qs, lo, hi).annotate(**annotations).group_by('*')
                return built.order_by('-time') if desc else built

            counts: dict[str, int] = {}
            for tags, when, values in bucketed(build, query.granularity, query.tz, low, high,
                                               query.fill):
                key = series_key(tags)
                if counts.get(key, 0) >= limit:
                    continue
                counts[key] = counts.get(key, 0) + 1
                fetched.setdefault(key, _copy(spans, tags)).rows.append((when, values))
        return cut_page(query, fetched.values(), names, granularity)

    def raw_rows(self, series: Mapping[str, Any], wanted: list[str]
                 ) -> list[tuple[int, dict[str, Any]]]:
        """``(time_ns, {name: value})`` of a series dict's rows that have a value of
        ``wanted``, each converted as the model's rows convert it (results.rows)."""
        columns = list(series['columns'])
        by_db_name = self.meta.by_db_name
        at = {by_db_name[c].name if c in by_db_name else c: i
              for i, c in reversed(list(enumerate(columns)))}
        namespace: dict[str, Any] = {}
        items, tests = [], []
        for k, name in enumerate(wanted):
            i = at.get(name)
            kind = conversion(self.meta.fields.get(name))
            if i is None:
                expr = 'None'
            elif kind == TO_FLOAT:
                namespace[f'f{k}'] = self.meta.fields[name].from_db
                expr = f'(r[{i}] if r[{i}].__class__ is float else f{k}(r[{i}]))'
            elif kind == CALL:
                namespace[f'f{k}'] = self.meta.fields[name].from_db
                expr = f'f{k}(r[{i}])'
            else:
                expr = f'r[{i}]'
            items.append(f'{name!r}: {expr}')
            tests.append(f'd[{name!r}] is not None')
        # One generated loop, as results.rows builds rows: no per-value Python loop.
        source = '\n'.join([
            'def rows(values, out):',
            '    for r in values:',
            f'        d = {{{", ".join(items)}}}',
            f'        if {" or ".join(tests) or "False"}:',
            f'            out.append((r[{columns.index(TIME_COLUMN)}], d))'])
        exec(source, namespace)  # noqa: S102 - names are only repr()'d dict keys
        out: list[tuple[int, dict[str, Any]]] = []
        namespace['rows'](series['values'], out)
        return out

    def most_points(self, query: PointsQuery, selectors: Selectors) -> int:
        qs = self.visible(query.tags, selectors)
        if qs is None:
            return 0
        names = self.field_names(replace(query, granularity=None))
        counted = _bounded(qs, query.time.low, query.time.high).annotate(
            **{f'n_{n}': aggregates.Count(n) for n in names}).group_by('*')
        # A row has at least one field: the sum over fields is never under the row count.
        return max((sum(p.get(f'n_{n}') or 0 for n in names)
                    for result in counted for p in result.points), default=0)

    def field_names(self, query: PointsQuery) -> list[str]:
        if query.fields is not None:
            return list(query.fields)
        if query.granularity is None:
            return list(self.meta.fields)
        return [n for n, f in self.meta.fields.items()
                if f.kind in NUMERIC_KINDS or f.kind == 'any'] or list(self.meta.fields)

    def value_names(self, query: PointsQuery) -> list[str]:
        if query.granularity is None:
            return self.field_names(query)
        return [f'{d.name}_{f}' for d in query.downsamplers for f in self.field_names(query)]

    def annotations(self, query: PointsQuery) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for downsampler in query.downsamplers:
            for name in self.field_names(query):
                kind = self.meta.fields[name].kind
                if downsampler.name not in ANY_TYPE and kind not in NUMERIC_KINDS | {'any'}:
                    raise ParameterError('downsamplers', f'{downsampler.name} needs numbers; '
                                         f'{name} is a {kind} field',
                                         valid=list(ANY_TYPE))
                out[f'{downsampler.name}_{name}'] = _function(downsampler, name)
        return out

    # -- writing and deleting ----------------------------------------------------------

    def write(self, points: list[PointIn]) -> int:
        from ..checking import model_instances

        self._spans.clear()
        with paused_gc():  # as for reading: many objects, no cycle
            # bulk_create checks every value before it sends a byte: a body that passes is
            # checked once, and only a refused one is checked point by point, to name
            # every bad point (model_instances raises the 400).
            tags, fields = self.meta.tags.keys(), self.meta.fields.keys()
            try:
                if not all(p.tags.keys() <= tags and p.fields.keys() <= fields
                           for p in points):
                    raise ValueError('a tag sent as a field, or a field as a tag')
                instances = [self.model(time=p.time_ns, **{**p.tags, **p.fields})
                             for p in points]
                self.model.series.bulk_create(instances)
            except WriteError as exc:
                raise unwritten_error(exc, instances) from None
            except (ValidationError, TypeError, ValueError) as exc:
                model_instances(self.model, points)
                raise APIError(str(exc)) from None
        return len(instances)

    def delete(self, tags: tuple[TagFilter, ...], time: TimeRange, selectors: Selectors) -> int:
        self._spans.clear()
        qs = self.visible(tags, selectors)
        if qs is None or time.empty:
            return 0
        qs = _bounded(qs, time.low, time.high)
        try:
            count: int = qs.count()
            qs.delete()
        except QueryError as exc:
            raise APIError(str(exc)) from None
        return count


class _SeriesDicts(Shape):
    """The server's series dicts themselves (times are epoch-ns integers): the raw read
    path builds its rows from them without an InfluxTime per point."""

    __slots__ = ()

    def rows(self, model: type[InfluxMeasurement], series: Iterable[SeriesDict], *,
             per_series: bool, tz: tzinfo | None) -> Iterator[Any]:
        return iter(series)


def _answer(qs: QuerySet, limit: int) -> Iterator[dict[str, Any]]:
    """The series dicts ``qs`` answers with, streamed (every fix of query.answers applied)
    in chunks of up to ``limit`` rows: influxd answers 100,000 points twice as fast in
    one chunk as in ten, and the page holds them all anyway."""
    clone = qs.all()
    clone._shape = _SeriesDicts()
    return clone.iterator(chunk_size=max(DEFAULT_CHUNK_SIZE, limit))


def _function(downsampler: Downsampler, name: str) -> Any:
    if downsampler.percentile is not None:
        return aggregates.Percentile(name, downsampler.percentile)
    return FUNCTIONS[downsampler.name](name)


def _kwargs(selector: Mapping[str, str]) -> dict[str, Any]:
    return dict(selector)


def _bounded(qs: QuerySet, low: int | None, high: int | None) -> QuerySet:
    if low is not None:
        qs = qs.filter(time__gte=low)
    if high is not None:
        qs = qs.filter(time__lte=high)
    return qs


def _tags(tags: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in tags.items() if v not in (None, '')}


def _copy(spans: dict[str, SeriesPoints], tags: dict[str, Any]) -> SeriesPoints:
    clean = _tags(tags)
    span = spans.get(series_key(clean))
    return SeriesPoints(clean, span.first if span else None, span.last if span else None)

