"""System checks: the settings, the storage and the measurements, without I/O;
connectivity only with ``manage.py check --deploy``.

=================  ================================================================
id                 problem
=================  ================================================================
``influxpy.E001``  ``INFLUXPY`` or ``INFLUXPY_STORAGE`` is malformed
``influxpy.E002``  a connection URL cannot be parsed
``influxpy.E003``  an unknown key or option
``influxpy.E004``  an option with a bad value
``influxpy.E005``  the storage ``BACKEND`` cannot be imported or is no storage
``influxpy.E006``  a reading model or measurement that cannot be stored/serialized
``influxpy.E007``  a retention policy or tier that cannot work
``influxpy.E008``  the storage names a database Django does not have
``influxpy.E009``  ``USE_TZ`` is False
``influxpy.E010``  (deploy) a server or the storage does not answer
``influxpy.E011``  (deploy) a server refuses the credentials (user or password wrong)
``influxpy.E012``  (deploy) the user may not read the configured database
``influxpy.W001``  a measurement or the storage uses an alias ``INFLUXPY`` lacks
=================  ================================================================
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from ...exceptions import AuthenticationError, DatabaseNotFound, InfluxPyError
from .conf import connection_configs, storage_config
from .discovery import discover_measurements
from .problems import (
    BAD_CREDENTIALS,
    BAD_SETTING,
    NO_PRIVILEGE,
    UNKNOWN_CONNECTION,
    UNREACHABLE,
    Problem,
    StorageConfigurationError,
)


def _message(problem: Problem) -> checks.CheckMessage:
    kind = checks.Warning if problem.id.split('.')[-1].startswith('W') else checks.Error
    return kind(problem.msg, hint=problem.hint, obj=problem.obj, id=problem.id)


def _storage() -> tuple[Any, list[Problem]]:
    config, problems = storage_config()
    if config is None:
        return None, problems
    try:
        return config.backend(**config.options), problems
    except StorageConfigurationError as exc:
        return None, [*problems, exc.problem]
    except (ImproperlyConfigured, InfluxPyError, TypeError, ValueError) as exc:
        return None, [*problems, Problem(BAD_SETTING, f'INFLUXPY_STORAGE cannot be built: {exc}')]


@checks.register('influxpy')
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Settings, storage and measurements: everything that needs no server."""
    configs, problems = connection_configs()
    storage, storage_problems = _storage()
    problems += storage_problems
    measurements, measurement_problems = discover_measurements()
    problems += measurement_problems
    known = set(configs)

    def unknown_alias(alias: str, who: str) -> None:
        if alias not in known:
            problems.append(Problem(
                UNKNOWN_CONNECTION, f'{who} uses the InfluxDB connection {alias!r}, which '
                                    'settings.INFLUXPY does not declare',
                f"add INFLUXPY[{alias!r}] = {{'URL': 'influxdb://host:8086/db'}} (or configure "
                'it in code with influxpy.connect)', who))

    if storage is not None and hasattr(storage, 'using'):
        unknown_alias(storage.using, repr(storage))
    for model in measurements:
        unknown_alias(model._meta.using, f'{model.__module__}.{model.__name__}')
    return [_message(problem) for problem in problems]


@checks.register('influxpy', deploy=True)
def check_connectivity(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """With ``--deploy``: every configured server answers, and so does the storage."""
    from .handlers import connections

    configs, problems = connection_configs()
    if problems:
        return []  # check_settings reports them
    messages: list[checks.CheckMessage] = []
    for alias in configs:
        try:
            version = connections[alias].ping()
        except InfluxPyError as exc:
            messages.append(checks.Error(f'InfluxDB connection {alias!r} does not answer: {exc}',
                                         hint='check the URL, the network and the credentials',
                                         obj=alias, id=UNREACHABLE))
            continue
        del version
        messages += _check_access(alias, connections[alias])
    storage, storage_problems = _storage()
    if storage is not None and not storage_problems:
        health = storage.health_check()
        if not health:
            messages.append(checks.Error(f'the reading storage is not healthy: {health.message}',
                                         hint='run manage.py migrate (ORM) or '
                                              'manage.py influxpy_sync (InfluxDB)',
                                         obj=repr(storage), id=UNREACHABLE))
        storage.close()
    return messages


def _check_access(alias: str, connection: Any) -> list[checks.CheckMessage]:
    """An authenticated request: /ping answers without credentials, queries do not."""
    database = connection.database
    statement = 'SHOW MEASUREMENTS LIMIT 1' if database else 'SHOW DATABASES'
    try:
        connection.query(statement)
    except DatabaseNotFound:
        return []  # influxpy_sync creates it; the credentials were accepted
    except AuthenticationError as exc:
        if exc.status == 401:
            return [checks.Error(f'InfluxDB connection {alias!r} refuses the credentials: {exc}',
                                 hint='check USER and PASSWORD (or the URL\'s user:password@)',
                                 obj=alias, id=BAD_CREDENTIALS)]
        return [checks.Error(f'InfluxDB connection {alias!r}: the user may not read database '
                             f'{database!r}: {exc}',
                             hint=f'GRANT READ (or ALL) ON {database!r} TO the user',
                             obj=alias, id=NO_PRIVILEGE)]
    except InfluxPyError as exc:
        return [checks.Error(f'InfluxDB connection {alias!r} does not answer queries: {exc}',
                             obj=alias, id=UNREACHABLE)]
    return []
