"""The checks every storage makes (storage/checks.py), on the reading model alone: no
backend, no database. The behaviour suite runs the same inputs through each backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from influxpy.contrib.django.storage import DeviceReading
from influxpy.contrib.django.storage import checks as c
from influxpy.contrib.django.storage.reading_model import resolve_model
from influxpy.exceptions import QueryError, ValidationError

WEATHER = resolve_model('testapp.Weather')
T0 = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize('device, message', [
    ('', "testapp.Weather reading: device '' is empty"),
    (7, "testapp.Weather reading: device 7 is a int, not a string"),
    ('x' * 256, 'is longer than 255 characters'),
    ('a\nb', 'contains a line break or NUL'),
    ('a\rb', 'contains a line break or NUL'),      # stricter than a tag
    ('a\x00b', 'contains a line break or NUL'),
    ('a\\', 'ends with a backslash'),             # the tag rules of influxpy.fields
    ('\ud800', 'is not valid Unicode'),
])
def test_a_bad_device_names_the_model_the_column_and_the_value(device: Any,
                                                              message: str) -> None:
    with pytest.raises(ValidationError) as info:
        c.check_device(WEATHER, device)
    assert message in str(info.value)
    assert (info.value.model, info.value.field, info.value.value) == \
        ('testapp.Weather', 'device', device)


@pytest.mark.parametrize('device', ['a', 'é', 'time', 'a b,c=d', 'x' * 255, 'a\\b'])
def test_a_device_is_any_other_tag_value(device: str) -> None:
    assert c.check_device(WEATHER, device) == device


def test_a_reading_as_a_dict_or_a_device_reading() -> None:
    expected = DeviceReading('a', T0, {'pulses': 5})
    assert c.check_reading(WEATHER, {'device': 'a', 'time': T0, 'pulses': 5}) == expected
    assert c.check_reading(WEATHER, {'device': 'a', 'time': '2024-01-01T01:00+01:00',
                                     'values': {'pulses': Decimal(5)}}) == expected
    assert c.check_reading(WEATHER, expected) == expected
    with pytest.raises(ValidationError, match='is not a DeviceReading or a dict'):
        c.check_reading(WEATHER, ('a', T0, {}))
    with pytest.raises(ValidationError, match="has both values and the key"):
        c.check_reading(WEATHER, {'device': 'a', 'values': {'pulses': 1}, 'humidity': 2})


def test_a_missing_time_is_now_and_times_come_back_in_utc() -> None:
    before = datetime.now(UTC)
    when = c.check_reading(WEATHER, {'device': 'a', 'pulses': 1}).time
    assert when.tzinfo is UTC and before <= when <= datetime.now(UTC)
    paris = datetime(2024, 7, 1, 12, tzinfo=ZoneInfo('Europe/Paris'))
    assert c.check_time(WEATHER, paris, 'reading') == datetime(2024, 7, 1, 10, tzinfo=UTC)
    with pytest.raises(ValidationError, match='is not a datetime'):
        c.check_time(WEATHER, None, 'reading')


@override_settings(TIME_ZONE='Asia/Kolkata')
def test_a_naive_time_is_read_in_the_current_zone_with_a_warning() -> None:
    with pytest.warns(RuntimeWarning, match='naive datetime'):
        got = c.check_time(WEATHER, datetime(2024, 1, 1, 12), 'reading')
    assert got == datetime(2024, 1, 1, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize('value, message', [
    ({'pulses': 'x'}, "pulses='x' is a str, not a number"),
    ({'pulses': 1.5}, 'pulses=1.5 is not a whole number'),
    ({'pulses': 2 ** 31}, 'pulses=2147483648 is outside -2147483648..2147483647'),
    ({'temperature': True}, 'temperature=True is a bool, not a number'),
    ({'temperature': Decimal('NaN')}, 'is not finite'),
    ({'wind': 3.0}, "has no value column 'wind'; it has: temperature, humidity, pulses"),
    ({'pulses': None}, 'has no value (one of temperature, humidity, pulses is needed)'),
    ([1.0], 'must be a dict of temperature, humidity, pulses'),
])
def test_bad_values(value: Any, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        c.check_values(WEATHER, value, 'reading #3')
    assert str(info.value).startswith('testapp.Weather reading #3: ')
    assert message in str(info.value)


def test_values_are_typed_by_their_column_and_none_is_left_out() -> None:
    got = c.check_values(WEATHER, {'temperature': 2, 'humidity': None, 'pulses': 3.0}, 'r')
    assert got == {'temperature': 2.0, 'pulses': 3}
    assert [type(v) for v in got.values()] == [float, int]
    with pytest.raises(ValidationError, match='value is missing: the column is required'):
        c.check_values(resolve_model('influxpy.Reading'), {}, 'reading')


def test_a_filter() -> None:
    flt = c.check_filter(WEATHER, ['b', 'a', 'b'], None, None, T0, '2024-01-02T00:00Z',
                         ['pulses', 'pulses', 'humidity'])
    assert flt.devices == ('b', 'a') and flt.fields == ('pulses', 'humidity')
    assert (flt.lower, flt.lower_inclusive) == (T0, False)
    assert (flt.upper, flt.upper_inclusive) == (T0 + timedelta(days=1), False)
    everything = c.check_filter(WEATHER, None, T0, T0, None, None, None)
    assert everything.devices is None and everything.fields == WEATHER.fields
    assert (everything.lower_inclusive, everything.upper_inclusive) == (True, True)
    assert c.check_filter(WEATHER, [], None, None, None, None, None).empty


@pytest.mark.parametrize('args, message', [
    ((3, None, None, None, None, None), 'device=3 must be a name'),
    (([3], None, None, None, None, None), 'device 3 is a int, not a string'),
    ((None, T0, None, T0, None, None), 'give start (inclusive) or after (exclusive)'),
    ((None, None, T0, None, T0, None), 'give end (inclusive) or before (exclusive)'),
    ((None, 'soon', None, None, None, None), 'query start: time '),
    ((None, None, None, None, None, ()), 'fields=() selects nothing'),
    ((None, None, None, None, None, 'wind'), "testapp.Weather has no value column 'wind'"),
])
def test_a_bad_filter_is_a_query_error(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(QueryError) as info:
        c.check_filter(WEATHER, *args)
    assert message in str(info.value)


def test_limit_order_function_and_zone() -> None:
    assert c.check_limit(None) is None and c.check_limit(3) == 3
    for bad in (0, True, 2.0):
        with pytest.raises(QueryError, match='must be a positive integer'):
            c.check_limit(bad)
    assert c.check_order('desc') == 'desc'
    with pytest.raises(QueryError, match="order='up': use one of asc, desc"):
        c.check_order('up')
    assert c.check_function('mean', ('avg', 'max'), 'S') == 'avg'
    with pytest.raises(QueryError, match="unknown function 'min'; S supports avg, max"):
        c.check_function('min', ('avg', 'max'), 'S')
    fixed = timezone(timedelta(hours=2))
    assert c.check_tz(fixed) is fixed and c.check_tz('Europe/Paris') == ZoneInfo('Europe/Paris')
    with pytest.raises(QueryError, match='is not a time zone'):
        c.check_tz(5)



@pytest.mark.parametrize('name', ['Europe', 'x' * 5000, 'Mars/Olympus', '../etc/passwd', ''])
def test_a_bad_zone_name_is_a_query_error(name: str) -> None:
    # 'Europe' is a directory of zones and a very long name is too long for a file:
    # zoneinfo raises OSError for those, which must not escape as such
    with pytest.raises(QueryError, match='is not a time zone'):
        c.check_tz(name)
