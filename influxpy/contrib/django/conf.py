"""Reading influxpy's settings, Django style, into checked configurations.

``INFLUXPY`` maps connection aliases to ``{'URL': …, 'OPTIONS': {…}}``; without it (or
without its ``'default'``) the ``default`` connection comes from the environment
variable ``INFLUX_DATABASE_URL``. ``INFLUXPY_STORAGE`` is ``{'BACKEND': 'dotted.path',
'OPTIONS': {…}}``, the ORM storage when absent.

Each function returns what it read and the problems it finds (see problems.py): the
system checks report them, code that needs the configuration raises the first one.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from ...connection import ENV_URL, OPTIONS, parse_url
from ...exceptions import ConfigurationError
from .problems import (
    BAD_BACKEND,
    BAD_OPTION,
    BAD_SETTING,
    BAD_URL,
    UNKNOWN_OPTION,
    Problem,
)

DEFAULT_STORAGE_BACKEND = 'influxpy.contrib.django.storage.ORMStorage'
CONNECTION_KEYS = ('URL', 'OPTIONS', 'USER', 'PASSWORD')
STORAGE_KEYS = ('BACKEND', 'OPTIONS')


# -- connections ------------------------------------------------------------------------

@dataclass(frozen=True)
class ConnectionConfig:
    alias: str
    url: str = field(repr=False)  # may hold a password
    options: dict[str, Any] = field(repr=False)  # may hold 'password'


def connection_configs() -> tuple[dict[str, ConnectionConfig], list[Problem]]:
    """The connections ``INFLUXPY`` (or the environment) configures, and its problems."""
    problems: list[Problem] = []
    configs: dict[str, ConnectionConfig] = {}
    declared = getattr(settings, 'INFLUXPY', None)
    if declared is None:
        declared = {}
    if not isinstance(declared, Mapping):
        return {}, [Problem(BAD_SETTING, f'INFLUXPY must be a dict of connection aliases, not '
                                         f'{type(declared).__name__}',
                            "INFLUXPY = {'default': {'URL': 'influxdb://localhost:8086/db'}}")]
    entries = dict(declared)
    if 'default' not in entries and os.environ.get(ENV_URL):
        entries['default'] = {'URL': os.environ[ENV_URL]}
    for alias, entry in entries.items():
        where = f'INFLUXPY[{alias!r}]'
        if not isinstance(alias, str) or not alias:
            problems.append(_problem(alias, BAD_SETTING, f'INFLUXPY has the alias {alias!r}; '
                                                         'aliases are non-empty strings'))
            continue
        if not isinstance(entry, Mapping):
            problems.append(_problem(alias, BAD_SETTING,
                                     f'{where} must be a dict such as '
                                     "{'URL': 'influxdb://host:8086/db'}, not "
                                     f'{type(entry).__name__}'))
            continue
        unknown = [key for key in entry if key not in CONNECTION_KEYS]
        if unknown:
            problems.append(_problem(alias, UNKNOWN_OPTION,
                                     f'{where} has unknown key(s) '
                                     f'{", ".join(map(repr, unknown))}',
                                     f'valid keys: {", ".join(CONNECTION_KEYS)}'))
            continue
        url = entry.get('URL')
        if not isinstance(url, str) or not url.strip():
            problems.append(_problem(alias, BAD_SETTING, f"{where}['URL'] is missing or empty",
                                     'give a URL such as influxdb://user:password@host:8086/db'))
            continue
        options = entry.get('OPTIONS', {})
        if not isinstance(options, Mapping):
            problems.append(_problem(alias, BAD_SETTING,
                                     f"{where}['OPTIONS'] must be a dict, not "
                                     f'{type(options).__name__}'))
            continue
        unknown = [key for key in options if key not in OPTIONS]
        if unknown:
            problems.append(_problem(alias, UNKNOWN_OPTION,
                                     f"{where}['OPTIONS'] has unknown option(s) "
                                     f'{", ".join(map(repr, unknown))}',
                                     f'valid options: {", ".join(OPTIONS)}'))
            continue
        try:
            parse_url(url)
        except ConfigurationError as exc:
            problems.append(_problem(alias, BAD_URL,
                                     f"{where}['URL'] is not a valid InfluxDB URL: {exc}",
                                     'use influxdb[s]://[user[:password]@]host[:port]/database'))
            continue
        options = dict(options)
        credentials = {'USER': 'username', 'PASSWORD': 'password'}
        bad = [key for key in credentials if key in entry and not isinstance(entry[key], str)]
        if bad:
            problems.append(_problem(alias, BAD_SETTING, f'{where}[{bad[0]!r}] must be a string'))
            continue
        options.update((credentials[key], entry[key]) for key in credentials if key in entry)
        try:
            parse_url(url, **options)
        except ConfigurationError as exc:
            problems.append(_problem(alias, BAD_OPTION, f"{where}['OPTIONS']: {exc}"))
            continue
        configs[alias] = ConnectionConfig(alias, url, options)
    return configs, problems


def _problem(alias: Any, check_id: str, msg: str, hint: str | None = None) -> Problem:
    return Problem(check_id, msg, hint, obj=alias)


# -- storage ---------------------------------------------------------------------------

@dataclass(frozen=True)
class StorageConfig:
    backend: type[Any]
    options: dict[str, Any]


def storage_config() -> tuple[StorageConfig | None, list[Problem]]:
    """The storage ``INFLUXPY_STORAGE`` selects (its class and options), and its problems."""
    from .storage.base import ReadingStorage

    declared = getattr(settings, 'INFLUXPY_STORAGE', None)
    if declared is None:
        declared = {'BACKEND': DEFAULT_STORAGE_BACKEND}
    example = ("INFLUXPY_STORAGE = {'BACKEND': 'influxpy.contrib.django.storage.ORMStorage', "
               "'OPTIONS': {}}")
    if not isinstance(declared, Mapping):
        return None, [Problem(BAD_SETTING, f'INFLUXPY_STORAGE must be a dict, not '
                                           f'{type(declared).__name__}', example)]
    unknown = [key for key in declared if key not in STORAGE_KEYS]
    if unknown:
        return None, [Problem(UNKNOWN_OPTION, f'INFLUXPY_STORAGE has unknown key(s) '
                                              f'{", ".join(map(repr, unknown))}',
                              f'valid keys: {", ".join(STORAGE_KEYS)}')]
    path = declared.get('BACKEND', DEFAULT_STORAGE_BACKEND)
    options = declared.get('OPTIONS', {})
    if not isinstance(path, str) or not path:
        return None, [Problem(BAD_SETTING, "INFLUXPY_STORAGE['BACKEND'] must be a dotted path",
                              example)]
    if not isinstance(options, Mapping):
        return None, [Problem(BAD_SETTING, "INFLUXPY_STORAGE['OPTIONS'] must be a dict, not "
                                           f'{type(options).__name__}')]
    try:
        backend = import_string(path)
    except ImportError as exc:
        return None, [Problem(BAD_BACKEND, f"INFLUXPY_STORAGE['BACKEND'] {path!r} cannot be "
                                           f'imported: {exc}',
                              'use influxpy.contrib.django.storage.ORMStorage or '
                              'influxpy.contrib.django.storage.InfluxStorage')]
    if not (inspect.isclass(backend) and issubclass(backend, ReadingStorage)):
        return None, [Problem(BAD_BACKEND, f"INFLUXPY_STORAGE['BACKEND'] {path!r} is not a "
                                           'reading storage class',
                              'a backend subclasses influxpy.contrib.django.storage.'
                              'ReadingStorage')]
    valid = backend.option_names()
    unknown = [key for key in options if key not in valid]
    if unknown:
        return None, [Problem(UNKNOWN_OPTION, f"INFLUXPY_STORAGE['OPTIONS'] has unknown "
                                              f'option(s) {", ".join(map(repr, unknown))} for '
                                              f'{backend.__name__}',
                              f'valid options: {", ".join(valid) or "none"}')]
    return StorageConfig(backend, dict(options)), []
