"""Declaring measurements, building instances, validation: no server needed."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from influxpy import fields, models
from influxpy.exceptions import NaiveDatetimeWarning, QueryError, ValidationError
from influxpy.times import InfluxTime, NaiveRule, settings


class ServerMeasurement(models.InfluxMeasurement):
    measurement = 'servers'
    cpu = fields.InfluxField()
    name = fields.InfluxTag()
    region = fields.InfluxTag()


class Reading(models.InfluxMeasurement):
    temperature = fields.FloatField()
    count = fields.IntegerField(null=True)
    ok = fields.BooleanField(default=True)
    note = fields.StringField(null=True, default=lambda: 'fresh')
    odd = fields.FloatField(db_name='temp °C, raw', null=True)
    sensor = fields.InfluxTag()
    site = fields.InfluxTag(null=True)

    class Meta:
        database = 'plant'
        retention_policy = 'week'
        precision = 'ms'


def test_the_seed_declaration() -> None:
    meta = ServerMeasurement._meta
    assert meta.measurement == 'servers' == ServerMeasurement.measurement
    assert list(meta.tags) == ['name', 'region'] and list(meta.fields) == ['cpu']
    assert isinstance(meta.fields['cpu'], fields.InfluxField)
    assert meta.using == 'default' and meta.database is None


def test_measurement_name_from_class_name_and_meta_options() -> None:
    meta = Reading._meta
    assert meta.measurement == 'reading'
    assert (meta.database, meta.retention_policy, meta.precision) == ('plant', 'week', 'ms')
    assert meta.get_field('temp °C, raw') is meta.fields['odd']
    assert meta.by_db_name['temp °C, raw'].name == 'odd'

    class CPUUsageStats(models.InfluxMeasurement):
        v = fields.FloatField()
    assert CPUUsageStats.measurement == 'cpu_usage_stats'


def test_get_field_names_the_valid_ones() -> None:
    with pytest.raises(QueryError, match="has no field or tag 'cpux'; it has: name, region, cpu"):
        ServerMeasurement._meta.get_field('cpux')


def test_inheritance_copies_fields() -> None:
    class Base(models.InfluxMeasurement):
        host = fields.InfluxTag()
        value = fields.FloatField()

        class Meta:
            abstract = True

    class Child(Base):
        extra = fields.IntegerField(null=True)

    assert list(Child._meta.all_fields) == ['host', 'value', 'extra']
    assert Child._meta.fields['value'] is not Base._meta.fields['value']
    assert Child._meta.fields['value'].model_name == 'Child'


@pytest.mark.parametrize('attrs, words', [
    ({'time': fields.FloatField()}, "cannot be called 'time'"),
    ({'v': fields.FloatField(db_name='time')}, "'time' is reserved"),
    ({'t': fields.InfluxTag(db_name='time')}, "'time' is reserved"),
    ({'v': fields.FloatField(), 't': fields.InfluxTag(db_name='v')},
     'a name cannot be both a tag and a field'),
    ({'v': fields.FloatField(db_name='a\nb')}, 'line break'),
    ({'t': fields.InfluxTag(db_name='a\\')}, 'backslash'),
    ({'measurement': '#comment', 'v': fields.FloatField()}, 'comment'),
    ({'measurement': 'm\nx', 'v': fields.FloatField()}, 'line break'),
    ({'measurement': 'm\\', 'v': fields.FloatField()}, 'backslash'),
    ({'save': fields.FloatField()}, "cannot be called 'save'"),
    ({'measurement': 'a\\=b', 'v': fields.FloatField()}, "backslash before '='"),
    ({'measurement': 'a\\"b', 'v': fields.FloatField()}, 'backslash before \'"\''),
    ({'v': fields.FloatField(db_name='a\\,b')}, "backslash before ','"),
    ({'v': fields.FloatField(db_name='\tv')}, 'starts with a tab'),
    ({'measurement': '\tm', 'v': fields.FloatField()}, 'starts with a tab'),
    ({'v': fields.FloatField(db_name='a\x00')}, 'NUL'),
    ({'v': fields.FloatField(), 't': fields.InfluxTag(db_name='a\rb')}, 'line break'),
])
def test_impossible_declarations_fail_at_class_creation(attrs: dict[str, Any], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        type('Bad', (models.InfluxMeasurement,), {'__module__': __name__, **attrs})


def test_unknown_meta_option() -> None:
    with pytest.raises(ValidationError, match='unknown Meta option.*colour'):
        type('Bad', (models.InfluxMeasurement,),
             {'__module__': __name__, 'v': fields.FloatField(),
              'Meta': type('Meta', (), {'colour': 'red'})})


def test_keyword_construction_defaults_repr_equality() -> None:
    a = Reading(temperature=21.5, sensor='s1', time=5)
    assert (a.ok, a.note, a.count, a.site) == (True, 'fresh', None, None)
    assert a == Reading(temperature=21.5, sensor='s1', time=5)
    assert a != Reading(temperature=21.5, sensor='s1', time=6)
    assert repr(a) == ("<Reading 1970-01-01T00:00:00.000000005+00:00: sensor='s1', site=None, "
                       "temperature=21.5, count=None, ok=True, note='fresh', odd=None>")


def test_unknown_keyword_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="ServerMeasurement has no field or tag 'cpuu'"):
        ServerMeasurement(cpuu=1, name='a', region='b')


def test_series_is_on_the_class_only() -> None:
    assert ServerMeasurement.series.model is ServerMeasurement
    with pytest.raises(AttributeError, match='through the class'):
        ServerMeasurement(cpu=1, name='a', region='b').series  # noqa: B018


# -- time ---------------------------------------------------------------------

NS = 1_500_000_000_123_456_789


@pytest.mark.parametrize('value', [
    NS,
    '2017-07-14T02:40:00.123456789Z',
    '2017-07-14T04:40:00.123456789+02:00',
    np.datetime64(NS, 'ns'),
    np.int64(NS),
    pd.Timestamp(NS, tz='UTC'),
    pd.Timestamp(NS, tz='Europe/Paris'),
    InfluxTime.from_ns(NS),
])
def test_time_inputs_are_exact(value: Any) -> None:
    obj = ServerMeasurement(cpu=1, name='a', region='b', time=value)
    assert obj.time_ns == NS
    assert obj.time == InfluxTime.from_ns(NS) and obj.time.nanosecond == 789
    assert obj.time.utcoffset() == timedelta(0)


def test_aware_datetimes_of_any_zone() -> None:
    when = datetime(2020, 3, 1, 12, 0, 0, 250, tzinfo=timezone(timedelta(hours=-5)))
    obj = ServerMeasurement(cpu=1, name='a', region='b', time=when)
    assert obj.time == when and obj.time_ns == 1583082000000250000


def test_negative_and_extreme_times() -> None:
    for ns in (-1, -1_000_000_001, -9223372036854775806, 9223372036854775806):
        obj = ServerMeasurement(cpu=1, name='a', region='b', time=ns)
        assert obj.time_ns == ns and obj.time is not None and obj.time.time_ns == ns
    for bad in (9223372036854775807, '1500-01-01T00:00:00Z'):
        with pytest.raises(ValidationError, match='outside the range'):
            ServerMeasurement(cpu=1, name='a', region='b', time=bad)


@pytest.mark.parametrize('bad', ['yesterday', '2020-13-01T00:00:00Z', True, 1.5, object(),
                                 '2020-01-01T00:00:00.1234567891Z'])
def test_bad_times_are_refused(bad: Any) -> None:
    with pytest.raises(ValidationError, match='time'):
        ServerMeasurement(cpu=1, name='a', region='b', time=bad)


def test_naive_datetime_is_utc_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    # Outside Django (the Django tests of the same run install Django's rule).
    monkeypatch.setattr(settings, 'naive_rule', NaiveRule())
    with pytest.warns(NaiveDatetimeWarning, match='read as UTC'):
        obj = ServerMeasurement(cpu=1, name='a', region='b', time=datetime(2020, 1, 1))
    assert obj.time == datetime(2020, 1, 1, tzinfo=UTC)
    with pytest.warns(NaiveDatetimeWarning):
        ServerMeasurement(cpu=1, name='a', region='b', time='2020-01-01T00:00:00')


def test_strict_mode_refuses_naive_datetimes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, 'naive_datetime', 'error')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        with pytest.raises(ValidationError, match='strict mode'):
            ServerMeasurement(cpu=1, name='a', region='b', time=datetime(2020, 1, 1))
        assert ServerMeasurement(cpu=1, name='a', region='b',
                                 time=datetime(2020, 1, 1, tzinfo=UTC)).time_ns


def test_influx_time_keeps_nanoseconds_in_text_and_pickles() -> None:
    import pickle
    t = InfluxTime.from_ns(NS)
    assert t.isoformat() == '2017-07-14T02:40:00.123456789+00:00'
    assert pickle.loads(pickle.dumps(t)).time_ns == NS
    assert InfluxTime.from_ns(NS, timezone(timedelta(hours=2))).isoformat() == \
        '2017-07-14T04:40:00.123456789+02:00'


# -- values ---------------------------------------------------------------------

@pytest.mark.parametrize('field, value, expected', [
    (fields.InfluxField(), 3, 3.0),
    (fields.InfluxField(), np.float32(0.5), 0.5),
    (fields.InfluxField(), True, True),
    (fields.InfluxField(), 'text', 'text'),
    (fields.FloatField(), Decimal('0.1'), 0.1),
    (fields.FloatField(), np.int64(7), 7.0),
    (fields.IntegerField(), np.int32(-5), -5),
    (fields.IntegerField(), 4.0, 4),
    (fields.IntegerField(), Decimal('12'), 12),
    (fields.IntegerField(), 2 ** 63 - 1, 2 ** 63 - 1),
    (fields.BooleanField(), np.bool_(True), True),
    (fields.StringField(), 'é😀', 'é😀'),
    (fields.InfluxTag(), 'us-east-1', 'us-east-1'),
    (fields.InfluxTag(null=True), '', None),
])
def test_clean_converts(field: fields.Field, value: Any, expected: Any) -> None:
    cleaned = field.clean(value)
    assert cleaned == expected and type(cleaned) is type(expected)


@pytest.mark.parametrize('field, value, words', [
    (fields.InfluxField(), float('nan'), 'not finite'),
    (fields.InfluxField(), float('inf'), 'not finite'),
    (fields.InfluxField(), 10 ** 400, 'too large'),
    (fields.InfluxField(), [1], 'not a number'),
    (fields.FloatField(), True, 'boolean'),
    (fields.FloatField(), '1.5', 'not a number'),
    (fields.IntegerField(), 2 ** 63, '64-bit'),
    (fields.IntegerField(), -(2 ** 63) - 1, '64-bit'),
    (fields.IntegerField(), 1.5, 'whole number'),
    (fields.IntegerField(), Decimal('NaN'), 'whole number'),
    (fields.IntegerField(), Decimal('sNaN'), 'whole number'),
    (fields.FloatField(), Decimal('sNaN'), 'not finite'),
    (fields.FloatField(), Decimal('-Infinity'), 'not finite'),
    (fields.FloatField(), Decimal('1E+400'), 'not finite'),
    (fields.IntegerField(), True, 'boolean'),
    (fields.BooleanField(), 1, 'not a boolean'),
    (fields.StringField(), 5, 'not a string'),
    (fields.StringField(), 'x' * 65537, 'longer than 65536 bytes'),
    (fields.StringField(), '\ud800', 'surrogate'),
    (fields.InfluxTag(), 5, 'not a string'),
    (fields.InfluxTag(), '', 'tag is required'),
    (fields.InfluxTag(), None, 'tag is required'),
    (fields.InfluxTag(), 'a\nb', 'newline'),
    (fields.InfluxTag(), 'ab\\', 'backslash'),
    (fields.FloatField(), None, 'field is required'),
    (fields.FloatField(choices=[1.0, 2.0]), 3.0, 'not one of the choices'),
])
def test_clean_refuses_with_a_clear_message(field: fields.Field, value: Any, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        field.clean(value)


def test_errors_name_model_field_and_value() -> None:
    obj = ServerMeasurement(cpu='x' * 70000, name='a', region='b')
    with pytest.raises(ValidationError) as info:
        obj.full_clean()
    assert info.value.model == 'ServerMeasurement' and info.value.field == 'cpu'
    assert str(info.value).startswith('ServerMeasurement.cpu: ')


def test_validators_run() -> None:
    def positive(value: float) -> None:
        if value < 0:
            raise ValueError('must be positive')

    class Gauge(models.InfluxMeasurement):
        level = fields.FloatField(validators=[positive])

    Gauge(level=1).full_clean()
    with pytest.raises(ValidationError, match='Gauge.level: -1.0 is not valid: must be positive'):
        Gauge(level=-1).full_clean()


def test_full_clean_converts_in_place_and_needs_a_field_value() -> None:
    obj = Reading(temperature=np.float64(2), count=np.int16(3), sensor='s')
    obj.full_clean()
    assert type(obj.temperature) is float and type(obj.count) is int
    with pytest.raises(ValidationError, match='Reading.temperature: None is missing'):
        Reading(temperature=None, sensor='s').full_clean()

    class Sparse(models.InfluxMeasurement):
        a = fields.FloatField(null=True)
        b = fields.FloatField(null=True)
    with pytest.raises(ValidationError, match='needs at least one field value'):
        Sparse().full_clean()


def test_columns_are_known_by_their_db_names() -> None:
    meta = ServerMeasurement._meta
    assert set(meta.by_db_name) == {'cpu', 'name', 'region'}
    assert meta.get_field('cpu') is meta.by_db_name['cpu']


def test_fields_may_have_the_names_of_the_generated_code() -> None:
    attrs = {name: fields.FloatField(null=True)
             for name in ('self', 'd', 'unknown', 'to_ns', 'NP', 'MIN', 'MAX', 'default_0')}
    Odd = type('Odd', (models.InfluxMeasurement,), {'__module__': __name__, **attrs})
    obj = Odd(self=1.0, d=2.0, unknown=3.0, to_ns=4.0, time='2020-01-01T00:00:00Z')
    assert (obj.self, obj.d, obj.unknown, obj.to_ns, obj.NP) == (1.0, 2.0, 3.0, 4.0, None)
    assert obj.time_ns == 1577836800000000000


@pytest.mark.parametrize('name', ['class', '1st', 'a b', '__x'])
def test_attribute_names_must_be_identifiers(name: str) -> None:
    with pytest.raises(ValidationError, match='is no attribute name'):
        type('Bad', (models.InfluxMeasurement,), {'__module__': __name__,
                                                  name: fields.FloatField()})


def test_influx_time_keeps_nanoseconds_through_arithmetic_zones_and_replace() -> None:
    t = InfluxTime.from_ns(NS)
    paris = t.astimezone(timezone(timedelta(hours=2)))
    assert paris.nanosecond == 789 and paris.time_ns == NS
    later = t + timedelta(seconds=1)
    assert isinstance(later, InfluxTime) and later.time_ns == NS + 1_000_000_000
    assert (timedelta(seconds=1) + t).time_ns == NS + 1_000_000_000
    assert (t - timedelta(microseconds=1)).time_ns == NS - 1000
    assert t.replace(year=2018).time_ns == NS + 365 * 86_400 * 10 ** 9
    assert t.replace(nanosecond=1).time_ns == NS - 788
    assert t - InfluxTime.from_ns(NS - 2_000) == timedelta(microseconds=2)


def test_a_child_of_an_abstract_measurement_takes_its_meta() -> None:
    from influxpy.schema import RetentionPolicy, Tier

    class Base(models.InfluxMeasurement):
        value = fields.FloatField()

        class Meta:
            abstract = True
            database = 'plant'
            retention_policy = RetentionPolicy('raw', '30d')
            tiers = [Tier('1h', ['mean'], keep='365d')]
            precision = 's'

    class Boiler(Base):
        measurement = 'boilers'

    class Pump(Base):
        measurement = 'pumps'

        class Meta:  # its own Meta replaces the base's, as in Django
            database = 'other'

    meta = Boiler._meta
    assert not meta.abstract
    assert (meta.database, meta.retention_policy, meta.precision) == ('plant', 'raw', 's')
    assert [t.literal for t in meta.tiers] == ['1h']
    assert (Pump._meta.database, Pump._meta.retention_policy, Pump._meta.tiers) == (
        'other', None, ())
