"""The HTTP API's settings: ``INFLUXPY_API``, a dict whose keys are all optional::

    INFLUXPY_API = {
        'MEASUREMENTS': ['myapp.measurements.Server'],  # None: those of the installed apps
        'READINGS': 'readings',         # the storage's readings by that name; None: hidden
        'DEFAULT_LIMIT': 1000,          # points per page when a request gives no limit
        'MAX_LIMIT': 100_000,           # the largest limit a request may ask for
        'MAX_BODY': 10 * 1024 * 1024,   # bytes of a write body (after gzip), else 413
        'PUBLIC': [                     # what anonymous users (and so everyone) may do
            {'measurement': 'weather', 'tags': {'city': 'Paris'}, 'rights': ['view']},
        ],
    }

As with the other settings (../conf.py), :func:`read_api_settings` returns what it read
and the problems it found; :func:`api_settings` raises the first of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ....exceptions import InfluxPyError
from ....fields import check_name
from ..models import ALL_MEASUREMENTS, selector_error
from ..problems import BAD_SETTING, UNKNOWN_OPTION, Problem, raise_first
from .types import RIGHTS

KEYS = ('MEASUREMENTS', 'READINGS', 'DEFAULT_LIMIT', 'MAX_LIMIT', 'MAX_BODY', 'PUBLIC')
GRANT_KEYS = ('measurement', 'tags', 'rights')
GRANT_EXAMPLE = "{'measurement': 'weather', 'tags': {'city': 'Paris'}, 'rights': ['view']}"


@dataclass(frozen=True)
class Grant:
    """Rights on the series of a measurement (``'*'``: every one) that ``tags`` selects."""

    measurement: str
    tags: Mapping[str, str]
    rights: frozenset[str]


@dataclass(frozen=True)
class APISettings:
    measurements: tuple[str, ...] | None = None
    readings: str | None = 'readings'
    default_limit: int = 1000
    max_limit: int = 100_000
    max_body: int = 10 * 1024 * 1024
    public: tuple[Grant, ...] = ()


def api_settings() -> APISettings:
    """``INFLUXPY_API``, checked; a StorageConfigurationError says what is wrong."""
    config, problems = read_api_settings()
    raise_first(problems)
    assert config is not None
    return config


def read_api_settings() -> tuple[APISettings | None, list[Problem]]:
    """``INFLUXPY_API`` as :class:`APISettings`, or None and the problems found."""
    declared = getattr(settings, 'INFLUXPY_API', None)
    if declared is None:
        return APISettings(), []
    if not isinstance(declared, Mapping):
        return None, [Problem(BAD_SETTING, f'INFLUXPY_API must be a dict, not '
                                           f'{type(declared).__name__}',
                              "INFLUXPY_API = {'MEASUREMENTS': ['myapp.measurements.Server']}")]
    unknown = [key for key in declared if key not in KEYS]
    if unknown:
        return None, [Problem(UNKNOWN_OPTION, f'INFLUXPY_API has unknown key(s) '
                                              f'{", ".join(map(repr, unknown))}',
                              f'valid keys: {", ".join(KEYS)}')]
    defaults = APISettings()
    try:
        limits = {key: _positive(declared, key, getattr(defaults, key.lower()))
                  for key in ('DEFAULT_LIMIT', 'MAX_LIMIT', 'MAX_BODY')}
        if limits['DEFAULT_LIMIT'] > limits['MAX_LIMIT']:
            raise _Bad(f"INFLUXPY_API['DEFAULT_LIMIT'] ({limits['DEFAULT_LIMIT']}) is over "
                       f"INFLUXPY_API['MAX_LIMIT'] ({limits['MAX_LIMIT']})")
        config = APISettings(
            measurements=_measurements(declared.get('MEASUREMENTS')),
            readings=_readings(declared.get('READINGS', defaults.readings)),
            default_limit=limits['DEFAULT_LIMIT'], max_limit=limits['MAX_LIMIT'],
            max_body=limits['MAX_BODY'],
            public=tuple(_grant(i, g) for i, g in enumerate(_list(declared, 'PUBLIC'))))
    except _Bad as bad:
        return None, [Problem(bad.check_id, bad.msg, bad.hint)]
    return config, []


class _Bad(Exception):
    def __init__(self, msg: str, hint: str | None = None, check_id: str = BAD_SETTING) -> None:
        super().__init__(msg)
        self.msg, self.hint, self.check_id = msg, hint, check_id


def _positive(declared: Mapping[str, Any], key: str, default: int) -> int:
    value = declared.get(key, default)
    # bool is an int to Python, not to a reader of settings.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Bad(f'INFLUXPY_API[{key!r}] must be a positive integer, not {value!r}',
                   f'default: {default}')
    return value


def _list(declared: Mapping[str, Any], key: str) -> list[Any]:
    value = declared.get(key, [])
    if not isinstance(value, (list, tuple)):
        raise _Bad(f'INFLUXPY_API[{key!r}] must be a list, not {type(value).__name__}')
    return list(value)


def _measurements(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, (list, tuple)):
        raise _Bad(f"INFLUXPY_API['MEASUREMENTS'] must be a list of dotted paths (or None for "
                   f'those of the installed apps), not {type(value).__name__}',
                   "'MEASUREMENTS': ['myapp.measurements.Server']")
    for path in value:
        if not isinstance(path, str) or '.' not in path.strip('.'):
            raise _Bad(f"INFLUXPY_API['MEASUREMENTS'] has {path!r}, which is no dotted path "
                       'to a measurement class', "such as 'myapp.measurements.Server'")
    return tuple(value)


def _readings(value: Any) -> str | None:
    if value is None:
        return None
    try:
        check_name('INFLUXPY_API', 'measurement', value)
    except InfluxPyError as exc:
        raise _Bad(f"INFLUXPY_API['READINGS'] is no measurement name: {exc}",
                   "a name such as 'readings', or None not to expose the readings") from None
    return str(value)


def _grant(index: int, value: Any) -> Grant:
    where = f"INFLUXPY_API['PUBLIC'][{index}]"
    if not isinstance(value, Mapping):
        raise _Bad(f'{where} must be a dict, not {type(value).__name__}', GRANT_EXAMPLE)
    unknown = [key for key in value if key not in GRANT_KEYS]
    if unknown:
        raise _Bad(f'{where} has unknown key(s) {", ".join(map(repr, unknown))}',
                   f'valid keys: {", ".join(GRANT_KEYS)}', UNKNOWN_OPTION)
    measurement = value.get('measurement')
    if measurement != ALL_MEASUREMENTS:
        try:
            check_name('INFLUXPY_API', 'measurement', measurement)
        except InfluxPyError as exc:
            raise _Bad(f"{where}['measurement'] must be a measurement's name or '*': {exc}",
                       GRANT_EXAMPLE) from None
    tags = value.get('tags', {})
    problem = selector_error(tags)
    if problem is not None:
        raise _Bad(f"{where}['tags']: {problem}", GRANT_EXAMPLE)
    rights = value.get('rights')
    if (not isinstance(rights, (list, tuple, set, frozenset)) or not rights
            or any(right not in RIGHTS for right in rights)):
        raise _Bad(f"{where}['rights'] must be a non-empty list of {', '.join(RIGHTS)}, "
                   f'not {rights!r}', GRANT_EXAMPLE)
    return Grant(str(measurement), dict(tags), frozenset(rights))
