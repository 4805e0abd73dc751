"""Settings in Django's idiom, the lazy handlers, and the signals that reset and close."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished
from django.test import override_settings

import influxpy
from influxpy.connection import Connection
from influxpy.contrib.django.handlers import connections, get_storage, storages
from influxpy.contrib.django.storage import InfluxStorage, ORMStorage, readings
from influxpy.exceptions import ConfigurationError

INFLUX = 'influxpy.contrib.django.storage.InfluxStorage'
SECRET = 's3cr3t-pa55'


@pytest.fixture(autouse=True)
def fresh_handlers() -> Any:
    storages.reset()
    connections.reset()
    yield
    storages.reset()
    connections.reset()


def test_nothing_touches_the_network_until_used(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError('no request was expected')

    monkeypatch.setattr(Connection, 'request', refuse)
    with override_settings(INFLUXPY={'default': {'URL': 'influxdb://127.0.0.1:9/db'}},
                           INFLUXPY_STORAGE={'BACKEND': INFLUX}):
        from django.apps import apps
        apps.get_app_config('influxpy').ready()        # ready() again: no I/O
        checks.run_checks(tags=['influxpy'])            # checks without --deploy: no I/O
        storage = get_storage()                         # building the storage: no I/O
        assert isinstance(storage, InfluxStorage)
        assert connections['default'].settings.port == 9


def test_the_default_storage_is_the_orm() -> None:
    storage = get_storage()
    assert isinstance(storage, ORMStorage) and storage.schema.label == 'influxpy.Reading'
    assert get_storage() is storage
    assert readings.fields == ('value',)


def test_override_settings_rebuilds_the_storage() -> None:
    before = get_storage()
    with override_settings(INFLUXPY={'default': {'URL': 'influxdb://localhost/db'}},
                           INFLUXPY_STORAGE={'BACKEND': INFLUX,
                                             'OPTIONS': {'model': 'testapp.Weather',
                                                         'measurement': 'weather'}}):
        inside = get_storage()
        assert isinstance(inside, InfluxStorage)
        assert inside.measurement_model.measurement == 'weather'
        assert readings.fields == ('temperature', 'humidity', 'pulses')
    assert isinstance(get_storage(), ORMStorage) and get_storage() is not before


def test_the_storage_is_built_once_across_threads() -> None:
    seen: list[Any] = []
    barrier = threading.Barrier(8)

    def build() -> None:
        barrier.wait()
        seen.append(get_storage())

    threads = [threading.Thread(target=build) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 and all(s is seen[0] for s in seen)


@pytest.mark.parametrize('setting, message', [
    ({'BACKEND': INFLUX, 'OPTIONS': {'modle': 'x'}},
     "unknown option(s) 'modle' for InfluxStorage (valid options: model, measurement"),
    ({'BACKEND': 'influxpy.contrib.django.storage.Nope'}, "'influxpy.contrib.django.storage."
                                                          "Nope' cannot be imported"),
    ({'BACKEND': 'influxpy.connect'}, 'is not a reading storage class'),
    ({'BACKEND': INFLUX, 'OPTIONS': []}, "INFLUXPY_STORAGE['OPTIONS'] must be a dict"),
    ({'BACKND': INFLUX}, "INFLUXPY_STORAGE has unknown key(s) 'BACKND'"),
    ({'OPTIONS': {'model': 'testapp.Nope'}}, "the reading model 'testapp.Nope' is not installed"),
    ({'OPTIONS': {'model': 'auth.User'}}, 'has no CharField'),
    ({'OPTIONS': {'database': 'other'}}, "the database 'other' is not in settings.DATABASES"),
    ({'BACKEND': INFLUX, 'OPTIONS': {'tiers': [('1h', ['percentile'])]}},
     'unknown function(s) percentile'),
])
def test_bad_storage_settings_are_improperly_configured(setting: Any, message: str) -> None:
    with override_settings(INFLUXPY_STORAGE=setting), \
            pytest.raises(ImproperlyConfigured) as info:
        get_storage()
    assert message in str(info.value)


def test_storages_need_use_tz() -> None:
    with override_settings(USE_TZ=False), pytest.raises(ImproperlyConfigured, match='USE_TZ'):
        get_storage()


@pytest.mark.parametrize('setting, message', [
    ({'default': {'URL': f'influxdb://u:{SECRET}@host:99999/db'}}, 'is not a number'),
    ({'default': {'URL': f'postgres://u:{SECRET}@host/db'}}, "unknown URL scheme 'postgres'"),
    ({'default': {'URL': 'influxdb://host/db', 'OPTIONS': {'timeout': 'soon'}}},
     "option timeout='soon' is not a number"),
    ({'default': {'URL': 'influxdb://host/db', 'OPTIONS': {'tiemout': 1}}},
     "unknown option(s) 'tiemout'"),
    ({'default': {'URL': 'influxdb://host/db', 'PASSWD': SECRET}}, "unknown key(s) 'PASSWD'"),
    ({'default': {}}, "INFLUXPY['default']['URL'] is missing"),
    ({'default': 'influxdb://host/db'}, "INFLUXPY['default'] must be a dict"),
])
def test_bad_connection_settings(setting: Any, message: str) -> None:
    with override_settings(INFLUXPY=setting), pytest.raises(ImproperlyConfigured) as info:
        connections['default']
    assert message in str(info.value)
    assert SECRET not in str(info.value)


def test_connections_come_from_settings_with_their_options() -> None:
    with override_settings(INFLUXPY={
            'default': {'URL': f'influxdb://u:{SECRET}@db.example:8087/metrics',
                        'OPTIONS': {'timeout': 2, 'retries': 0}},
            'archive': {'URL': 'influxdbs://archive.example/old'}}):
        default = connections['default']
        assert influxpy.get_connection() is default
        assert (default.settings.port, default.settings.timeout, default.settings.retries) == \
            (8087, 2.0, 0)
        assert connections['archive'].settings.ssl
        assert SECRET not in repr(default)
        assert connections.ensure_all() == ['default', 'archive']
    # Settings changed: the aliases configured from them are forgotten.
    with pytest.raises(ConfigurationError, match="no connection named 'archive'"):
        connections['archive']


def test_the_environment_gives_the_default_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('INFLUX_DATABASE_URL', 'influxdb://envhost:8086/fromenv')
    with override_settings(INFLUXPY={}):
        assert connections['default'].settings.database == 'fromenv'
    monkeypatch.delenv('INFLUX_DATABASE_URL')
    with override_settings(INFLUXPY={'default': {'URL': 'influxdb://sethost/fromsettings'}}):
        assert connections['default'].settings.database == 'fromsettings'


def test_connections_are_closed_when_a_request_finishes(django_db_blocker: Any) -> None:
    with override_settings(INFLUXPY={'default': {'URL': 'influxdb://localhost/db'}}):
        connection = connections['default']
        connection.session  # noqa: B018 - opens the HTTP pool (no request)
        assert connection._session is not None
        with django_db_blocker.unblock():  # Django's own receivers close the databases
            request_finished.send(sender=None)
        assert connection._session is None
