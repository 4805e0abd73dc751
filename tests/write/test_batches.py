"""Writes against the real server: exact round trips, hostile strings, refusals, errors."""

from __future__ import annotations

import struct
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from influxpy import fields, models
from influxpy.connection import Connection
from influxpy.exceptions import ValidationError, WriteError
from influxpy.quoting import quote_ident

from ..readback import measurements, stored


class Sensor(models.InfluxMeasurement):
    measurement = 'sensor'
    device = fields.InfluxTag()
    site = fields.InfluxTag(null=True)
    value = fields.FloatField(null=True)
    count = fields.IntegerField(null=True)
    ok = fields.BooleanField(null=True)
    note = fields.StringField(null=True)


HOSTILE = [',', ' ', '=', '"', "'", '\\', '$', '.*', '[a-z]+', '(?i)', '/', 'é', '😀', '\t',
           ' lead', 'trail ', '\\,', '\\ ', '\\=', '\\\\', '#', '\r', '\x00', '\u2028']

hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=3)),
                        min_size=1, max_size=6).map(''.join)
server_settings = settings(max_examples=60, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])


def refused_or_stored(build: Any) -> Any:
    """Either the value is refused before sending, or the point is written; never silence."""
    try:
        return build()
    except ValidationError:
        return None


@server_settings
@given(tag=hostile_text, note=hostile_text)
def test_hostile_tag_values_and_strings_round_trip(influx_db: Connection, tag: str,
                                                   note: str) -> None:
    if measurements(influx_db):
        influx_db.query('DROP MEASUREMENT sensor')
    point = refused_or_stored(lambda: Sensor.series.create(device=tag, note=note, time=1))
    rows = stored(influx_db, 'sensor')
    if point is None:
        assert rows == []
        assert tag == '' or tag.endswith('\\') or '\n' in tag
        return
    assert rows == [{'time': 1, 'device': tag, 'note': note}]


def impossible_name(what: str, name: str) -> bool:
    """What the model refuses to declare (see check_name), stated independently."""
    after = {'measurement': ',= "', 'field key': ',= "', 'tag key': ''}[what]
    return (name == '' or '\n' in name or '\r' in name or '\x00' in name or name.endswith('\\')
            or any('\\' + c in name for c in after)
            or (what == 'measurement' and name.startswith('#'))
            or (what != 'tag key' and name.startswith('\t'))
            or (what != 'measurement' and name == 'time'))


@server_settings
@given(name=hostile_text, key=hostile_text, tag_key=hostile_text)
def test_hostile_measurement_names_and_keys_round_trip(influx_db: Connection, name: str,
                                                       key: str, tag_key: str) -> None:
    def declare() -> type[models.InfluxMeasurement]:
        return type('Hostile', (models.InfluxMeasurement,), {
            '__module__': __name__, 'measurement': name,
            'v': fields.StringField(db_name=key), 't': fields.InfluxTag(db_name=tag_key)})
    if name == '' or key == '' or tag_key == '':
        return  # an empty name means "derive it", not a hostile name
    model = refused_or_stored(declare)
    if model is None:
        assert (impossible_name('measurement', name) or impossible_name('field key', key)
                or impossible_name('tag key', tag_key) or key == tag_key)
        return
    assert not (impossible_name('measurement', name) or impossible_name('field key', key)
                or impossible_name('tag key', tag_key))
    for existing in measurements(influx_db):
        influx_db.query(f'DROP MEASUREMENT {quote_ident(existing)}')
    model.series.create(v='value ' + key, t='tag ' + tag_key, time=-5)
    assert measurements(influx_db) == [name]
    assert stored(influx_db, name) == [{'time': -5, key: 'value ' + key, tag_key: 'tag ' + tag_key}]


FLOATS = [0.1, 1 / 3, 5e-324, 1e308, -0.0, 2.2250738585072014e-308, -1.7976931348623157e308,
          123456789.12345679, 1.0000000000000002]


def bits(x: float) -> bytes:
    return struct.pack('>d', x)


def test_float_bit_patterns_int64_extremes_booleans_nulls(influx_db: Connection) -> None:
    points = [Sensor(device='f', value=x, time=i) for i, x in enumerate(FLOATS)]
    points += [Sensor(device='i', count=n, time=i)
               for i, n in enumerate([-(2 ** 63), 2 ** 63 - 1, 0, -1])]
    points += [Sensor(device='b', ok=flag, time=i) for i, flag in enumerate([True, False])]
    assert Sensor.series.bulk_create(points) == len(points)
    rows = stored(influx_db, 'sensor')
    floats = [r['value'] for r in rows if r['device'] == 'f']
    assert [bits(x) for x in floats] == [bits(x) for x in FLOATS]
    ints = [r['count'] for r in rows if r['device'] == 'i']
    assert ints == [-(2 ** 63), 2 ** 63 - 1, 0, -1] and all(type(n) is int for n in ints)
    assert [r['ok'] for r in rows if r['device'] == 'b'] == [True, False]
    assert all(r.get('site') is None and r.get('note') is None for r in rows)


@pytest.mark.parametrize('ns', [0, 1, -1, 1_500_000_000_123_456_789, -1_500_000_000_123_456_789,
                                9223372036854775806, -9223372036854775806])
def test_nanosecond_times_round_trip(influx_db: Connection, ns: int) -> None:
    point = Sensor(device='t', value=1.0, time=ns)
    point.save()
    (row,) = stored(influx_db, 'sensor')
    assert row['time'] == ns == point.time_ns


def test_save_without_time_stamps_the_instance(influx_db: Connection) -> None:
    point = Sensor(device='now', value=2.0)
    assert point.time is None
    point.save()
    assert point.time_ns is not None
    assert stored(influx_db, 'sensor')[0]['time'] == point.time_ns


def test_create_returns_the_instance(influx_db: Connection) -> None:
    point = Sensor.series.create(device='c', value=3.5, time='2024-02-29T12:00:00.000000001Z')
    assert isinstance(point, Sensor) and point.time_ns == 1709208000000000001
    assert stored(influx_db, 'sensor')[0]['value'] == 3.5


def test_bulk_create_100k_exact_count(influx_db: Connection) -> None:
    points = [Sensor(device=f'd{i % 17}', site=None if i % 3 else 'x', value=i * 0.25,
                     count=i, time=i) for i in range(100_000)]
    assert Sensor.series.bulk_create(points, batch_size=7_000) == 100_000
    (result,) = influx_db.query('SELECT count(value), sum(count) FROM sensor')
    assert result['series'][0]['values'][0][1:] == [100_000, sum(range(100_000))]


def test_untyped_field_never_conflicts(influx_db: Connection) -> None:
    class Loose(models.InfluxMeasurement):
        measurement = 'loose'
        v = fields.InfluxField()
    Loose.series.bulk_create([Loose(v=1.5, time=1), Loose(v=2, time=2), Loose(v=3, time=3)])
    Loose.series.create(v=4, time=4)
    rows = stored(influx_db, 'loose')
    assert [r['v'] for r in rows] == [1.5, 2.0, 3.0, 4.0]
    assert all(type(r['v']) is float for r in rows)


class Typed(models.InfluxMeasurement):
    measurement = 'conflict'
    host = fields.InfluxTag()
    v = fields.InfluxField()


def test_field_type_conflict_names_the_field_and_the_points(influx_db: Connection) -> None:
    Typed.series.create(host='a', v=1.0, time=1)
    batch = [Typed(host='a', v=2.0, time=2), Typed(host='a', v='text', time=3),
             Typed(host='a', v=4.0, time=4)]
    later = [Typed(host='b', v=5.0, time=i) for i in range(5, 9)]
    with pytest.raises(WriteError) as info:
        Typed.series.bulk_create(batch + later, batch_size=3)
    error = info.value
    assert 'field type conflict' in error.message and '"v"' in error.message
    assert error.status == 400
    assert error.unwritten == [batch[1]]
    assert '1 of 7 Typed points were not written' in str(error)
    # The points around the conflict and the batches after it were written.
    assert [r['time'] for r in stored(influx_db, 'conflict')] == [1, 2, 4, 5, 6, 7, 8]


def test_validation_error_sends_nothing(influx_db: Connection) -> None:
    good = [Sensor(device='ok', value=float(i), time=i) for i in range(10)]
    bad = Sensor(device='ok', value=float('nan'), time=11)
    with pytest.raises(ValidationError, match='Sensor.value: nan is not finite'):
        Sensor.series.bulk_create(good + [bad], batch_size=2)
    assert stored(influx_db, 'sensor') == []


@pytest.mark.parametrize('values, words', [
    ({'device': 'x\ny', 'value': 1.0}, 'newline'),
    ({'device': 'x\\', 'value': 1.0}, 'backslash'),
    ({'device': 'x'}, 'needs at least one field value'),
    ({'value': 1.0}, 'Sensor.device: None is missing'),
    ({'device': 'x', 'count': 2 ** 63}, '64-bit'),
    ({'device': 'x', 'value': float('inf')}, 'not finite'),
    ({'device': 'x', 'note': 'n' * 70_000}, '65536 bytes'),
    ({'device': 'x', 'ok': 'true'}, 'not a boolean'),
])
def test_each_refusal_reaches_no_server(influx_db: Connection, values: dict[str, Any],
                                        words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        Sensor(time=1, **values).save()
    assert measurements(influx_db) == []


def test_precision_and_retention_policy_are_honoured(influx_db: Connection) -> None:
    influx_db.query(f'CREATE RETENTION POLICY week ON {quote_ident(influx_db.database or "")} '
                    'DURATION 7d REPLICATION 1')

    class Coarse(models.InfluxMeasurement):
        measurement = 'coarse'
        v = fields.FloatField()

        class Meta:
            precision = 's'
            retention_policy = 'week'

    import time
    now = time.time_ns()
    Coarse.series.create(v=1.0, time=now)
    assert stored(influx_db, 'coarse') == []  # not in the default policy
    (row,) = stored(influx_db, 'coarse', rp='week')
    assert row['time'] == now // 10 ** 9 * 10 ** 9


def test_database_from_meta(influx_db: Connection) -> None:
    other = f'{influx_db.database}_other'
    influx_db.query(f'CREATE DATABASE {quote_ident(other)}')
    try:
        class Elsewhere(models.InfluxMeasurement):
            measurement = 'elsewhere'
            v = fields.FloatField()

            class Meta:
                database = other
        Elsewhere.series.create(v=1.0, time=1)
        assert stored(influx_db, 'elsewhere', database=other) == [{'time': 1, 'v': 1.0}]
        assert measurements(influx_db) == []
    finally:
        influx_db.query(f'DROP DATABASE {quote_ident(other)}')


def test_unreachable_server_keeps_every_point() -> None:
    import influxpy
    from influxpy.testing import free_port
    influxpy.connect(f'influxdb://127.0.0.1:{free_port()}/db?timeout=0.5&retries=0', alias='gone')

    class Lost(models.InfluxMeasurement):
        v = fields.FloatField()

        class Meta:
            using = 'gone'
    points = [Lost(v=float(i), time=i) for i in range(12)]
    try:
        with pytest.raises(WriteError, match='12 of 12 Lost points were not written') as info:
            Lost.series.bulk_create(points, batch_size=5)
        assert info.value.unwritten == points
    finally:
        influxpy.disconnect('gone')


def test_an_instance_read_back_writes_the_same_point(influx_db: Connection) -> None:
    from influxpy.results import iter_series, to_instances
    original = Sensor(device='d "1"', site='s,1', value=1 / 3, count=-(2 ** 63), ok=False,
                      note='é\\"', time=-1_234_567_890_123_456_789)
    original.save()
    (read,) = to_instances(Sensor, iter_series(influx_db.query('SELECT * FROM sensor')))
    assert read == original and read.time_ns == original.time_ns
    assert bits(read.value) == bits(original.value)
    influx_db.query('DROP MEASUREMENT sensor')
    read.save()
    assert stored(influx_db, 'sensor') == [{
        'time': -1_234_567_890_123_456_789, 'device': 'd "1"', 'site': 's,1', 'value': 1 / 3,
        'count': -(2 ** 63), 'ok': False, 'note': 'é\\"'}]


def test_a_batch_too_large_for_the_server_is_split() -> None:
    import influxpy
    from influxpy.testing import InfluxServer
    with InfluxServer(env={'INFLUXDB_HTTP_MAX_BODY_SIZE': '3000'}) as server:
        conn = influxpy.connect(f'{server.url}/small', alias='small')

        class Small(models.InfluxMeasurement):
            host = fields.InfluxTag()
            v = fields.FloatField()

            class Meta:
                using = 'small'
        try:
            conn.query('CREATE DATABASE small')
            points = [Small(host='h' * 30, v=float(i), time=i) for i in range(2000)]
            assert Small.series.bulk_create(points, batch_size=2000) == 2000
            (result,) = conn.query('SELECT count(v) FROM small')
            assert result['series'][0]['values'][0][1] == 2000
            # One line over the limit cannot be split: it is reported, the rest is written.
            huge = Small(host='x', v=1.0, time=5000)
            huge.host = 'y' * 4000
            with pytest.raises(WriteError, match='1 of 3') as info:
                Small.series.bulk_create([Small(host='a', v=1.0, time=6000), huge,
                                          Small(host='b', v=2.0, time=7000)])
            assert info.value.unwritten == [huge] and info.value.status == 413
        finally:
            influxpy.disconnect('small')


ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
    st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=True),
    st.text(max_size=5), st.sampled_from([b'bytes', [1], {'a': 1}, 1j]))


def expected_value(field: fields.Field, value: Any) -> Any:
    """What the server must hold for ``value``, stated from the field's contract."""
    import math
    from decimal import Decimal
    if value is None:
        return None
    if isinstance(field, fields.BooleanField):
        return value if isinstance(value, bool) else ValidationError
    if isinstance(field, fields.StringField):
        return value if isinstance(value, str) else ValidationError
    if isinstance(field, fields.IntegerField):
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            return ValidationError
        if isinstance(value, float) and not math.isfinite(value):
            return ValidationError
        if isinstance(value, Decimal) and not value.is_finite() or value != int(value):
            return ValidationError
        return int(value) if -(2 ** 63) <= int(value) < 2 ** 63 else ValidationError
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return ValidationError
    try:
        number = float(value)
    except (OverflowError, ValueError):  # a huge int; a signalling NaN
        return ValidationError
    return number if math.isfinite(number) else ValidationError


@server_settings
@given(value=ANY_VALUE, count=ANY_VALUE, ok=ANY_VALUE, note=ANY_VALUE)
def test_every_input_is_stored_exactly_or_refused(influx_db: Connection, value: Any,
                                                  count: Any, ok: Any, note: Any) -> None:
    if measurements(influx_db):
        influx_db.query('DROP MEASUREMENT sensor')
    meta = Sensor._meta.fields
    given_values = {'value': value, 'count': count, 'ok': ok, 'note': note}
    wanted = {k: expected_value(meta[k], v) for k, v in given_values.items()}
    point = Sensor(device='d', time=7, **given_values)
    refused = ValidationError in wanted.values() or all(v is None for v in wanted.values())
    if refused:
        with pytest.raises(ValidationError):
            Sensor.series.bulk_create([point])
        assert measurements(influx_db) == []
        return
    Sensor.series.bulk_create([point])
    (row,) = stored(influx_db, 'sensor')
    for key, want in wanted.items():
        got = row.get(key)
        assert got == want and type(got) is type(want), (key, given_values[key], got)
        if isinstance(want, float):
            assert bits(got) == bits(want)
