"""The reading model, described once (storage/reading_model.py), and the InfluxDB
measurement made from it (storage/measurement.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import models
from django.test.utils import isolate_apps

from influxpy import fields
from influxpy.contrib.django.models import AbstractReading
from influxpy.contrib.django.problems import BAD_MODEL, BAD_TIER, StorageConfigurationError
from influxpy.contrib.django.storage.measurement import (
    measurement_for,
    retention_from_option,
    tiers_from_option,
)
from influxpy.contrib.django.storage.reading_model import ReadingSchema, resolve_model
from influxpy.exceptions import ValidationError

from .testapp.models import Weather

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def test_a_reading_model_is_a_device_a_time_and_value_columns() -> None:
    schema = resolve_model('testapp.Weather')
    assert resolve_model(Weather).columns == schema.columns
    assert schema.label == 'testapp.Weather' and schema.table == 'testapp_weather'
    assert schema.fields == ('temperature', 'humidity', 'pulses')
    assert schema.device_max_length == 255
    pulses = schema.columns['pulses']
    assert (pulses.kind, pulses.null, pulses.minimum, pulses.maximum) == \
        ('integer', True, -2 ** 31, 2 ** 31 - 1)
    assert schema.columns['temperature'].kind == 'float'
    assert repr(schema) == '<ReadingSchema testapp.Weather: temperature, humidity, pulses>'


@pytest.mark.parametrize('model, message', [
    ('nope.Nope', "the reading model 'nope.Nope' is not installed"),
    (5, 'model=5 is not a Django model'),
    ('auth.User', "has no CharField 'device'"),
])
def test_a_model_that_is_no_reading_model(model: Any, message: str) -> None:
    with pytest.raises(StorageConfigurationError) as info:
        resolve_model(model)
    assert message in info.value.msg and info.value.check_id == BAD_MODEL


@isolate_apps('tests.django.testapp')
def test_what_a_reading_model_cannot_be() -> None:
    class Noted(AbstractReading):
        note = models.TextField()

        class Meta(AbstractReading.Meta):
            app_label = 'testapp'

    class Empty(AbstractReading):
        class Meta(AbstractReading.Meta):
            app_label = 'testapp'

    class Repeated(models.Model):
        device = models.CharField(max_length=20)
        time = models.DateTimeField()
        value = models.FloatField()

        class Meta:
            app_label = 'testapp'

    for model, message in [(Noted, "the column 'note' (TextField), which a reading cannot "
                                   'carry'),
                           (Empty, 'has no value column'),
                           (Repeated, 'has no unique constraint on (device, time)')]:
        with pytest.raises(StorageConfigurationError) as info:
            ReadingSchema(model)
        assert message in info.value.msg and info.value.check_id == BAD_MODEL


def test_the_measurement_of_a_reading_model() -> None:
    model = measurement_for(resolve_model('testapp.Weather'), using='other', database='db')
    meta = model._meta
    assert model.__name__ == 'WeatherMeasurement' and meta.measurement == 'testapp_weather'
    assert (meta.using, meta.database) == ('other', 'db')
    assert list(meta.tags) == ['device'] and isinstance(meta.tags['device'], fields.InfluxTag)
    assert {name: type(field) for name, field in meta.fields.items()} == {
        'temperature': fields.FloatField, 'humidity': fields.FloatField,
        'pulses': fields.IntegerField}
    assert all(field.null for field in meta.fields.values())
    value = measurement_for(resolve_model('influxpy.Reading'), measurement='boilers')._meta
    assert value.measurement == 'boilers' and not value.fields['value'].null


def test_the_measurement_makes_the_storage_checks() -> None:
    model = measurement_for(resolve_model('testapp.Weather'))
    model(device='a', pulses=1, time=T0).full_clean()
    for bad, message in [({'device': 'a\rb', 'pulses': 1}, 'contains a line break or NUL'),
                         ({'device': 'a', 'pulses': 2 ** 31}, 'is outside')]:
        with pytest.raises(ValidationError, match=message):
            model(time=T0, **bad).full_clean()


def test_retention_and_tier_options() -> None:
    schema = resolve_model('testapp.Weather')
    retention = retention_from_option({'name': 'raw', 'duration': '30d'})
    tiers = tiers_from_option([('1h', ['mean', 'max'], '365d'), {'resolution': '1d'}])
    assert retention_from_option(None) is None and retention_from_option('raw') == 'raw'
    assert tiers_from_option(None) is None
    meta = measurement_for(schema, retention_policy=retention, tiers=tiers)._meta
    assert meta.retention_policy == 'raw'
    assert [tier.functions for tier in meta.tiers] == [('mean', 'max'), ('mean',)]


@pytest.mark.parametrize('build, message, check_id', [
    (lambda s: retention_from_option({'name': ''}), 'cannot work', BAD_TIER),
    (lambda s: retention_from_option(30), 'must be a name, a RetentionPolicy or a dict',
     BAD_TIER),
    (lambda s: tiers_from_option('1h'), 'must be a list of tiers', BAD_TIER),
    (lambda s: tiers_from_option([('1h', ['nope'])]), 'the tier', BAD_TIER),
    (lambda s: measurement_for(s, measurement='#x'), 'cannot be stored in InfluxDB', BAD_MODEL),
    (lambda s: measurement_for(s, tiers=tiers_from_option([('1h', ['mean'])]),
                               retention_policy=retention_from_option(
                                   {'name': 'raw', 'duration': '30m'})),
     'the retention or tiers of testapp.Weather cannot work', BAD_TIER),
])
def test_options_that_cannot_work(build: Any, message: str, check_id: str) -> None:
    with pytest.raises(StorageConfigurationError) as info:
        build(resolve_model('testapp.Weather'))
    assert message in info.value.msg and info.value.check_id == check_id
