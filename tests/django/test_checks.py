"""System checks: each problem has its id and a hint; connectivity only with --deploy."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import checks
from django.test import override_settings

from influxpy.contrib.django.handlers import connections, storages
from influxpy.testing import free_port

GOOD = {'default': {'URL': 'influxdb://localhost:8086/metrics'}}
INFLUX = 'influxpy.contrib.django.storage.InfluxStorage'


@pytest.fixture(autouse=True)
def fresh_handlers() -> Any:
    yield
    storages.reset()
    connections.reset()


def run(deploy: bool = False) -> list[checks.CheckMessage]:
    return checks.run_checks(tags=['influxpy'], include_deployment_checks=deploy)


def ids(messages: list[checks.CheckMessage]) -> list[str]:
    return [m.id for m in messages]


def test_a_good_configuration_passes() -> None:
    with override_settings(INFLUXPY=GOOD):
        assert run() == []


@pytest.mark.parametrize('settings, check_id, text', [
    ({'INFLUXPY': ['influxdb://x']}, 'influxpy.E001', 'INFLUXPY must be a dict'),
    ({'INFLUXPY': {'default': {'URL': 'influxdb://host:http/db'}}}, 'influxpy.E002',
     'is not a valid InfluxDB URL'),
    ({'INFLUXPY': {'default': {'URL': 'influxdb://host/db', 'OPTIONS': {'colour': 'red'}}}},
     'influxpy.E003', "unknown option(s) 'colour'"),
    ({'INFLUXPY': {'default': {'URL': 'influxdb://host/db', 'OPTIONS': {'retries': -1}}}},
     'influxpy.E004', 'must be 0 (no retries) or more'),
    ({'INFLUXPY_STORAGE': {'BACKEND': 'myproject.storages.Fast'}}, 'influxpy.E005',
     'cannot be imported'),
    ({'INFLUXPY_STORAGE': {'OPTIONS': {'colour': 'red'}}}, 'influxpy.E003',
     "unknown option(s) 'colour' for ORMStorage"),
    ({'INFLUXPY_STORAGE': {'OPTIONS': {'model': 'auth.Group'}}}, 'influxpy.E006',
     'which a reading cannot carry'),
    ({'INFLUXPY_STORAGE': {'BACKEND': INFLUX, 'OPTIONS': {'measurement': '#comment'}}},
     'influxpy.E006', "starts with '#'"),
    ({'INFLUXPY_STORAGE': {'BACKEND': INFLUX, 'OPTIONS': {
        'retention_policy': {'name': 'raw', 'duration': '1h'},
        'tiers': [{'resolution': '1d', 'functions': ['mean']}]}}},
     'influxpy.E007', 'less than one 1d interval'),
    ({'INFLUXPY_STORAGE': {'OPTIONS': {'database': 'replica'}}}, 'influxpy.E008',
     "the database 'replica' is not in settings.DATABASES"),
    ({'USE_TZ': False}, 'influxpy.E009', 'USE_TZ'),
])
def test_each_problem_is_an_error_with_its_id_and_a_hint(settings: dict[str, Any],
                                                         check_id: str, text: str) -> None:
    settings = {'INFLUXPY': GOOD, **settings}
    with override_settings(**settings):
        messages = [m for m in run() if m.is_serious()]
    assert ids(messages) == [check_id], messages
    assert text in messages[0].msg
    if check_id not in ('influxpy.E004', 'influxpy.E006'):
        assert messages[0].hint


def test_a_measurement_that_cannot_work_in_an_installed_app() -> None:
    apps = ['django.contrib.contenttypes', 'influxpy.contrib.django', 'tests.django.testapp',
            'tests.django.badapp']
    with override_settings(INFLUXPY=GOOD, INSTALLED_APPS=apps):
        messages = run()
    assert ids(messages) == ['influxpy.E007']
    assert 'tests.django.badapp.measurements' in messages[0].msg
    assert 'tier 1h keeps nothing' in messages[0].msg


def test_an_alias_no_setting_declares_is_a_warning() -> None:
    with override_settings(INFLUXPY={'archive': GOOD['default']},
                           INFLUXPY_STORAGE={'BACKEND': INFLUX}):
        messages = run()
    assert ids(messages) == ['influxpy.W001', 'influxpy.W001']  # the storage and Sensor
    assert not any(m.is_serious() for m in messages)


def test_connectivity_is_checked_only_with_deploy() -> None:
    dead = {'default': {'URL': f'influxdb://127.0.0.1:{free_port()}/db',
                        'OPTIONS': {'retries': 0, 'timeout': 2}}}
    with override_settings(INFLUXPY=dead, INFLUXPY_STORAGE={'BACKEND': INFLUX}):
        assert run() == []
        messages = run(deploy=True)
    assert ids(messages) == ['influxpy.E010', 'influxpy.E010']
    assert 'does not answer' in messages[0].msg and 'not healthy' in messages[1].msg


def test_deploy_passes_when_the_server_answers(influx_settings: str) -> None:
    with override_settings(INFLUXPY_STORAGE={'BACKEND': INFLUX}):
        connections['default']
        assert run(deploy=True) == []


@pytest.fixture(scope='module')
def auth_server() -> Any:
    from influxpy.testing import InfluxServer
    with InfluxServer(auth=True) as server:
        yield server


def test_deploy_checks_credentials_and_rights(auth_server: Any) -> None:
    import urllib.parse
    import urllib.request

    def raw(statement: str) -> None:  # as the admin, outside influxpy
        form = urllib.parse.urlencode({'q': statement, 'u': 'admin',
                                       'p': auth_server.admin_password})
        urllib.request.urlopen(f'{auth_server.http_url}/query?{form}', data=b'',
                               timeout=10).read()

    raw('CREATE DATABASE deploydb')
    raw('CREATE DATABASE otherdb')
    raw("CREATE USER outsider WITH PASSWORD 'café/€?#'")
    raw('GRANT READ ON otherdb TO outsider')
    base = f'influxdb://127.0.0.1:{auth_server.port}/deploydb'
    cases = [('admin', auth_server.admin_password, []),
             ('admin', 'wrong-password', ['influxpy.E011']),
             ('outsider', 'café/€?#', ['influxpy.E012'])]
    for user, password, expected in cases:
        setting = {'default': {'URL': base, 'USER': user, 'PASSWORD': password,
                               'OPTIONS': {'retries': 0}}}
        with override_settings(INFLUXPY=setting):
            assert run() == []
            messages = [m for m in run(deploy=True) if m.obj == 'default']  # not the storage
        connections.reset()
        assert ids(messages) == expected, messages
        assert all(password not in m.msg for m in messages if password)


def test_an_unencoded_password_in_the_url_is_not_echoed() -> None:
    with override_settings(INFLUXPY={'default': {'URL': 'influxdb://admin:Kx7Qz/Vy4Rt@host/db'}}):
        messages = [m for m in run() if m.is_serious()]
    assert ids(messages) == ['influxpy.E002']
    assert 'percent-encoded' in messages[0].msg
    assert 'Kx7Qz' not in messages[0].msg and 'Vy4Rt' not in messages[0].msg
