"""``ReadingStorage.series()``: each device with its first and last reading time, on every
backend, checked against hand-known data (and, on InfluxDB, against raw InfluxQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from influxpy.contrib.django.storage import InfluxStorage, ReadingStorage, SeriesSpan
from influxpy.exceptions import QueryError

T0 = datetime(2024, 3, 30, 22, 15, 0, 123456, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


# device -> (time, values): nullable columns, so the first and last points of 'b' and
# 'é' hold only some fields; 'Z' sorts before the lower-case names.
DATA: dict[str, list[tuple[datetime, dict[str, Any]]]] = {
    'b': [(at(-30), {'pulses': 3}), (at(0), {'temperature': 1.5}),
          (at(90.5), {'humidity': 40.0})],
    'a': [(at(5), {'temperature': 2.0, 'humidity': 1.0, 'pulses': 1})],
    'é': [(at(-600), {'humidity': 12.0}), (at(1440), {'pulses': 7})],
    'Z': [(at(1), {'temperature': -4.25}), (at(2), {'temperature': -4.5})],
}
EXPECTED = [SeriesSpan('Z', at(1), at(2)), SeriesSpan('a', at(5), at(5)),
            SeriesSpan('b', at(-30), at(90.5)), SeriesSpan('é', at(-600), at(1440))]


@pytest.fixture
def filled(storage: ReadingStorage) -> ReadingStorage:
    storage.store_readings({'device': device, 'time': when, 'values': values}
                           for device, points in DATA.items() for when, values in points)
    return storage


def test_every_device_with_its_first_and_last_reading(filled: ReadingStorage) -> None:
    got = filled.series()
    assert got == EXPECTED
    for span in got:
        assert span.first.tzinfo is UTC and span.last.tzinfo is UTC
        assert type(span.first) is datetime and type(span.last) is datetime


def test_device_filter(filled: ReadingStorage) -> None:
    assert filled.series('b') == [EXPECTED[2]]
    assert filled.series(['é', 'a', 'nobody']) == [EXPECTED[1], EXPECTED[3]]
    assert filled.series([]) == []
    assert filled.series('nobody') == []
    with pytest.raises(QueryError, match='not a string'):
        filled.series([1])  # type: ignore[list-item]


def test_empty_storage_and_deleted_readings(storage: ReadingStorage) -> None:
    assert storage.series() == []
    storage.store_readings([{'device': 'x', 'time': at(0), 'values': {'pulses': 1}},
                            {'device': 'x', 'time': at(10), 'values': {'humidity': 2.0}}])
    assert storage.series() == [SeriesSpan('x', at(0), at(10))]
    storage.delete_readings('x', start=at(5))
    assert storage.series() == [SeriesSpan('x', at(0), at(0))]


def test_the_answer_is_the_database_s_own(filled: ReadingStorage) -> None:
    """Against the ORM's table read by Django, and against raw InfluxQL on InfluxDB."""
    if not isinstance(filled, InfluxStorage):
        model = filled.schema.model
        database = getattr(filled, 'database')  # noqa: B009 - ORMStorage's alias
        for span in filled.series():
            times = sorted(model._default_manager.using(database)
                           .filter(device=span.device).values_list('time', flat=True))
            assert (span.first, span.last) == (times[0], times[-1])
        assert [s.device for s in filled.series()] == sorted(
            set(model._default_manager.using(database).values_list('device', flat=True)))
        return
    connection = filled.connection
    table = filled.measurement_model.measurement
    spans = {}
    for order in ('ASC', 'DESC'):
        answer = connection.query(f'SELECT * FROM "{table}" GROUP BY "device" '
                                  f'ORDER BY time {order} LIMIT 1', epoch='ns')
        for series in answer[0]['series']:
            ns = series['values'][0][0]
            spans.setdefault(series['tags']['device'], []).append(
                datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=ns // 1000))
    expected = [SeriesSpan(d, *spans[d]) for d in sorted(spans)]
    assert filled.series() == expected == EXPECTED
