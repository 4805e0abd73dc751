"""INFLUXPY_API: every key optional, every mistake a clear StorageConfigurationError."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from influxpy.contrib.django.api.conf import APISettings, Grant, api_settings, read_api_settings
from influxpy.contrib.django.problems import (
    BAD_SETTING,
    UNKNOWN_OPTION,
    StorageConfigurationError,
)


def test_nothing_configured_is_the_defaults() -> None:
    with override_settings():
        from django.conf import settings
        del settings.INFLUXPY_API
        assert api_settings() == APISettings(None, 'readings', 1000, 100_000, 10 * 1024 * 1024,
                                             ())
    with override_settings(INFLUXPY_API={}):
        assert api_settings() == APISettings()


def test_everything_configured() -> None:
    with override_settings(INFLUXPY_API={
            'MEASUREMENTS': ['tests.django.testapp.measurements.Server'], 'READINGS': None,
            'DEFAULT_LIMIT': 10, 'MAX_LIMIT': 10, 'MAX_BODY': 1,
            'PUBLIC': [{'measurement': '*', 'rights': ['view']},
                       {'measurement': 'cpu', 'tags': {'host': 'a'},
                        'rights': ('append', 'delete')}]}):
        assert api_settings() == APISettings(
            ('tests.django.testapp.measurements.Server',), None, 10, 10, 1,
            (Grant('*', {}, frozenset({'view'})),
             Grant('cpu', {'host': 'a'}, frozenset({'append', 'delete'}))))
    with override_settings(INFLUXPY_API={'READINGS': 'weather_readings'}):
        assert api_settings().readings == 'weather_readings'


BAD: list[tuple[Any, str, str]] = [
    ([], BAD_SETTING, 'INFLUXPY_API must be a dict, not list'),
    ({'LIMIT': 5, 'PUBLIK': []}, UNKNOWN_OPTION,
     "INFLUXPY_API has unknown key(s) 'LIMIT', 'PUBLIK' (valid keys: MEASUREMENTS, READINGS, "
     'DEFAULT_LIMIT, MAX_LIMIT, MAX_BODY, PUBLIC)'),
    ({'MEASUREMENTS': 'myapp.Server'}, BAD_SETTING,
     "INFLUXPY_API['MEASUREMENTS'] must be a list of dotted paths (or None for those of the "
     "installed apps), not str"),
    ({'MEASUREMENTS': ['Server']}, BAD_SETTING,
     "INFLUXPY_API['MEASUREMENTS'] has 'Server', which is no dotted path"),
    ({'MEASUREMENTS': [3]}, BAD_SETTING, "INFLUXPY_API['MEASUREMENTS'] has 3"),
    ({'READINGS': ''}, BAD_SETTING, "INFLUXPY_API['READINGS'] is no measurement name"),
    ({'READINGS': '#r'}, BAD_SETTING, "starts with '#'"),
    ({'DEFAULT_LIMIT': 0}, BAD_SETTING,
     "INFLUXPY_API['DEFAULT_LIMIT'] must be a positive integer, not 0 (default: 1000)"),
    ({'MAX_LIMIT': '100'}, BAD_SETTING,
     "INFLUXPY_API['MAX_LIMIT'] must be a positive integer, not '100'"),
    ({'MAX_BODY': True}, BAD_SETTING, "INFLUXPY_API['MAX_BODY'] must be a positive integer"),
    ({'MAX_BODY': 1.5}, BAD_SETTING, "INFLUXPY_API['MAX_BODY'] must be a positive integer"),
    ({'DEFAULT_LIMIT': 10, 'MAX_LIMIT': 5}, BAD_SETTING,
     "INFLUXPY_API['DEFAULT_LIMIT'] (10) is over INFLUXPY_API['MAX_LIMIT'] (5)"),
    ({'PUBLIC': {'measurement': '*'}}, BAD_SETTING,
     "INFLUXPY_API['PUBLIC'] must be a list, not dict"),
    ({'PUBLIC': ['*']}, BAD_SETTING, "INFLUXPY_API['PUBLIC'][0] must be a dict, not str"),
    ({'PUBLIC': [{'measurement': '*', 'rights': ['view'], 'right': 'x'}]}, UNKNOWN_OPTION,
     "INFLUXPY_API['PUBLIC'][0] has unknown key(s) 'right' (valid keys: measurement, tags, "
     'rights)'),
    ({'PUBLIC': [{'rights': ['view']}]}, BAD_SETTING,
     "INFLUXPY_API['PUBLIC'][0]['measurement'] must be a measurement's name or '*'"),
    ({'PUBLIC': [{'measurement': '*', 'rights': ['view']},
                 {'measurement': 'cpu', 'tags': {'host': 2}, 'rights': ['view']}]}, BAD_SETTING,
     "INFLUXPY_API['PUBLIC'][1]['tags']: selector: the value of tag 'host' must be a "
     'non-empty string, not 2'),
    ({'PUBLIC': [{'measurement': 'cpu', 'tags': ['host'], 'rights': ['view']}]}, BAD_SETTING,
     "INFLUXPY_API['PUBLIC'][0]['tags']: a selector is a JSON object"),
    ({'PUBLIC': [{'measurement': 'cpu'}]}, BAD_SETTING,
     "INFLUXPY_API['PUBLIC'][0]['rights'] must be a non-empty list of view, append, delete, "
     'not None'),
    ({'PUBLIC': [{'measurement': 'cpu', 'rights': []}]}, BAD_SETTING, 'not []'),
    ({'PUBLIC': [{'measurement': 'cpu', 'rights': 'view'}]}, BAD_SETTING, "not 'view'"),
    ({'PUBLIC': [{'measurement': 'cpu', 'rights': ['read']}]}, BAD_SETTING, "not ['read']"),
]


@pytest.mark.parametrize('declared, check_id, message', BAD)
def test_a_bad_setting_says_what_is_wrong(declared: Any, check_id: str, message: str) -> None:
    with override_settings(INFLUXPY_API=declared):
        config, problems = read_api_settings()
        assert config is None
        assert len(problems) == 1
        with pytest.raises(StorageConfigurationError) as caught:
            api_settings()
    assert caught.value.check_id == check_id
    assert message in str(caught.value)
