"""The reading model (the storages' ``model`` option), described once for every storage.

:class:`ReadingSchema` reads a Django model: ``device`` (a ``CharField``), ``time`` (a
``DateTimeField``) and numeric value columns. The ORM storage writes that table; the
InfluxDB storage turns the same description into a measurement (see measurement.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models as dj
from django.db.backends.base.operations import BaseDatabaseOperations

from ..problems import BAD_MODEL, StorageConfigurationError

DEFAULT_MODEL = 'influxpy.Reading'
DEVICE = 'device'
TIME = 'time'
INTEGER_TYPES = ('SmallIntegerField', 'IntegerField', 'BigIntegerField',
                 'PositiveSmallIntegerField', 'PositiveIntegerField', 'PositiveBigIntegerField')
MODEL_HINT = 'inherit influxpy.contrib.django.models.AbstractReading and add numeric columns'


@dataclass(frozen=True)
class ValueColumn:
    """One value column: its name, ``'float'`` or ``'integer'``, and what it accepts."""

    name: str
    kind: str
    null: bool
    minimum: int | None = None
    maximum: int | None = None


class ReadingSchema:
    """What a reading of ``model`` is: a device, a time, and these value columns."""

    def __init__(self, model: type[dj.Model]) -> None:
        self.model = model
        self.label = model._meta.label
        opts = model._meta
        problems = []
        device = _field(model, DEVICE)
        time = _field(model, TIME)
        if not isinstance(device, dj.CharField):
            problems.append(f'has no CharField {DEVICE!r} naming the device')
        if not isinstance(time, dj.DateTimeField):
            problems.append(f'has no DateTimeField {TIME!r}')
        self.device_max_length: int = getattr(device, 'max_length', None) or 255
        columns: dict[str, ValueColumn] = {}
        for field in opts.concrete_fields:
            if field.primary_key or field.name in (DEVICE, TIME):
                continue
            internal = field.get_internal_type()
            if internal == 'FloatField':
                columns[field.name] = ValueColumn(field.name, 'float', field.null)
            elif internal in INTEGER_TYPES:
                low, high = BaseDatabaseOperations.integer_field_ranges[internal]
                columns[field.name] = ValueColumn(field.name, 'integer', field.null, low, high)
            else:
                problems.append(f'has the column {field.name!r} ({type(field).__name__}), '
                                'which a reading cannot carry: value columns are FloatField '
                                'or integer fields')
        if not columns and not problems:
            problems.append('has no value column (a FloatField or an integer field)')
        if not problems and not _unique_device_time(model):
            problems.append('has no unique constraint on (device, time): storing a reading '
                            'again must replace it, as in InfluxDB')
        if problems:
            raise StorageConfigurationError(f'the reading model {self.label} '
                                            f'{"; ".join(problems)}', check_id=BAD_MODEL,
                                            hint=MODEL_HINT)
        self.columns = columns
        self.fields = tuple(columns)
        self.table = opts.db_table

    def __repr__(self) -> str:
        return f'<ReadingSchema {self.label}: {", ".join(self.fields)}>'


def _field(model: type[dj.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist: reported as a missing column
        return None


def _unique_device_time(model: type[dj.Model]) -> bool:
    wanted = {DEVICE, TIME}
    opts = model._meta
    for constraint in opts.total_unique_constraints:
        if set(constraint.fields) == wanted:
            return True
    return any(set(together) == wanted for together in opts.unique_together)


def resolve_model(model: str | type[dj.Model]) -> ReadingSchema:
    """The schema of a model given as ``'app_label.ModelName'`` or as the class."""
    if isinstance(model, str):
        try:
            found = apps.get_model(model)
        except (LookupError, ValueError) as exc:
            raise StorageConfigurationError(f'the reading model {model!r} is not installed: '
                                            f'{exc}', check_id=BAD_MODEL,
                                            hint="name it 'app_label.ModelName'") from None
        return ReadingSchema(found)
    if isinstance(model, type) and issubclass(model, dj.Model):
        return ReadingSchema(model)
    raise StorageConfigurationError(f'model={model!r} is not a Django model', check_id=BAD_MODEL,
                                    hint="name it 'app_label.ModelName'")
