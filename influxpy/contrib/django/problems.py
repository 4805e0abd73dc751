"""What can be wrong with the configuration: the system-check ids, and a problem as
the settings readers, the storages and the system checks pass it around.

A problem is reported by ``manage.py check`` (see checks.py for the table of ids) or
raised as :class:`StorageConfigurationError` by code that needs the configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# One id per kind of problem; the table in checks.py says what each means.
BAD_SETTING = 'influxpy.E001'
BAD_URL = 'influxpy.E002'
UNKNOWN_OPTION = 'influxpy.E003'
BAD_OPTION = 'influxpy.E004'
BAD_BACKEND = 'influxpy.E005'
BAD_MODEL = 'influxpy.E006'
BAD_TIER = 'influxpy.E007'
UNKNOWN_ALIAS = 'influxpy.E008'
NO_USE_TZ = 'influxpy.E009'
UNREACHABLE = 'influxpy.E010'
BAD_CREDENTIALS = 'influxpy.E011'
NO_PRIVILEGE = 'influxpy.E012'
UNKNOWN_CONNECTION = 'influxpy.W001'


@dataclass(frozen=True)
class Problem:
    """A configuration problem, as a system check reports it."""

    id: str
    msg: str
    hint: str | None = None
    obj: Any = None


class StorageConfigurationError(ImproperlyConfigured):
    """The storage settings cannot work; ``check_id`` and ``hint`` say why and what to do."""

    def __init__(self, msg: str, *, check_id: str = BAD_SETTING, hint: str | None = None) -> None:
        super().__init__(msg if hint is None else f'{msg} ({hint})')
        self.msg = msg
        self.check_id = check_id
        self.hint = hint

    @property
    def problem(self) -> Problem:
        return Problem(self.check_id, self.msg, self.hint)


def raise_first(problems: list[Problem]) -> None:
    """Raise the first of ``problems`` as a :class:`StorageConfigurationError`, if any."""
    if problems:
        first = problems[0]
        raise StorageConfigurationError(first.msg, check_id=first.id, hint=first.hint)
