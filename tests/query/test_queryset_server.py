"""Every kind of clause run on the real server, answers checked against Python's own.

The data set: three hosts, one point a minute for two hours, with nulls and a gap;
expected values (mean, max, min, sum, count per bucket and tag…) are computed here from
the points written, never copied from an answer.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

import influxpy
from influxpy import F, Now, Q
from influxpy.aggregates import (
    Count,
    Derivative,
    Distinct,
    First,
    Last,
    Max,
    Mean,
    Min,
    Percentile,
    Spread,
    Sum,
    Top,
)
from influxpy.connection import Connection
from influxpy.exceptions import QueryError
from influxpy.query.queryset import QuerySet
from influxpy.resolutions import MONDAY, Day, Minute, Week
from influxpy.results import InfluxResult

from .models import Reading

MINUTE = 60_000_000_000
T0 = datetime(2024, 1, 1, tzinfo=UTC)
T0_NS = 1_704_067_200_000_000_000
END_NS = T0_NS + 120 * MINUTE
HOSTS = ('a', 'b', 'c')
R = Reading.series


def make_points() -> list[Reading]:
    points = []
    for k, host in enumerate(HOSTS):
        for i in range(120):
            if host == 'c' and 30 <= i < 50:
                continue  # a gap: empty buckets for fill()
            points.append(Reading(
                time=T0_NS + i * MINUTE, host=host, region=None if host == 'c' else 'eu',
                value=float((i * 7 + k * 13) % 50) + 0.5 * k,
                count=None if i % 11 == 0 else i % 9 - 4,
                note=f'n{i % 5}', ok=i % 3 == 0, level=float(i), spaced=i * 0.25))
    return points


@pytest.fixture
def points(influx_db: Connection) -> list[Reading]:
    written = make_points()
    assert R.bulk_create(written) == len(written)
    return written


def by_time(rows: list[Reading]) -> list[tuple[int | None, str]]:
    return sorted((row.time_ns, row.host) for row in rows)  # type: ignore[attr-defined]


def bucketed(points: list[Reading], attr: str, reduce: Callable[[list[Any]], Any], *,
             interval: int, offset: int = 0, start: int = T0_NS,
             end: int = END_NS) -> dict[str, dict[int, Any]]:
    """host -> bucket start -> reduce(values), None for an empty bucket (fill(null))."""
    first = (start - offset) // interval * interval + offset
    out: dict[str, dict[int, Any]] = {}
    for host in HOSTS:
        groups: dict[int, list[Any]] = {b: [] for b in range(first, end, interval)}
        for p in points:
            value = getattr(p, attr)
            if p.host == host and start <= p.time_ns < end and value is not None:  # type: ignore
                groups[(p.time_ns - offset) // interval * interval + offset].append(value)  # type: ignore
        out[host] = {b: reduce(v) if v else None for b, v in groups.items()}
    return out


def answer(qs: QuerySet, name: str) -> dict[str, dict[int, Any]]:
    out: dict[str, dict[int, Any]] = {}
    for result in qs:
        assert isinstance(result, InfluxResult)
        out[result.tags['host']] = {p['time'].time_ns: p[name] for p in result.points}
    return out


def approx(expected: dict[str, dict[int, Any]]) -> Any:
    return {h: {b: (pytest.approx(v) if v is not None else None) for b, v in buckets.items()}
            for h, buckets in expected.items()}


# -- plain queries: instances ----------------------------------------------------------


def test_plain_query_gives_back_the_instances_written(points: list[Reading]) -> None:
    got = list(R.filter(host='b'))
    assert got == [p for p in points if p.host == 'b']
    assert all(isinstance(p, Reading) for p in got)
    assert len(R.all()) == len(points)


LOOKUP_CASES: list[tuple[dict[str, Any], Callable[[Reading], bool]]] = [
    ({'host': 'a'}, lambda p: p.host == 'a'),
    ({'host__ne': 'a'}, lambda p: p.host != 'a'),
    ({'host__in': ['a', 'c']}, lambda p: p.host in ('a', 'c')),
    ({'host__in': []}, lambda p: False),
    ({'region__isnull': True}, lambda p: p.region is None),
    ({'region__isnull': False}, lambda p: p.region is not None),
    ({'region': None}, lambda p: p.region is None),
    ({'host__regex': '^[ab]$'}, lambda p: p.host in ('a', 'b')),
    ({'region__startswith': 'e'}, lambda p: (p.region or '').startswith('e')),
    ({'note__endswith': '3'}, lambda p: p.note.endswith('3')),
    ({'note__contains': '4'}, lambda p: '4' in p.note),
    ({'note__iexact': 'N1'}, lambda p: p.note == 'n1'),
    ({'note': 'n2'}, lambda p: p.note == 'n2'),
    ({'note__ne': 'n2'}, lambda p: p.note != 'n2'),
    ({'value__gt': 40}, lambda p: p.value > 40),
    ({'value__gte': 40.5}, lambda p: p.value >= 40.5),
    ({'count__lt': -2}, lambda p: p.count is not None and p.count < -2),
    ({'count__lte': -2}, lambda p: p.count is not None and p.count <= -2),
    ({'count': 0}, lambda p: p.count == 0),
    ({'count__in': [1, 3]}, lambda p: p.count in (1, 3)),
    ({'value__range': (10, 20)}, lambda p: 10 <= p.value <= 20),
    ({'ok': True}, lambda p: p.ok is True),
    ({'ok__ne': True}, lambda p: p.ok is False),
    ({'level__gt': 100.5}, lambda p: p.level > 100.5),
    ({'spaced__lt': 2}, lambda p: p.spaced < 2),
    ({'value__gt': F('level')}, lambda p: p.value > p.level),
    ({'value__lt': F('level') / 2}, lambda p: p.value < p.level / 2),
    ({'time__gte': T0 + timedelta(minutes=100)}, lambda p: p.time_ns >= T0_NS + 100 * MINUTE),
    ({'time__lt': T0_NS + 5 * MINUTE + 1}, lambda p: p.time_ns <= T0_NS + 5 * MINUTE),
    ({'time': T0_NS + 7 * MINUTE}, lambda p: p.time_ns == T0_NS + 7 * MINUTE),
    ({'time__range': (T0_NS + MINUTE, T0_NS + 3 * MINUTE)},
     lambda p: T0_NS + MINUTE <= p.time_ns <= T0_NS + 3 * MINUTE),
    ({'time__gt': '2024-01-01T01:59:00.000000001Z'}, lambda p: False),
]


@pytest.mark.parametrize(('lookups', 'predicate'), LOOKUP_CASES)
def test_lookups_match_what_python_matches(points: list[Reading], lookups: dict[str, Any],
                                           predicate: Callable[[Reading], bool]) -> None:
    assert by_time(list(R.filter(**lookups))) == by_time([p for p in points if predicate(p)])
    negatable = not any(k.startswith('time') for k in lookups) or \
        list(lookups) in (['time__gte'], ['time__lt'], ['time__gt'])
    if negatable and not any(k.startswith(('count', 'region')) for k in lookups):
        # exclude() is the complement (no nulls among these columns).
        assert by_time(list(R.exclude(**lookups))) == \
            by_time([p for p in points if not predicate(p)])


def test_q_trees(points: list[Reading]) -> None:
    qs = R.filter((Q(host='a') | Q(host='c', value__gt=30)) & ~Q(note__in=['n0', 'n1']),
                  time__lt=T0 + timedelta(minutes=60))
    expected = [p for p in points
                if (p.host == 'a' or (p.host == 'c' and p.value > 30))
                and p.note not in ('n0', 'n1') and p.time_ns < T0_NS + 60 * MINUTE]
    assert by_time(list(qs)) == by_time(expected)
    qs = R.exclude(Q(host='a') | Q(ok=True)).filter(level__lt=10)
    assert by_time(list(qs)) == by_time(
        [p for p in points if not (p.host == 'a' or p.ok) and p.level < 10])


def test_slicing_order_first_last_count_exists(points: list[Reading]) -> None:
    a = R.filter(host='a')
    levels = [p.level for p in points if p.host == 'a']
    assert [p.level for p in a[5:10]] == levels[5:10]
    assert [p.level for p in a[115:]] == levels[115:]
    assert [p.level for p in a.order_by('-time')[:3]] == levels[::-1][:3]
    assert [p.level for p in a.order_by('-time')[2:4]] == levels[::-1][2:4]
    assert a[3].level == levels[3]
    with pytest.raises(IndexError):
        a[500]
    assert list(a[7:7]) == []
    assert a.first().level == levels[0]
    assert a.last().level == levels[-1]
    assert a.order_by('-time').first().level == levels[-1]
    assert a.filter(level__gt=1000).first() is None
    assert a.count() == 120
    assert a[10:].count() == 110
    assert a[10:20].count() == 10
    assert R.filter(host='c').count() == 100
    assert R.only('count').count() == len([p for p in points if p.count is not None])
    assert a.exists() and not a.filter(level__gt=1000).exists()
    cached = a.filter(level__lt=3)
    assert len(cached) == 3 and cached.count() == 3 and cached.exists()
    assert [p.level for p in cached[1:]] == [1.0, 2.0]


def test_only_values_values_list_and_iterator(points: list[Reading]) -> None:
    a = R.filter(host='a', level__lt=4)
    only = list(a.only('value'))
    assert [p.value for p in only] == [p.value for p in points if p.host == 'a'][:4]
    assert only[0].note is None and (only[0].host, only[0].region) == ('a', points[0].region)
    dicts = list(a.values('value', 'note'))
    assert dicts[0] == {'time': T0, 'value': points[0].value, 'note': points[0].note}
    assert list(a.values_list('level', flat=True)) == [0.0, 1.0, 2.0, 3.0]
    assert list(a.values_list('time', 'level'))[1] == (T0 + timedelta(minutes=1), 1.0)
    streamed = list(R.all().iterator(chunk_size=7))
    assert streamed == list(R.all())
    assert len(streamed) == len(points)


def test_iterator_streams_chunks_and_caches_nothing(points: list[Reading]) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError('iterator() must stream through query_chunks')

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Connection, 'query', refuse)
        qs = R.filter(host='a')
        rows = qs.iterator(chunk_size=10)
        assert next(rows).level == 0.0
        assert [p.level for p in rows] == [float(i) for i in range(1, 120)]
        assert qs._result_cache is None
        series = list(R.filter(time__gte=T0, time__lt=T0 + timedelta(hours=2))
                      .group_by('host').annotate(m=Max('level')).resolution('1m')
                      .iterator(chunk_size=7))
    assert [len(r.points) for r in series] == [120, 120, 120]  # chunks merged per series


def test_series_as_dicts_and_tuples(points: list[Reading]) -> None:
    qs = (R.filter(time__gte=T0, time__lt=T0 + timedelta(minutes=20)).annotate(m=Max('level'))
          .resolution(Minute(10)).group_by('host'))
    assert list(qs.values('m', 'host'))[:2] == [
        {'time': T0, 'm': 9.0, 'host': 'a'},
        {'time': T0 + timedelta(minutes=10), 'm': 19.0, 'host': 'a'}]
    assert list(qs.values_list('host', 'm'))[-1] == ('c', 19.0)
    assert list(qs.values_list('m', flat=True)) == [9.0, 19.0] * 3
    assert qs.count() == 3  # one InfluxResult per series
    assert qs.first().tags == {'host': 'a'} and len(qs.first().points) == 1
    with pytest.raises(QueryError, match='at least one field'):
        R.only('host').count()


def test_to_dataframe(points: list[Reading]) -> None:
    frame = R.filter(host='b').to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == 120
    assert str(frame.index.tz) == 'UTC'
    assert frame['value'].tolist() == [p.value for p in points if p.host == 'b']
    grouped = (R.filter(time__gte=T0, time__lt=T0 + timedelta(minutes=20))
               .annotate(m=Mean('value')).resolution(Minute(10)).group_by('host')
               .to_dataframe())
    assert sorted(set(grouped['host'])) == list(HOSTS)
    assert len(grouped) == 6


def test_raw(points: list[Reading]) -> None:
    raw = R.raw('SELECT * FROM "reading" WHERE "host" = $h AND "level" < $n',
                params={'h': 'c', 'n': 2})
    assert list(raw) == [p for p in points if p.host == 'c' and p.level < 2]
    (series,) = raw.results()
    assert len(series.points) == 2


# -- aggregates per bucket and tag --------------------------------------------------------


AGGREGATES: list[tuple[Any, Callable[[list[Any]], Any]]] = [
    (Mean('value'), statistics.fmean),
    (Max('value'), max),
    (Min('value'), min),
    (Sum('count'), sum),
    (Count('count'), len),
    (Spread('value'), lambda v: max(v) - min(v)),
    (First('level'), lambda v: v[0]),
    (Last('note'), lambda v: v[-1]),
]


@pytest.mark.parametrize(('function', 'reduce'), AGGREGATES)
def test_aggregates_per_bucket_and_host(points: list[Reading], function: Any,
                                        reduce: Callable[[list[Any]], Any]) -> None:
    qs = (R.filter(time__gte=T0, time__lt=T0 + timedelta(hours=2))
          .annotate(x=function).resolution(Minute(10)).group_by('host'))
    attr = function.args[0].name
    expected = bucketed(points, attr, reduce, interval=10 * MINUTE)
    if function.function == 'count':  # count() of an empty bucket is 0, not null
        expected = {h: {b: v or 0 for b, v in bs.items()} for h, bs in expected.items()}
    assert answer(qs, 'x') == approx(expected)


def test_resolution_offset_and_fill(points: list[Reading]) -> None:
    base = (R.filter(host='c', time__gte=T0, time__lt=T0 + timedelta(hours=2))
            .annotate(m=Mean('level')).group_by('host'))
    offset = 3 * MINUTE
    expected = bucketed(points, 'level', statistics.fmean, interval=10 * MINUTE,
                        offset=offset)['c']
    assert min(expected) == T0_NS - 7 * MINUTE  # the first bucket starts before T0
    assert answer(base.resolution(Minute(10), offset=Minute(3)), 'm')['c'] == \
        pytest.approx(expected)
    plain = bucketed(points, 'level', statistics.fmean, interval=10 * MINUTE)['c']
    assert [v for v in plain.values() if v is None]  # the gap makes empty buckets
    filled = {b: (v if v is not None else -1) for b, v in plain.items()}
    assert answer(base.resolution('10m').fill(-1), 'm')['c'] == pytest.approx(filled)
    assert answer(base.resolution('10m').fill('null'), 'm')['c'] == pytest.approx(plain)
    assert answer(base.resolution('10m').fill('none'), 'm')['c'] == \
        pytest.approx({b: v for b, v in plain.items() if v is not None})
    previous, last = {}, None
    for b, v in plain.items():
        last = v if v is not None else last
        previous[b] = last
    assert answer(base.resolution('10m').fill('previous'), 'm')['c'] == pytest.approx(previous)
    linear = answer(base.resolution('10m').fill('linear'), 'm')['c']
    # The gap spans buckets 30m and 40m, between 24.5 (20m) and 54.5 (50m).
    assert linear[T0_NS + 30 * MINUTE] == pytest.approx(34.5)
    assert linear[T0_NS + 40 * MINUTE] == pytest.approx(44.5)


def test_group_by_everything_and_series_limits(points: list[Reading]) -> None:
    qs = R.filter(time__gte=T0, time__lt=T0 + timedelta(hours=2)).annotate(n=Count('level'))
    results = list(qs.group_by('*'))
    assert {(r.tags['host'], r.tags['region']) for r in results} == \
        {('a', 'eu'), ('b', 'eu'), ('c', None)}
    assert {r.tags['host']: r.points[0]['n'] for r in results} == {'a': 120, 'b': 120, 'c': 100}
    assert [r.tags['host'] for r in qs.group_by('host').slimit(2)] == ['a', 'b']
    assert [r.tags['host'] for r in qs.group_by('host').soffset(1)] == ['b', 'c']
    assert [r.tags['host'] for r in qs.group_by('host').series_limit(1, 2)] == ['c']
    # Raw points grouped into series: tags are the series', points carry fields only.
    by_host = {r.tags['host']: r for r in R.filter(level__lt=2).group_by('host')}
    assert [p['level'] for p in by_host['b'].points] == [0.0, 1.0]
    assert 'host' not in by_host['b'].points[0]


def test_order_and_limit_apply_per_series(points: list[Reading]) -> None:
    qs = (R.filter(time__gte=T0, time__lt=T0 + timedelta(hours=2)).annotate(m=Max('level'))
          .resolution(Minute(30)).group_by('host').order_by('-time')[:2])
    got = answer(qs, 'm')
    assert got == {'a': {T0_NS + 90 * MINUTE: 119.0, T0_NS + 60 * MINUTE: 89.0},
                   'b': {T0_NS + 90 * MINUTE: 119.0, T0_NS + 60 * MINUTE: 89.0},
                   'c': {T0_NS + 90 * MINUTE: 119.0, T0_NS + 60 * MINUTE: 89.0}}
    assert list(next(iter(qs)).points[0]) == ['time', 'm']


def test_nested_functions_and_arithmetic(points: list[Reading]) -> None:
    qs = (R.filter(host='a', time__gte=T0, time__lt=T0 + timedelta(hours=2))
          .annotate(d=Derivative(Mean('value'), Minute(1)), pct=Mean('value') * 100)
          .resolution(Minute(10)))
    means = bucketed(points, 'value', statistics.fmean, interval=10 * MINUTE)['a']
    starts = sorted(means)
    (result,) = list(qs)
    assert result.points[0]['d'] is None  # the first bucket has nothing before it
    derivative = {p['time'].time_ns: p['d'] for p in result.points[1:]}
    assert derivative == pytest.approx(
        {b: (means[b] - means[prev]) / 10 for prev, b in zip(starts, starts[1:])})
    assert {p['time'].time_ns: p['pct'] for p in result.points[1:]} == pytest.approx(
        {b: means[b] * 100 for b in starts[1:]})
    ratios = R.filter(host='b', level__gt=0, level__lt=5).annotate(r=F('value') / F('level'))
    (result,) = list(ratios)
    assert [p['r'] for p in result.points] == pytest.approx(
        [p.value / p.level for p in points if p.host == 'b' and 0 < p.level < 5])
    # A raw derivative (no resolution): per second between consecutive points.
    (result,) = list(R.filter(host='a', level__lt=4).annotate(d=Derivative('level')))
    assert [p['d'] for p in result.points] == pytest.approx([1 / 60] * 3)


def test_selectors_and_aggregate(points: list[Reading]) -> None:
    a = R.filter(host='a')
    (result,) = list(a.annotate(t=Top('level', 3)))
    assert [p['t'] for p in result.points] == [117.0, 118.0, 119.0]
    values = sorted(p.level for p in points if p.host == 'a')
    rank = int(math.floor(len(values) * 95 / 100 + 0.5)) - 1  # InfluxDB's nearest rank
    got = a.aggregate(p95=Percentile('level', 95), n=Count(Distinct('note')), total=Sum('level'),
                      avg=Mean('value'))
    assert got == {'p95': values[rank], 'n': 5, 'total': sum(values),
                   'avg': pytest.approx(statistics.fmean(p.value for p in points
                                                        if p.host == 'a'))}
    assert a.aggregate(Max('value')) == {'value__max': max(p.value for p in points
                                                           if p.host == 'a')}
    assert R.filter(host='nobody').aggregate(m=Mean('value')) == {'m': None}
    with pytest.raises(QueryError, match='several values'):
        a.aggregate(t=Top('level', 2))
    with pytest.raises(QueryError, match='annotate'):
        a.resolution('1m').aggregate(m=Mean('value'))


def test_time_zone_buckets_follow_daylight_saving(influx_db: Connection) -> None:
    paris = ZoneInfo('Europe/Paris')
    start = datetime(2024, 3, 29, tzinfo=UTC)
    hourly = [Reading(time=start + timedelta(hours=h), host='a', level=float(h))
              for h in range(24 * 4)]
    R.bulk_create(hourly)
    qs = (R.filter(time__gte=start, time__lt=start + timedelta(days=4))
          .annotate(total=Sum('level'), n=Count('level')).resolution(Day(1)).tz('Europe/Paris'))
    expected: dict[datetime, list[float]] = defaultdict(list)
    for p in hourly:
        local = p.time.astimezone(paris)  # type: ignore[union-attr]
        midnight = datetime(local.year, local.month, local.day, tzinfo=paris)
        expected[midnight].append(p.level)  # type: ignore[arg-type]
    (result,) = list(qs)
    got = {p['time']: (p['total'], p['n']) for p in result.points}
    assert got == {day: (sum(v), len(v)) for day, v in expected.items()}
    # The day the clocks go forward has 23 hours; times come back in Paris time.
    assert got[datetime(2024, 3, 31, tzinfo=paris)][1] == 23
    offsets = {p['time'].utcoffset() for p in result.points}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}


@pytest.mark.parametrize('zone', ['UTC', 'Europe/Paris'])
def test_weeks_from_monday_and_from_the_epoch(influx_db: Connection, zone: str) -> None:
    start = datetime(2024, 1, 2, 5, tzinfo=UTC)  # a Tuesday; no clock change in range
    points = [Reading(time=start + timedelta(hours=7 * i), host='a', level=float(i % 13))
              for i in range(8 * 24)]  # 56 days
    R.bulk_create(points)
    frame = pd.DataFrame({'level': [p.level for p in points]},
                         index=pd.DatetimeIndex([p.time for p in points]).tz_convert(zone))
    for offset, rule in ((MONDAY, 'W-MON'), (None, 'W-THU')):
        weeks = frame['level'].resample(rule, label='left', closed='left').agg(['sum', 'count'])
        want = {t.to_pydatetime(): (s, int(n)) for t, (s, n) in weeks.iterrows()}
        qs = (R.filter(time__gte=start, time__lt=start + timedelta(days=56))
              .annotate(total=Sum('level'), n=Count('level'))
              .resolution(Week(1), offset=offset).tz(zone).fill('none'))
        (result,) = list(qs)
        got = {p['time']: (p['total'], p['n']) for p in result.points}
        assert got == want
        weekday = 0 if offset is MONDAY else 3
        assert {t.astimezone(ZoneInfo(zone)).weekday() for t in got} == {weekday}
        assert {t.astimezone(ZoneInfo(zone)).time() for t in got} == {datetime.min.time()}


def test_relative_time_bounds(influx_db: Connection) -> None:
    now = datetime.now(UTC)
    R.bulk_create([Reading(time=now - timedelta(hours=2), host='old', level=1.0),
                   Reading(time=now - timedelta(minutes=30), host='new', level=2.0)])
    assert [p.host for p in R.filter(time__gte=Now() - '1h')] == ['new']
    assert [p.host for p in R.filter(time__lt=Now() - Minute(90))] == ['old']
    assert len(R.filter(time__range=(Now() - Day(1), Now()))) == 2


# -- delete ----------------------------------------------------------------------------


def test_delete_by_tags_and_time(points: list[Reading]) -> None:
    R.filter(host='c').delete()  # DROP SERIES
    assert {p.host for p in R.all()} == {'a', 'b'}
    R.filter(host='a', time__lt=T0 + timedelta(minutes=100)).delete()  # DELETE
    assert by_time(list(R.filter(host='a'))) == \
        by_time([p for p in points if p.host == 'a' and p.time_ns >= T0_NS + 100 * MINUTE])
    assert R.filter(host='b').count() == 120
    R.filter(time__gte=T0 + timedelta(minutes=110)).delete()
    assert R.filter(host='a').count() == 10 and R.filter(host='b').count() == 110
    R.exclude(region__isnull=True).delete()
    assert not R.exists()
    with pytest.raises(QueryError, match='field'):
        R.filter(value__gt=1).delete()


def test_batch_runs_several_querysets_in_one_request(points: list[Reading]) -> None:
    from influxpy.query import batch
    hostile = "it's \r\x00 \"odd\""  # \r and NUL cannot be inlined: they are bound
    plain = R.filter(host='a').order_by('-time')[:3]
    series = (R.filter(time__gte=T0, time__lt=T0 + timedelta(hours=1))
              .annotate(m=Max('value')).resolution(Minute(1)).group_by('host'))
    flat = R.filter(host='b').values_list('value', flat=True)
    nothing = R.filter(host=hostile)
    empty = R.all()[5:5]
    got = batch(plain, series, flat, nothing, empty)
    assert got == [list(plain), list(series), list(flat), [], []]
    assert batch() == []


def test_batch_needs_one_connection_and_database(points: list[Reading]) -> None:
    from influxpy.query import batch
    influxpy.connect('influxdb://127.0.0.1:1/elsewhere', alias='elsewhere')
    try:
        with pytest.raises(QueryError, match='one connection and database'):
            batch(R.all(), R.all().using('elsewhere'))
    finally:
        influxpy.disconnect('elsewhere')
