"""ReadingsSource: the storage's readings as the API's measurement, on every backend.

Each test runs on the ORM (SQLite, PostgreSQL) and on InfluxDB and checks hand-computed
answers; the last one asks the three backends the same questions and compares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from influxpy.contrib.django.api.sources.base import Page, series_key
from influxpy.contrib.django.api.sources.readings import ReadingsSource
from influxpy.contrib.django.api.types import (
    APIError,
    Cursor,
    Downsampler,
    Granularity,
    ParameterError,
    PointIn,
    PointsQuery,
    SeriesQuery,
    TagFilter,
    TimeRange,
)
from influxpy.contrib.django.storage import ReadingStorage

from ..backends import make_storage

T = datetime(2024, 3, 30, 22, tzinfo=UTC)   # 23:00 in Paris; clocks go forward at 01:00 UTC
NAMES = ('temperature', 'humidity', 'pulses')


def at(minutes: float, us: int = 0) -> datetime:
    return T + timedelta(minutes=minutes, microseconds=us)


def ns(when: datetime) -> int:
    return (when - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1) * 1000


# Ties at one time across devices; nullable columns, so points hold some fields only.
DATA: list[tuple[str, datetime, dict[str, Any]]] = [
    ('a1', at(0, 1), {'temperature': 1.0, 'pulses': 10}),
    ('a1', at(30), {'temperature': 2.0}),
    ('a1', at(60), {'temperature': 4.0, 'humidity': 50.0}),
    ('a1', at(120, -1), {'pulses': 20}),
    ('a1', at(195), {'temperature': 8.0}),
    ('a2', at(0, 1), {'temperature': 10.0}),
    ('a2', at(30), {'humidity': 30.0}),
    ('a2', at(60), {'temperature': 20.0, 'pulses': 5}),
    ('b', at(45), {'pulses': 7}),
    ('é', at(60), {'temperature': -1.5}),
]
# Every reading as a row, in (time, device) order.
ROWS = [(ns(when), device, {name: values.get(name) for name in NAMES})
        for device, when, values in sorted(DATA, key=lambda d: (d[1], d[0]))]
SPANS = {'a1': (ns(at(0, 1)), ns(at(195))), 'a2': (ns(at(0, 1)), ns(at(60))),
         'b': (ns(at(45)), ns(at(45))), 'é': (ns(at(60)), ns(at(60)))}


@pytest.fixture
def source(storage: ReadingStorage) -> ReadingsSource:
    storage.store_readings({'device': d, 'time': w, 'values': v} for d, w, v in DATA)
    return ReadingsSource('readings', storage)


def flat(page: Page) -> list[tuple[int, str, dict[str, Any]]]:
    """A page's rows in the page's order: (time, series key) ascending or descending."""
    rows = [(when, s.tags['device'], values) for s in page.series for when, values in s.rows]
    return sorted(rows, key=lambda r: (r[0], series_key({'device': r[1]})))


def walk(source: ReadingsSource, **query: Any) -> list[Page]:
    pages = [source.points(PointsQuery(**query), None)]
    while pages[-1].next is not None:
        assert len(pages) < 50
        pages.append(source.points(PointsQuery(**query, cursor=pages[-1].next), None))
    return pages


# -- describing and listing ---------------------------------------------------------------

def test_describes_the_reading_model(source: ReadingsSource) -> None:
    assert source.describe() == {
        'name': 'readings', 'kind': 'readings', 'tags': ['device'], 'tiers': [],
        'retention': None, 'fields': [{'name': 'temperature', 'type': 'float'},
                                      {'name': 'humidity', 'type': 'float'},
                                      {'name': 'pulses', 'type': 'integer'}]}
    assert source.downsamplers == ('mean', 'min', 'max', 'sum', 'count', 'spread')


def devices(source: ReadingsSource, *filters: TagFilter, selectors: Any = None) -> list[str]:
    found = source.series(SeriesQuery(tags=filters), selectors)
    return [s.tags['device'] for s in found]


def test_series_with_first_and_last(source: ReadingsSource) -> None:
    found = source.series(SeriesQuery(), None)
    assert [(s.tags, s.first, s.last, s.rows) for s in found] == [
        ({'device': d}, *SPANS[d], []) for d in ('a1', 'a2', 'b', 'é')]


@pytest.mark.parametrize(('lookup', 'value', 'expected'), [
    ('exact', 'b', ['b']), ('exact', 'nobody', []), ('ne', 'b', ['a1', 'a2', 'é']),
    ('in', ('a2', 'é', 'zz'), ['a2', 'é']), ('startswith', 'a', ['a1', 'a2']),
    ('endswith', '2', ['a2']), ('contains', '1', ['a1']), ('regex', '^(b|é)$', ['b', 'é']),
    ('regex', '[2é]', ['a2', 'é']),         # re.search: anywhere in the name
    ('ne', '', ['a1', 'a2', 'b', 'é']),
])
def test_tag_filters(source: ReadingsSource, lookup: str, value: Any, expected: list[str]) -> None:
    assert devices(source, TagFilter('device', lookup, value)) == expected


def test_filters_combine_and_selectors_hide(source: ReadingsSource) -> None:
    assert devices(source, TagFilter('device', 'startswith', 'a'),
                   TagFilter('device', 'ne', 'a1')) == ['a2']
    assert devices(source, TagFilter('device', 'in', ('a1', 'b')),
                   TagFilter('device', 'exact', 'a2')) == []
    assert devices(source, selectors=({'device': 'é'}, {'device': 'a1'})) == ['a1', 'é']
    assert devices(source, TagFilter('device', 'ne', 'a1'),
                   selectors=({'device': 'a1'}, {'device': 'b'})) == ['b']
    assert devices(source, selectors=({'region': 'eu'},)) == []   # no such tag: nothing
    assert devices(source, selectors=()) == []
    assert devices(source, selectors=({},)) == ['a1', 'a2', 'b', 'é']


def test_bad_filters_name_the_parameter(source: ReadingsSource) -> None:
    with pytest.raises(ParameterError) as info:
        devices(source, TagFilter('device', 'regex', '('))
    assert info.value.parameter == 'device__regex'
    with pytest.raises(ParameterError) as info:
        devices(source, TagFilter('host', 'exact', 'a'))
    assert info.value.parameter == 'host' and info.value.errors[0]['valid'] == ['device']


def test_series_pages(source: ReadingsSource) -> None:
    first = source.series(SeriesQuery(limit=2), None)
    assert [s.tags['device'] for s in first] == ['a1', 'a2', 'b']    # limit + 1
    rest = source.series(SeriesQuery(limit=2, cursor=first[1].key), None)
    assert [s.tags['device'] for s in rest] == ['b', 'é']


# -- raw points ---------------------------------------------------------------------------

def test_walking_next_gives_every_reading_once_in_order(source: ReadingsSource) -> None:
    pages = walk(source, limit=2)
    assert [len(flat(p)) for p in pages] == [2, 2, 2, 2, 2]
    assert [row for page in pages for row in flat(page)] == ROWS
    assert pages[0].previous is None and pages[-1].next is None
    assert pages[0].names == list(NAMES) and pages[0].granularity is None
    first = pages[0]
    assert first.next == Cursor(ROWS[1][0], series_key({'device': ROWS[1][1]}), False)
    assert [(s.tags, s.first, s.last) for s in first.series] == [
        ({'device': 'a1'}, *SPANS['a1']), ({'device': 'a2'}, *SPANS['a2'])]
    for limit in (1, 3, 4, 10, 11):
        pages = walk(source, limit=limit)
        assert [row for page in pages for row in flat(page)] == ROWS


def test_walking_desc(source: ReadingsSource) -> None:
    pages = walk(source, limit=3, order='desc')
    got = [row for page in pages for row in reversed(flat(page))]
    assert got == ROWS[::-1]
    assert [len(flat(p)) for p in pages] == [3, 3, 3, 1]
    assert pages[1].previous == Cursor(ROWS[-4][0], series_key({'device': ROWS[-4][1]}), False)


def test_previous_goes_back_page_by_page(source: ReadingsSource) -> None:
    for order in ('asc', 'desc'):
        pages = walk(source, limit=2, order=order)
        page = pages[3]
        for expected in reversed(pages[:3]):
            assert page.previous is not None
            page = source.points(PointsQuery(limit=2, order=order, cursor=page.previous), None)
            assert flat(page) == flat(expected)
        assert page.previous is None                       # back at the start
        assert page.next is not None
        again = source.points(PointsQuery(limit=2, order=order, cursor=page.next), None)
        assert flat(again) == flat(pages[1])


def test_fields_time_bounds_and_devices(source: ReadingsSource) -> None:
    page = source.points(PointsQuery(fields=('humidity',)), None)
    assert flat(page) == [(ns(at(30)), 'a2', {'humidity': 30.0}),
                          (ns(at(60)), 'a1', {'humidity': 50.0})]
    assert page.names == ['humidity']
    # Nanosecond bounds round inward: readings keep microseconds.
    edge = ns(at(0, 1))
    for low, high, count in ((edge, edge, 2), (edge + 1, None, 8), (edge - 999, edge + 999, 2),
                             (None, edge - 1, 0), (None, edge, 2), (edge + 1, edge + 999, 0)):
        page = source.points(PointsQuery(time=TimeRange(low, high)), None)
        assert len(flat(page)) == count, (low, high)
    page = source.points(PointsQuery(time=TimeRange(ns(at(45)), ns(at(60))),
                                     tags=(TagFilter('device', 'ne', 'a1'),)), None)
    assert [(r[0], r[1]) for r in flat(page)] == [
        (ns(at(45)), 'b'), (ns(at(60)), 'a2'), (ns(at(60)), 'é')]
    hidden = source.points(PointsQuery(), ({'device': 'b'},))
    assert [r[1] for r in flat(hidden)] == ['b']
    assert source.points(PointsQuery(), ({'region': 'eu'},)).series == []
    assert source.points(PointsQuery(time=TimeRange(5, 4)), None).series == []
    far = source.points(PointsQuery(time=TimeRange(-2**63, 2**63)), None)
    assert flat(far) == ROWS
    with pytest.raises(ParameterError) as info:
        source.points(PointsQuery(fields=('wind',)), None)
    assert info.value.parameter == 'fields'
    for call in (lambda: source.points(PointsQuery(limit=-1), None),
                 lambda: source.series(SeriesQuery(limit=-1), None)):
        with pytest.raises(ParameterError) as info:
            call()
        assert info.value.parameter == 'limit'


def test_cursors_far_away(source: ReadingsSource) -> None:
    for time_ns, descending, expected in ((2**62, False, []), (-2**62, False, ROWS),
                                          (2**62, True, ROWS), (-2**62, True, [])):
        page = source.points(PointsQuery(order='desc' if descending else 'asc',
                                         cursor=Cursor(time_ns, '', descending)), None)
        assert flat(page) == expected


def test_limit_zero_is_metadata_only(source: ReadingsSource) -> None:
    page = source.points(PointsQuery(limit=0, tags=(TagFilter('device', 'ne', 'b'),)), None)
    assert [(s.tags['device'], s.first, s.last, s.rows) for s in page.series] == [
        (d, *SPANS[d], []) for d in ('a1', 'a2', 'é')]
    assert page.next is None and page.previous is None


# -- downsampled --------------------------------------------------------------------------

HOURLY = Granularity('1h', ns=3600 * 10**9)
MEAN_MAX = (Downsampler('mean'), Downsampler('max'))


def row(minutes: int, device: str, *values: Any) -> tuple[int, str, dict[str, Any]]:
    names = [f'{d}_{f}' for d in ('mean', 'max') for f in NAMES]
    return ns(at(minutes)), device, dict(zip(names, values))


# Per hour in Paris (here on UTC hours: Paris is a whole number of hours away).
PER_HOUR = [
    row(0, 'a1', 1.5, None, 10.0, 2.0, None, 10),
    row(0, 'a2', 10.0, 30.0, None, 10.0, 30.0, None),
    row(0, 'b', None, None, 7.0, None, None, 7),
    row(60, 'a1', 4.0, 50.0, 20.0, 4.0, 50.0, 20),
    row(60, 'a2', 20.0, None, 5.0, 20.0, None, 5),
    row(60, 'é', -1.5, None, None, -1.5, None, None),
    row(180, 'a1', 8.0, None, None, 8.0, None, None),
]


@pytest.mark.parametrize('granularity', [HOURLY, Granularity('hour', ns=3600 * 10**9)])
def test_mean_and_max_per_hour_in_paris(source: ReadingsSource,
                                        granularity: Granularity) -> None:
    query = {'granularity': granularity, 'downsamplers': MEAN_MAX, 'tz': 'Europe/Paris'}
    page = source.points(PointsQuery(**query), None)
    assert page.names == [name for name in PER_HOUR[0][2]]
    assert page.granularity == granularity.name
    assert flat(page) == PER_HOUR
    pages = walk(source, limit=2, **query)
    assert [len(flat(p)) for p in pages] == [2, 2, 2, 1]
    assert [r for p in pages for r in flat(p)] == PER_HOUR
    back = source.points(PointsQuery(limit=2, cursor=pages[2].previous, **query), None)
    assert flat(back) == flat(pages[1])
    desc = walk(source, limit=3, order='desc', **query)
    assert [r for p in desc for r in reversed(flat(p))] == PER_HOUR[::-1]


def test_per_paris_day_across_the_clock_change(source: ReadingsSource) -> None:
    day = Granularity('day', calendar='day')
    page = source.points(PointsQuery(granularity=day, downsamplers=(Downsampler('count'),),
                                     fields=('temperature', 'pulses'), tz='Europe/Paris'), None)
    mar30 = ns(datetime(2024, 3, 29, 23, tzinfo=UTC))    # Paris midnights, in UTC
    mar31 = ns(datetime(2024, 3, 30, 23, tzinfo=UTC))
    assert flat(page) == [
        (mar30, 'a1', {'count_temperature': 2, 'count_pulses': 1}),
        (mar30, 'a2', {'count_temperature': 1, 'count_pulses': 0}),
        (mar30, 'b', {'count_temperature': 0, 'count_pulses': 1}),
        (mar31, 'a1', {'count_temperature': 2, 'count_pulses': 1}),
        (mar31, 'a2', {'count_temperature': 1, 'count_pulses': 1}),
        (mar31, 'é', {'count_temperature': 1, 'count_pulses': 0})]


def test_fill(source: ReadingsSource) -> None:
    base = {'granularity': HOURLY, 'downsamplers': (Downsampler('max'),), 'fields': ('pulses',),
            'tags': (TagFilter('device', 'in', ('a1', 'b')),)}
    got = {fill: [(r[0], r[1], r[2]['max_pulses'])
                  for r in flat(source.points(PointsQuery(fill=fill, **base), None))]
           for fill in ('none', 'null', 'previous', 'linear', -1)}
    h = [ns(at(60 * i)) for i in range(4)]
    assert got['none'] == [(h[0], 'a1', 10), (h[0], 'b', 7), (h[1], 'a1', 20)]
    # Without bounds, the grid runs from the first to the last reading of the matching
    # series, whatever fields they hold: a1's last reading (no pulses) is at 01:15 UTC.
    assert got['null'] == [(h[0], 'a1', 10), (h[0], 'b', 7), (h[1], 'a1', 20), (h[1], 'b', None),
                           (h[2], 'a1', None), (h[2], 'b', None), (h[3], 'a1', None),
                           (h[3], 'b', None)]
    assert got[-1] == [(t, d, -1 if v is None else v) for t, d, v in got['null']]
    assert got['previous'] == [(h[0], 'a1', 10), (h[0], 'b', 7), (h[1], 'a1', 20),
                               (h[1], 'b', 7), (h[2], 'a1', 20), (h[2], 'b', 7),
                               (h[3], 'a1', 20), (h[3], 'b', 7)]
    assert got['linear'] == got['null']   # nothing after the gaps to draw a line to
    bounded = source.points(PointsQuery(fill='linear', time=TimeRange(h[0], h[1] + 1),
                                        **{**base, 'tags': ()}), None)
    assert [(r[0], r[1], r[2]['max_pulses']) for r in flat(bounded)] == [
        (h[0], 'a1', 10), (h[0], 'a2', None), (h[0], 'b', 7), (h[1], 'a1', None),
        (h[1], 'a2', 5), (h[1], 'b', None)]


def test_fill_calendar_days(source: ReadingsSource) -> None:
    paris = ZoneInfo('Europe/Paris')
    days = [ns(datetime(2024, 3, d, tzinfo=paris)) for d in (29, 30, 31)]
    page = source.points(PointsQuery(
        granularity=Granularity('day', calendar='day'), tz='Europe/Paris', fill='null',
        downsamplers=(Downsampler('count'),), fields=('pulses',),
        tags=(TagFilter('device', 'exact', 'b'),),
        time=TimeRange(days[0], ns(datetime(2024, 4, 1, tzinfo=paris)) - 1)), None)
    assert [(r[0], r[2]['count_pulses']) for r in flat(page)] == [
        (days[0], 0), (days[1], 1), (days[2], 0)]


def test_fill_is_per_value(source: ReadingsSource) -> None:
    query = PointsQuery(granularity=HOURLY, downsamplers=(Downsampler('min'), Downsampler('count')),
                        fields=('temperature', 'pulses'), fill=-1,
                        tags=(TagFilter('device', 'exact', 'a1'),))
    h = [ns(at(60 * i)) for i in range(4)]
    assert [(r[0], r[2]) for r in flat(source.points(query, None))] == [
        (h[0], {'min_temperature': 1.0, 'min_pulses': 10, 'count_temperature': 2,
                'count_pulses': 1}),
        (h[1], {'min_temperature': 4.0, 'min_pulses': 20, 'count_temperature': 1,
                'count_pulses': 1}),
        (h[2], {'min_temperature': -1, 'min_pulses': -1, 'count_temperature': 0,
                'count_pulses': 0}),
        (h[3], {'min_temperature': 8.0, 'min_pulses': -1, 'count_temperature': 1,
                'count_pulses': 0})]


def test_linear_fill_between_buckets(storage: ReadingStorage) -> None:
    storage.store_readings([{'device': 'x', 'time': at(0), 'values': {'pulses': 1}},
                            {'device': 'x', 'time': at(180), 'values': {'pulses': 7}},
                            {'device': 'x', 'time': at(240), 'values': {'humidity': 1.0}},
                            {'device': 'x', 'time': at(300), 'values': {'pulses': 9}}])
    source = ReadingsSource('readings', storage)
    page = source.points(PointsQuery(granularity=HOURLY, downsamplers=(Downsampler('sum'),),
                                     fields=('pulses', 'humidity'), fill='linear'), None)
    assert [r[2]['sum_pulses'] for r in flat(page)] == [1, 3.0, 5.0, 7, 8.0, 9]
    assert [r[2]['sum_humidity'] for r in flat(page)] == [None] * 4 + [1.0, None]


def test_downsamplers_the_storage_cannot_do(source: ReadingsSource) -> None:
    for name in ('median', 'p95', 'stddev'):
        with pytest.raises(ParameterError) as info:
            source.points(PointsQuery(granularity=HOURLY, downsamplers=(
                Downsampler('mean'), Downsampler(name, 95.0 if name == 'p95' else None))), None)
        assert info.value.parameter == 'downsamplers'
        assert info.value.errors[0]['valid'] == list(source.downsamplers)
    with pytest.raises(ParameterError) as info:
        source.points(PointsQuery(granularity=Granularity('1500ns', ns=1500)), None)
    assert info.value.parameter == 'granularity'


# -- writes and deletes -------------------------------------------------------------------

def test_write_checks_every_point_before_writing(storage: ReadingStorage) -> None:
    source = ReadingsSource('readings', storage)
    good = PointIn(0, 1, ns(at(0)), {'device': 'w'}, {'temperature': 1.25, 'pulses': 3})
    bad = [PointIn(1, 2, ns(at(1)), {'device': 'w', 'host': 'h'}, {'pulses': 1}),
           PointIn(2, 3, ns(at(2)) + 1, {'device': 'w'}, {'pulses': 1}),
           PointIn(3, 4, ns(at(3)), {'device': 'w'}, {'wind': 1.0}),
           PointIn(4, None, ns(at(4)), {'device': 'w'}, {'pulses': 'many'}),
           PointIn(5, 6, ns(at(5)), {}, {'pulses': 1}),
           PointIn(6, 7, 10**30, {'device': 'w'}, {'pulses': 1})]
    with pytest.raises(APIError) as info:
        source.write([good, *bad])
    assert info.value.status == 400
    errors = info.value.errors
    assert [(e['index'], e['line'], e['field']) for e in errors] == [
        (1, 2, 'host'), (2, 3, 'time'), (3, 4, 'wind'), (4, None, 'pulses'), (5, 6, 'device'),
        (6, 7, 'time')]
    assert 'nanoseconds' in errors[1]['message'] and "'wind'" in errors[2]['message']
    assert storage.series() == []                            # nothing written
    assert source.write([good, PointIn(1, 2, ns(at(5)), {'device': 'v'}, {'humidity': 9})]) == 2
    page = source.points(PointsQuery(), None)
    assert flat(page) == [
        (ns(at(0)), 'w', {'temperature': 1.25, 'humidity': None, 'pulses': 3}),
        (ns(at(5)), 'v', {'temperature': None, 'humidity': 9.0, 'pulses': None})]


def test_delete(source: ReadingsSource) -> None:
    with pytest.raises(APIError, match='never deletes everything'):
        source.delete((), TimeRange(), None)
    ne_a1 = (TagFilter('device', 'ne', 'a1'),)
    assert source.delete(ne_a1, TimeRange(ns(at(45)), None), ({'device': 'a2'},)) == 1
    assert source.delete((), TimeRange(None, ns(at(0, 1))), None) == 2
    left = [(r[0], r[1]) for r in flat(source.points(PointsQuery(), None))]
    assert left == [(ns(at(30)), 'a1'), (ns(at(30)), 'a2'), (ns(at(45)), 'b'),
                    (ns(at(60)), 'a1'), (ns(at(60)), 'é'), (ns(at(120, -1)), 'a1'),
                    (ns(at(195)), 'a1')]
    assert source.delete((TagFilter('device', 'exact', 'nobody'),), TimeRange(), None) == 0
    assert source.delete(ne_a1, TimeRange(), ({'region': 'eu'},)) == 0


# -- the three backends at once -----------------------------------------------------------

@pytest.mark.django_db(databases=['default', 'pg'])
def test_every_backend_gives_the_same_pages(request: pytest.FixtureRequest) -> None:
    sources = []
    for kind in ('sqlite', 'postgresql', 'influxdb'):
        storage = make_storage(kind, request, 'testapp.Weather')
        storage.store_readings({'device': d, 'time': w, 'values': v} for d, w, v in DATA)
        sources.append(ReadingsSource('readings', storage))
    queries: list[dict[str, Any]] = [
        {'limit': 3}, {'limit': 4, 'order': 'desc', 'fields': ('pulses',)},
        {'granularity': Granularity('week', calendar='week'), 'tz': 'Asia/Kolkata',
         'downsamplers': (Downsampler('spread'), Downsampler('sum'))},
        {'granularity': Granularity('5m', ns=300 * 10**9), 'fill': 'null', 'limit': 5,
         'time': TimeRange(ns(at(20)), ns(at(70)))}]
    for query in queries:
        pages = [repr(walk(s, **query)) for s in sources]
        assert pages[0] == pages[1] == pages[2]
