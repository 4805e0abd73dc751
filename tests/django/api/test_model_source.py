"""The influxpy-measurement source against a real influxd, checked from outside.

Points are written by the raw ``influxdb`` client (another client's data); expected
answers are hand counts or raw InfluxQL sent to the server.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from influxpy.contrib.django.api.sources.model import ModelSource
from influxpy.contrib.django.api.types import (
    Cursor,
    Downsampler,
    Granularity,
    PointsQuery,
    SeriesQuery,
    TagFilter,
    TimeRange,
)

from .measurements import Probe

S = 10**9
T0 = 1_700_000_000 * S  # 2023-11-14T22:13:20Z


HOSTILE = 'we"ird, host=x \'y\' OR 1=1 /*'


def _write(conn: Any, lines: list[str]) -> None:
    conn.client.write_points(lines, protocol='line', time_precision='n',
                             database=conn.database)


@pytest.fixture
def source(influx_db: Any) -> ModelSource:
    lines = []
    # host a: every 10 s from T0 for 100 s; host b: every 10 s with 1 ns offset; host c:
    # hostile name, at the same times as a (ties).
    for i in range(10):
        lines.append(f'probes,host=a,region=eu cpu={i * 1.1!r},hits={i}i {T0 + i * 10 * S}')
        lines.append(f'probes,host=b cpu={i + 0.1!r} {T0 + i * 10 * S + 1}')
    _write(influx_db, lines)
    influx_db.client.write_points(  # the raw client escapes the hostile tag its own way
        [{'measurement': 'probes', 'tags': {'host': HOSTILE, 'region': 'us'},
          'fields': {'hits': i}, 'time': T0 + i * 10 * S} for i in range(10)],
        time_precision='n', database=influx_db.database)
    return ModelSource(Probe)


def _walk(source: ModelSource, query: PointsQuery) -> tuple[list[tuple[int, str]], list[Any]]:
    """Every (time, host) of every page, following ``next``; and the pages."""
    seen, pages = [], []
    while True:
        page = source.points(query, None)
        pages.append(page)
        flat = sorted(((t, s.tags['host']) for s in page.series for t, _ in s.rows),
                      reverse=query.order == 'desc')
        seen.extend(flat)
        if page.next is None:
            return seen, pages
        query = replace(query, cursor=page.next)


def test_raw_pages_visit_every_point_once_in_time_order(source: ModelSource) -> None:
    expected = sorted([(T0 + i * 10 * S, 'a') for i in range(10)]
                      + [(T0 + i * 10 * S + 1, 'b') for i in range(10)]
                      + [(T0 + i * 10 * S, HOSTILE) for i in range(10)],
                      key=lambda x: (x[0], x[1]))
    seen, pages = _walk(source, PointsQuery(limit=4))
    assert len(pages) == 8  # 30 points, 4 a page
    # ordered by (time, series key); a and the hostile host tie at every time
    assert sorted(seen) == sorted(expected) and len(seen) == 30
    assert [t for t, _ in seen] == sorted(t for t, _ in expected)
    assert pages[0].previous is None and pages[-1].next is None


def test_desc_pages_and_previous_go_back_exactly(source: ModelSource) -> None:
    seen, pages = _walk(source, PointsQuery(limit=7, order='desc'))
    assert [t for t, _ in seen] == sorted((t for t, _ in seen), reverse=True)
    assert len(seen) == 30
    # from the third page, previous gives the second page again
    third = pages[2]
    back = source.points(PointsQuery(limit=7, order='desc', cursor=third.previous), None)
    second = pages[1]
    assert [(s.key, s.rows) for s in back.series] == [(s.key, s.rows) for s in second.series]


def test_raw_values_and_exact_times(source: ModelSource) -> None:
    page = source.points(PointsQuery(tags=(TagFilter('host', 'exact', 'b'),),
                                     fields=('cpu',), limit=3), None)
    (series,) = page.series
    assert series.tags == {'host': 'b'}
    assert series.rows == [(T0 + i * 10 * S + 1, {'cpu': i + 0.1}) for i in range(3)]
    assert series.first == T0 + 1 and series.last == T0 + 90 * S + 1


def test_hostile_tag_value_is_a_value(source: ModelSource) -> None:
    for lookup, value in (('exact', HOSTILE), ('in', (HOSTILE, 'nope')),
                          ('startswith', 'we"ird, '), ('contains', "'y' OR 1=1 /*"),
                          ('regex', r'OR 1=1 /\*$')):
        page = source.points(PointsQuery(tags=(TagFilter('host', lookup, value),),
                                         limit=100), None)
        assert [s.tags['host'] for s in page.series] == [HOSTILE], lookup


def test_selectors_hide_series_and_cannot_be_widened(source: ModelSource) -> None:
    only_eu = ({'region': 'eu'},)
    page = source.points(PointsQuery(limit=100), only_eu)
    assert {s.tags['host'] for s in page.series} == {'a'}
    # a filter asking for another series finds nothing
    page = source.points(PointsQuery(tags=(TagFilter('host', 'exact', 'b'),), limit=100),
                         only_eu)
    assert page.series == []
    assert source.points(PointsQuery(limit=100), ()).series == []
    assert source.points(PointsQuery(limit=100), ({'nosuchtag': 'x'},)).series == []
    listed = source.series(SeriesQuery(), ({'host': 'b'}, {'region': 'us'}))
    assert sorted(s.tags['host'] for s in listed) == sorted(['b', HOSTILE])


def test_downsampled_mean_matches_raw_influxql(source: ModelSource, influx_db: Any) -> None:
    low, high = T0 + 15 * S, T0 + 75 * S  # cuts the 20 s buckets at both ends
    query = PointsQuery(tags=(TagFilter('host', 'exact', 'a'),), time=TimeRange(low, high),
                        fields=('cpu',), granularity=Granularity('20s', ns=20 * S),
                        downsamplers=(Downsampler('mean'), Downsampler('max'),
                                      Downsampler('p50', 50.0)), limit=100)
    page = source.points(query, None)
    raw = influx_db.query(
        'SELECT mean(cpu), max(cpu), percentile(cpu, 50) FROM probes WHERE host = \'a\' AND '
        f'time >= {low} AND time <= {high} GROUP BY time(20s) fill(none)', epoch='ns')
    expected = [(row[0], {'mean_cpu': row[1], 'max_cpu': row[2], 'p50_cpu': row[3]})
                for row in raw[0]['series'][0]['values']]
    (series,) = page.series
    assert series.rows == expected, (series.rows, expected)
    assert len(expected) == 3
    assert page.names == ['mean_cpu', 'max_cpu', 'p50_cpu']


def test_downsampled_pages(source: ModelSource) -> None:
    query = PointsQuery(fields=('cpu',), granularity=Granularity('30s', ns=30 * S), limit=2)
    seen, pages = _walk(source, query)
    # cpu exists on a and b; buckets of 30 s over 100 s: 4 each (the hostile host has none)
    assert len(seen) == 8 and len(pages) == 4
    assert sorted({h for _, h in seen}) == ['a', 'b']


def test_limit_zero_is_metadata(source: ModelSource) -> None:
    page = source.points(PointsQuery(limit=0), None)
    assert [(s.tags['host'], s.first, s.last, s.rows) for s in page.series] == sorted(
        [('a', T0, T0 + 90 * S, []), ('b', T0 + 1, T0 + 90 * S + 1, []),
         (HOSTILE, T0, T0 + 90 * S, [])], key=lambda x: sorted({'host': x[0]}.items()) and x[0])


def test_month_buckets_in_a_zone(influx_db: Any) -> None:
    # one point per day from 2024-01-30 to 2024-03-02, Paris midnight boundaries
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    paris = ZoneInfo('Europe/Paris')
    start = datetime(2024, 1, 30, 0, 30, tzinfo=paris)
    lines = []
    for i in range(33):
        when = start + timedelta(days=i)
        lines.append(f'probes,host=a hits={i}i {int(when.timestamp()) * S}')
    _write(influx_db, lines)
    page = ModelSource(Probe).points(PointsQuery(
        fields=('hits',), granularity=Granularity('month', calendar='month'),
        downsamplers=(Downsampler('count'), Downsampler('sum')), tz='Europe/Paris', limit=10),
        None)
    (series,) = page.series
    jan = int(datetime(2024, 1, 1, tzinfo=paris).timestamp()) * S
    feb = int(datetime(2024, 2, 1, tzinfo=paris).timestamp()) * S
    mar = int(datetime(2024, 3, 1, tzinfo=paris).timestamp()) * S
    assert series.rows == [(jan, {'count_hits': 2, 'sum_hits': 0 + 1}),
                           (feb, {'count_hits': 29, 'sum_hits': sum(range(2, 31))}),
                           (mar, {'count_hits': 2, 'sum_hits': 31 + 32})]


def test_cursor_from_another_direction(source: ModelSource) -> None:
    page = source.points(PointsQuery(limit=5, cursor=Cursor(T0 + 50 * S, 'zzz', True)), None)
    times = [t for s in page.series for t, _ in s.rows]
    assert max(times) <= T0 + 50 * S and len(times) == 5
