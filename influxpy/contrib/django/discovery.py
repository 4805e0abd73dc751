"""Finding the influxpy measurements declared in installed apps.

An app declares them in a ``measurements`` module (or in ``models``). Importing such a
module can fail where a declaration cannot work (influxpy checks names, fields and
tiers when the class is created): that is reported as a problem, not raised.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

from ...exceptions import InfluxPyError
from ...models import InfluxMeasurement
from .problems import BAD_MODEL, BAD_TIER, Problem

MODULES = ('measurements', 'models')


def discover_measurements(app_labels: Iterable[str] | None = None
                          ) -> tuple[list[type[InfluxMeasurement]], list[Problem]]:
    """The concrete measurement classes of the installed apps (or of ``app_labels``)."""
    found: list[type[InfluxMeasurement]] = []
    problems: list[Problem] = []
    configs = ([apps.get_app_config(label) for label in app_labels] if app_labels is not None
               else apps.get_app_configs())
    for config in configs:
        for submodule in MODULES:
            if not module_has_submodule(config.module, submodule):
                continue
            name = f'{config.name}.{submodule}'
            try:
                module = import_module(name)
            except InfluxPyError as exc:
                check_id = BAD_TIER if 'tier' in str(exc).lower() else BAD_MODEL
                problems.append(Problem(check_id, f'{name}: a measurement cannot be declared: '
                                                  f'{exc}', obj=name))
                continue
            for value in vars(module).values():
                if (inspect.isclass(value) and issubclass(value, InfluxMeasurement)
                        and value is not InfluxMeasurement and value.__module__ == name
                        and not value._meta.abstract and value not in found):
                    found.append(value)
    return found, problems
