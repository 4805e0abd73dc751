"""One behaviour suite, run on every storage: the ORM on SQLite, the ORM on PostgreSQL
and InfluxDB. Answers are checked against plain Python (expected.py), and the last
test asks every backend the same questions at once and compares the answers."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import dateutil.tz
import pytest
import pytz
from django.utils import timezone as dj_timezone

from influxpy.contrib.django.storage import Bucket, DeviceReading, InfluxStorage, ReadingStorage
from influxpy.exceptions import QueryError, ValidationError

from . import expected
from .backends import make_storage

PARIS = ZoneInfo('Europe/Paris')
KOLKATA = ZoneInfo('Asia/Kolkata')
KINDS = {'temperature': 'float', 'humidity': 'float', 'pulses': 'integer'}
T0 = datetime(2024, 1, 1, tzinfo=UTC)
DEVICES = ('a', 'b', 'é')


def dataset() -> list[DeviceReading]:
    """Readings around the 2024 clock changes in Paris and around bucket edges."""
    readings = []
    start = datetime(2024, 3, 24, tzinfo=UTC)
    for i in range(0, 16 * 24, 5):  # every 5 hours for 16 days, across 2024-03-31
        when = start + timedelta(hours=i, minutes=7 * (i % 3))
        for k, device in enumerate(DEVICES):
            values: dict[str, Any] = {'temperature': (i % 17) * 0.25 + k,
                                      'humidity': None if i % 4 else 50.5 - k,
                                      'pulses': None if (i + k) % 3 == 0 else i * 3 - k}
            if k == 2 and i % 2:
                values['temperature'] = None
            if all(v is None for v in values.values()):
                values['pulses'] = 1
            readings.append(DeviceReading(device, when, values))
    # Exactly on edges: local midnight of the clock change, of the new week and month
    # (Paris), a microsecond before them, and an Indian hour boundary.
    for when in (datetime(2024, 3, 31, tzinfo=PARIS), datetime(2024, 4, 1, tzinfo=PARIS),
                 datetime(2024, 4, 1, tzinfo=PARIS) - timedelta(microseconds=1),
                 datetime(2024, 3, 27, 10, tzinfo=KOLKATA),
                 datetime(2024, 10, 27, 2, 30, tzinfo=PARIS),              # summer time
                 datetime(2024, 10, 27, 2, 30, fold=1, tzinfo=PARIS)):     # winter time
        readings.append(DeviceReading('a', when.astimezone(UTC),
                                {'temperature': 7.75, 'humidity': 1.25, 'pulses': 42}))
    return readings


@pytest.fixture
def filled(storage: ReadingStorage) -> tuple[ReadingStorage, list[DeviceReading]]:
    readings = dataset()
    assert storage.store_readings(readings) == len(readings)
    return storage, readings


def utc_reading(reading: DeviceReading, fields: tuple[str, ...] = tuple(KINDS)) -> DeviceReading:
    return DeviceReading(reading.device, reading.time.astimezone(UTC),
                   {name: reading.values.get(name) for name in fields})


def ordered(readings: list[DeviceReading], descending: bool = False) -> list[DeviceReading]:
    return sorted(readings, key=lambda r: (r.time, r.device), reverse=descending)


# -- storing and reading back -----------------------------------------------------------

def test_readings_come_back_as_stored(filled: Any) -> None:
    storage, readings = filled
    got = storage.query_readings()
    assert got == ordered([utc_reading(r) for r in readings])
    assert all(r.time.tzinfo is UTC and type(r.time) is datetime for r in got)
    assert all(type(r.values['pulses']) in (int, type(None)) for r in got)
    assert all(type(r.values['temperature']) in (float, type(None)) for r in got)


def test_order_limit_and_ties(filled: Any) -> None:
    storage, readings = filled
    everything = ordered([utc_reading(r) for r in readings], descending=True)
    assert storage.query_readings(order='desc') == everything
    assert storage.query_readings(order='desc', limit=4) == everything[:4]
    first = storage.query_readings(limit=3)
    assert [r.device for r in first] == ['a', 'b', 'é']  # one time: by device


EIGHT = ('h', 'a b', 'é', 'a', 'a-b', 'a,b', 'a=b', 'A')  # escaped in series keys


@pytest.mark.parametrize('order', ['asc', 'desc'])
def test_ties_at_one_time_are_ordered_by_device_and_cut_the_same(
        storage: ReadingStorage, order: str) -> None:
    # 8 devices at T0 and at T0+1s, 2 devices at T0-1s: a limit cuts inside a tie.
    stored = [DeviceReading(d, T0 + timedelta(seconds=s), {'pulses': i * 10 + s})
              for s in (0, 1) for i, d in enumerate(EIGHT)]
    stored += [DeviceReading(d, T0 - timedelta(seconds=1), {'pulses': 99}) for d in ('z', 'a')]
    storage.store_readings(stored)
    # By hand: by time, then by device (code point order), both reversed for desc.
    times = [T0 - timedelta(seconds=1)] * 2 + [T0] * 8 + [T0 + timedelta(seconds=1)] * 8
    devices = ['a', 'z'] + sorted(EIGHT) * 2
    if order == 'desc':
        times, devices = times[::-1], devices[::-1]
    for limit in (None, 1, 2, 3, 5, 10, 11, 17, 18, 30):
        got = storage.query_readings(order=order, limit=limit, fields='pulses')
        assert [(r.time, r.device) for r in got] == list(zip(times, devices))[:limit]
    got = storage.query_readings(['é', 'a', 'a b'], order=order, limit=4, fields='pulses')
    mine = [(t, d) for t, d in zip(times, devices) if d in ('é', 'a', 'a b')]
    assert [(r.time, r.device) for r in got] == mine[:4]


def test_devices_and_fields(filled: Any) -> None:
    storage, readings = filled
    mine = [r for r in readings if r.device in ('b', 'é')]
    assert storage.query_readings(['é', 'b']) == ordered([utc_reading(r) for r in mine])
    assert storage.query_readings('nobody') == []
    assert storage.query_readings([]) == []
    # A reading with none of the selected fields is left out, as InfluxDB leaves it out.
    humid = [utc_reading(r, ('humidity',)) for r in readings
             if r.values.get('humidity') is not None]
    assert storage.query_readings(fields=['humidity']) == ordered(humid)
    two = [utc_reading(r, ('pulses', 'humidity')) for r in readings
           if r.device == 'a' and (r.values.get('pulses') is not None
                                   or r.values.get('humidity') is not None)]
    assert storage.query_readings('a', fields=('pulses', 'humidity')) == ordered(two)


@pytest.mark.parametrize('bounds, inside', [
    ({'start': T0, 'end': T0 + timedelta(minutes=2)}, [0, 1, 2]),
    ({'after': T0, 'end': T0 + timedelta(minutes=2)}, [1, 2]),
    ({'start': T0, 'before': T0 + timedelta(minutes=2)}, [0, 1]),
    ({'after': T0, 'before': T0 + timedelta(minutes=2)}, [1]),
    ({'start': T0 + timedelta(minutes=3)}, [3, 4]),
    ({'before': T0 + timedelta(minutes=1, microseconds=1)}, [0, 1]),
    ({'after': T0 + timedelta(minutes=1, microseconds=-1)}, [1, 2, 3, 4]),
    ({'start': T0 + timedelta(minutes=5)}, []),
])
def test_time_bounds_inclusive_and_exclusive(storage: ReadingStorage, bounds: dict[str, Any],
                                             inside: list[int]) -> None:
    storage.store_readings([DeviceReading('a', T0 + timedelta(minutes=i), {'pulses': i})
                            for i in range(5)])
    got = storage.query_readings('a', fields='pulses', **bounds)
    assert [r.values['pulses'] for r in got] == inside


def test_storing_again_merges_and_replaces(storage: ReadingStorage) -> None:
    storage.store_reading('a', {'temperature': 1.5, 'pulses': 1}, time=T0)
    storage.store_reading('a', {'temperature': 2.5}, time=T0)           # replaces one value
    storage.store_reading('a', {'humidity': 9.0, 'pulses': None}, time=T0)  # None erases nothing
    storage.store_readings([{'device': 'a', 'time': T0, 'pulses': 5},
                            {'device': 'a', 'time': T0, 'pulses': 6}])  # the later wins
    assert storage.query_readings() == [
        DeviceReading('a', T0, {'temperature': 2.5, 'humidity': 9.0, 'pulses': 6})]


def test_store_reading_without_time_is_now(storage: ReadingStorage) -> None:
    before = dj_timezone.now()
    reading = storage.store_reading('a', {'pulses': 1})
    assert before <= reading.time <= dj_timezone.now()
    assert storage.query_readings() == [DeviceReading('a', reading.time, {
        'temperature': None, 'humidity': None, 'pulses': 1})]


def test_naive_datetimes_are_read_in_the_current_time_zone(storage: ReadingStorage) -> None:
    with dj_timezone.override(PARIS), pytest.warns(RuntimeWarning, match='naive datetime'):
        storage.store_reading('a', {'pulses': 1}, time=datetime(2024, 7, 1, 12))
    with dj_timezone.override(PARIS), pytest.warns(RuntimeWarning, match='naive datetime'):
        got = storage.query_readings(start=datetime(2024, 7, 1, 12))
    assert [r.time for r in got] == [datetime(2024, 7, 1, 10, tzinfo=UTC)]
    assert storage.query_readings(start='2024-07-01T10:00:00Z', fields='pulses') == [
        DeviceReading('a', datetime(2024, 7, 1, 10, tzinfo=UTC), {'pulses': 1})]


# -- aggregates -------------------------------------------------------------------------

FUNCTIONS = ['avg', 'min', 'max', 'sum', 'count', 'spread']
INTERVALS = [
    ('minute', UTC), ('hour', UTC), ('hour', KOLKATA), ('day', UTC), ('day', PARIS),
    ('day', KOLKATA), ('week', PARIS), ('week', UTC), ('month', PARIS), ('month', KOLKATA),
    (timedelta(minutes=90), PARIS), (timedelta(days=1), PARIS), (None, PARIS),
    ('day', timezone(timedelta(hours=-3))),
]


@pytest.mark.parametrize('function', FUNCTIONS)
def test_aggregate_every_function_by_day_in_paris(filled: Any, function: str) -> None:
    storage, readings = filled
    got = storage.aggregate(function, 'day', tz='Europe/Paris')
    assert got == expected.aggregate(readings, KINDS, function, 'day', PARIS)


@pytest.mark.parametrize('interval, tz', INTERVALS, ids=str)
def test_aggregate_buckets_and_time_zones(filled: Any, interval: Any, tz: Any) -> None:
    storage, readings = filled
    got = storage.aggregate('sum', interval, tz=tz, fields=['pulses', 'temperature'])
    want = expected.aggregate(readings, KINDS, 'sum', interval, tz, ['pulses', 'temperature'])
    assert got == want
    # Same instants and the same wall-clock names, in the query's zone.
    assert [b.time.isoformat() if b.time else None for b in got] == \
        [b.time.isoformat() if b.time else None for b in want]


OTHER_ZONES = [
    (dateutil.tz.gettz('Europe/Paris'), PARIS), (pytz.timezone('Europe/Paris'), PARIS),
    (dateutil.tz.gettz('Asia/Kolkata'), KOLKATA), (dateutil.tz.tzoffset(None, -10800),
                                                   timezone(timedelta(hours=-3))),
    (pytz.FixedOffset(330), timezone(timedelta(hours=5, minutes=30))),
]


@pytest.mark.parametrize('interval', ['day', 'week', 'month', 'hour', timedelta(hours=5)])
@pytest.mark.parametrize('tz, same', OTHER_ZONES, ids=repr)
def test_dateutil_and_pytz_zones_give_the_buckets_of_the_same_zone(
        filled: Any, tz: Any, same: Any, interval: Any) -> None:
    storage, readings = filled
    got = storage.aggregate('sum', interval, tz=tz, fields=['pulses'])
    want = expected.aggregate(readings, KINDS, 'sum', interval, same, ['pulses'])
    # In UTC: by PEP 495 a time in a repeated hour is unequal to itself in another zone.
    assert [(b.time.astimezone(UTC), b.values) for b in got] == \
        [(b.time.astimezone(UTC), b.values) for b in want]
    assert [b.time.isoformat() for b in got] == [b.time.isoformat() for b in want]


def test_a_zone_without_name_or_fixed_offset_is_refused_for_calendar_buckets(
        filled: Any) -> None:
    storage, readings = filled
    rule = dateutil.tz.tzstr('CET-1CEST,M3.5.0,M10.5.0/3')
    for interval in ('day', 'week', 'month'):
        with pytest.raises(QueryError, match='neither a zone name nor a fixed offset'):
            storage.aggregate('sum', interval, tz=rule)
    got = storage.aggregate('sum', 'hour', tz=rule, fields=['pulses'])  # a fixed grid: fine
    want = expected.aggregate(readings, KINDS, 'sum', 'hour', PARIS, ['pulses'])
    assert [(b.time.astimezone(UTC), b.values) for b in got] == \
        [(b.time.astimezone(UTC), b.values) for b in want]


def test_buckets_start_at_local_midnight_across_the_clock_change(filled: Any) -> None:
    storage, _ = filled
    days = [b.time for b in storage.aggregate('count', 'day', tz=PARIS,
                                              start=datetime(2024, 3, 30, tzinfo=PARIS),
                                              before=datetime(2024, 4, 2, tzinfo=PARIS))]
    assert [d.isoformat() for d in days] == ['2024-03-30T00:00:00+01:00',
                                             '2024-03-31T00:00:00+01:00',
                                             '2024-04-01T00:00:00+02:00']
    weeks = storage.aggregate('count', 'week', tz=PARIS, fields='temperature')
    assert [b.time.isoformat() for b in weeks][:3] == ['2024-03-18T00:00:00+01:00',
                                                       '2024-03-25T00:00:00+01:00',
                                                       '2024-04-01T00:00:00+02:00']


def test_aggregate_with_filters(filled: Any) -> None:
    storage, readings = filled
    start, before = datetime(2024, 3, 29, 5, tzinfo=UTC), datetime(2024, 4, 3, tzinfo=UTC)
    got = storage.aggregate('max', 'week', device=['b', 'é'], start=start, before=before,
                            tz=PARIS)
    want = expected.aggregate(readings, KINDS, 'max', 'week', PARIS,
                              where=lambda r: r.device in ('b', 'é') and start <= r.time < before)
    assert got == want
    assert storage.aggregate('avg', 'month', device='nobody') == []


@pytest.mark.parametrize('function', ['avg', 'spread', 'count'])
def test_downsample_per_device(filled: Any, function: str) -> None:
    storage, readings = filled
    got = storage.downsample(timedelta(hours=6), function, tz=PARIS)
    assert got == expected.aggregate(readings, KINDS, function, timedelta(hours=6), PARIS,
                                     by_device=True)
    monthly = storage.downsample('month', function, fields=['humidity'], tz=KOLKATA)
    assert monthly == expected.aggregate(readings, KINDS, function, 'month', KOLKATA,
                                         ['humidity'], by_device=True)


# -- deleting ---------------------------------------------------------------------------

def test_delete_by_device_and_time_range(filled: Any) -> None:
    storage, readings = filled
    start, end = datetime(2024, 3, 30, tzinfo=UTC), datetime(2024, 4, 2, tzinfo=UTC)
    doomed = [r for r in readings if r.device == 'b' and start <= r.time <= end]
    assert storage.delete_readings('b', start=start, end=end) == len(doomed) > 0
    left = [utc_reading(r) for r in readings if r not in doomed]
    assert storage.query_readings() == ordered(left)
    assert storage.delete_readings('b', start=start, end=end) == 0
    assert storage.delete_readings(['a', 'é']) == len([r for r in left if r.device != 'b'])
    assert [r.device for r in storage.query_readings()] == ['b'] * (len(left) - len(
        [r for r in left if r.device != 'b']))


def test_delete_needs_a_device_or_a_range(storage: ReadingStorage) -> None:
    with pytest.raises(QueryError, match='needs a device or a time range'):
        storage.delete_readings()


# -- the rest of the interface ------------------------------------------------------------

def test_health_check_and_features(storage: ReadingStorage) -> None:
    health = storage.health_check()
    assert health and health.healthy and health.latency >= 0, health.message
    features = storage.features
    assert set(features.functions) == set(FUNCTIONS)
    assert features.intervals == ('minute', 'hour', 'day', 'week', 'month')
    assert features.timedelta_intervals and features.time_zones
    assert storage.fields == ('temperature', 'humidity', 'pulses')


def test_the_default_reading_model(value_storage: ReadingStorage) -> None:
    value_storage.store_readings([DeviceReading('s1', T0 + timedelta(hours=i), {'value': i / 2})
                                  for i in range(48)])
    assert value_storage.aggregate('avg', 'day') == [
        Bucket(datetime(2024, 1, 1, tzinfo=UTC), {'value': 5.75}),
        Bucket(datetime(2024, 1, 2, tzinfo=UTC), {'value': 17.75})]
    assert value_storage.delete_readings('s1', before=T0 + timedelta(hours=10)) == 10
    with pytest.raises(ValidationError, match='value is missing'):
        value_storage.store_reading('s1', {})


# -- bad input: the same error on every backend, and nothing stored -----------------------

BAD_READINGS = [
    ({'device': 'a', 'time': T0, 'values': {'pulses': 'x'}}, "pulses='x' is a str, not a number"),
    ({'device': 'a', 'time': T0, 'values': {'pulses': 1.5}}, 'pulses=1.5 is not a whole number'),
    ({'device': 'a', 'time': T0, 'values': {'pulses': 2 ** 40}}, 'is outside'),
    ({'device': 'a', 'time': T0, 'values': {'temperature': True}}, 'is a bool, not a number'),
    ({'device': 'a', 'time': T0, 'values': {'temperature': float('nan')}}, 'is not finite'),
    ({'device': 'a', 'time': T0, 'values': {'wind': 3.0}}, "has no value column 'wind'"),
    ({'device': 'a', 'time': T0, 'values': {}}, 'has no value'),
    ({'device': 'a', 'time': T0, 'values': {'pulses': None}}, 'has no value'),
    ({'device': '', 'time': T0, 'values': {'pulses': 1}}, "device '' is empty"),
    ({'device': 7, 'time': T0, 'values': {'pulses': 1}}, 'device 7 is a int, not a string'),
    ({'device': 'a\nb', 'time': T0, 'values': {'pulses': 1}}, 'line break'),
    ({'device': 'a\\', 'time': T0, 'values': {'pulses': 1}}, 'ends with a backslash'),
    ({'device': 'x' * 256, 'time': T0, 'values': {'pulses': 1}}, 'longer than 255'),
    ({'device': 'a', 'time': 'yesterday', 'values': {'pulses': 1}}, 'not an ISO-8601'),
    ({'device': 'a', 'time': 1_700_000_000, 'values': {'pulses': 1}}, 'is not a datetime'),
    ({'device': 'a', 'time': datetime(2300, 1, 1, tzinfo=UTC), 'values': {'pulses': 1}},
     'outside the range'),
    ({'device': 'a', 'values': {'pulses': 1}, 'wind': 2}, 'has both values and the key'),
]


@pytest.mark.parametrize('bad, message', BAD_READINGS, ids=lambda v: str(v)[:30])
def test_bad_readings_are_refused_before_anything_is_stored(
        storage: ReadingStorage, bad: dict[str, Any], message: str) -> None:
    good = {'device': 'a', 'time': T0 - timedelta(hours=1), 'values': {'pulses': 1}}
    with pytest.raises(ValidationError, match='testapp.Weather reading #1') as info:
        storage.store_readings([good, bad])
    assert message in str(info.value)
    assert storage.query_readings() == []


BAD_QUERIES = [
    (lambda s: s.query_readings(fields=['wind']), "has no value column 'wind'"),
    (lambda s: s.query_readings(fields=[]), 'selects nothing'),
    (lambda s: s.query_readings(limit=0), 'limit=0 must be a positive integer'),
    (lambda s: s.query_readings(order='up'), "order='up'"),
    (lambda s: s.query_readings(start=T0, after=T0), 'not both'),
    (lambda s: s.query_readings(start='soon'), 'not an ISO-8601'),
    (lambda s: s.query_readings(device=3), 'device=3'),
    (lambda s: s.aggregate('median', 'day'), "unknown function 'median'"),
    (lambda s: s.aggregate('avg', 'fortnight'), "unknown interval 'fortnight'"),
    (lambda s: s.aggregate('avg', timedelta(0)), 'must be positive'),
    (lambda s: s.aggregate('avg', 5), 'is not an interval'),
    (lambda s: s.aggregate('avg', 'day', tz='Mars/Olympus'), 'is not a time zone'),
    (lambda s: s.downsample(None), 'needs an interval'),
    (lambda s: s.aggregate('avg', 'day', fields='wind'), "has no value column 'wind'"),
]


@pytest.mark.parametrize('call, message', BAD_QUERIES, ids=lambda v: str(v)[:30])
def test_bad_queries_fail_while_building(storage: ReadingStorage, call: Any,
                                         message: str) -> None:
    with pytest.raises(QueryError) as info:
        call(storage)
    assert message in str(info.value)


# -- every backend, one question at a time ------------------------------------------------

@pytest.mark.django_db(databases=['default', 'pg'])
def test_every_backend_gives_the_same_answers(request: pytest.FixtureRequest) -> None:
    storages = [make_storage(kind, request, 'testapp.Weather')
                for kind in ('sqlite', 'postgresql', 'influxdb')]
    readings = dataset()
    questions: list[Any] = [
        lambda s: s.query_readings(),
        lambda s: s.query_readings(['a', 'é'], fields='humidity', order='desc', limit=7),
        lambda s: s.query_readings(after=datetime(2024, 3, 31, tzinfo=PARIS),
                                   before=datetime(2024, 4, 1, tzinfo=PARIS)),
    ]
    for function in FUNCTIONS:
        for interval, tz in INTERVALS:
            questions.append(lambda s, f=function, i=interval, z=tz: s.aggregate(f, i, tz=z))
        questions.append(lambda s, f=function: s.downsample('week', f, tz=PARIS, device='é'))
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        for backend in storages:
            backend.store_readings(readings)
        for question in questions:
            answers = [question(backend) for backend in storages]
            assert answers[0] == answers[1] == answers[2]
            assert repr(answers[0]) == repr(answers[1]) == repr(answers[2])  # types and zones
    mine = len([r for r in readings if r.device == 'a'])
    assert [s.delete_readings('a', after=T0) for s in storages] == [mine] * 3


def test_influx_points_of_other_clients_within_one_microsecond_are_a_tie(
        request: pytest.FixtureRequest) -> None:
    storage = make_storage('influxdb', request, 'testapp.Weather')
    assert isinstance(storage, InfluxStorage)
    t0 = (T0 - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1) * 1000
    name = storage.measurement_model.measurement
    # Written by another client with nanoseconds: the readings all show T0 (microseconds).
    lines = [f'{name},device=b pulses=1i {t0}', f'{name},device=c pulses=2i {t0 + 999}',
             f'{name},device=a pulses=3i {t0 + 500}', f'{name},device=d pulses=4i {t0 + 1000}']
    storage.connection.write('\n'.join(lines).encode())
    after = T0 + timedelta(microseconds=1)
    assert [(r.time, r.device) for r in storage.query_readings(limit=2, fields='pulses')] == \
        [(T0, 'a'), (T0, 'b')]
    assert [(r.time, r.device) for r in storage.query_readings(order='desc', limit=3)] == \
        [(after, 'd'), (T0, 'c'), (T0, 'b')]
    assert [r.device for r in storage.query_readings(fields='pulses')] == ['a', 'b', 'c', 'd']
