"""A reading model, described once for every storage.

:class:`ReadingSchema` reads a Django model: ``device`` (a ``CharField``), ``time`` (a
``DateTimeField``) and numeric value columns. The ORM storage writes that table;
:func:`measurement_for` turns the same description into an influxpy measurement:
``device`` → a tag, each ``FloatField`` → a ``FloatField``, each integer column → an
``IntegerField`` (every value field nullable exactly when the column is), and the
table name → the measurement name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models as dj
from django.db.backends.base.operations import BaseDatabaseOperations

from .... import fields as influx_fields
from .... import models as influx_models
from ....exceptions import InfluxPyError
from ....schema import RetentionPolicy, Tier
from ..problems import BAD_MODEL, BAD_TIER, StorageConfigurationError

DEFAULT_MODEL = 'influxpy.Reading'
DEVICE = 'device'
TIME = 'time'
INTEGER_TYPES = ('SmallIntegerField', 'IntegerField', 'BigIntegerField',
                 'PositiveSmallIntegerField', 'PositiveIntegerField', 'PositiveBigIntegerField')
TIER_HINT = ('tiers go from fine to coarse, keep at least one interval, and the raw points '
             'must be kept for at least one interval of the coarsest tier')
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


def retention_from_option(value: Any) -> str | RetentionPolicy | None:
    """``retention_policy``: a name, a ``RetentionPolicy`` or ``{'name': …, 'duration': …}``."""
    if value is None or isinstance(value, (str, RetentionPolicy)):
        return value
    if isinstance(value, Mapping):
        try:
            return RetentionPolicy(**value)
        except (TypeError, InfluxPyError) as exc:
            raise StorageConfigurationError(f'retention_policy {value!r} cannot work: {exc}',
                                            check_id=BAD_TIER) from None
    raise StorageConfigurationError(f'retention_policy {value!r} must be a name, a '
                                    'RetentionPolicy or a dict', check_id=BAD_TIER)


def tiers_from_option(value: Any) -> list[Tier] | None:
    """``tiers``: ``Tier`` objects, or dicts / tuples of ``Tier``'s arguments."""
    if value is None:
        return None
    if isinstance(value, (str, Mapping)) or not hasattr(value, '__iter__'):
        raise StorageConfigurationError(f'tiers={value!r} must be a list of tiers',
                                        check_id=BAD_TIER,
                                        hint="tiers=[Tier('1h', ['mean', 'max'], keep='365d')]")
    tiers = []
    for item in value:
        try:
            if isinstance(item, Tier):
                tiers.append(item)
            elif isinstance(item, Mapping):
                tiers.append(Tier(**item))
            else:
                tiers.append(Tier(*item))
        except (TypeError, InfluxPyError) as exc:
            raise StorageConfigurationError(f'the tier {item!r} cannot work: {exc}',
                                            check_id=BAD_TIER, hint=TIER_HINT) from None
    return tiers


def measurement_for(schema: ReadingSchema, *, measurement: str | None = None,
                    using: str = 'default', database: str | None = None,
                    retention_policy: str | RetentionPolicy | None = None,
                    tiers: list[Tier] | None = None,
                    checks: Any = None) -> type[influx_models.InfluxMeasurement]:
    """The influxpy measurement class that stores readings of ``schema``.

    ``checks`` (the storage) gives its fields the storage's own checks of a device and
    of each value, so that every way into the measurement — the storage, an import, a
    write of the model — refuses exactly what ``store_reading`` refuses."""
    def device_check(value: Any) -> None:
        checks.check_device(value, 'device')

    def column_check(column: Any) -> Any:
        return lambda value: checks.check_number('value', column, value)

    attrs: dict[str, Any] = {
        '__module__': __name__,
        '__qualname__': f'{schema.model.__name__}Measurement',
        'measurement': measurement or schema.table,
        DEVICE: influx_fields.InfluxTag(validators=[device_check] if checks else []),
    }
    for column in schema.columns.values():
        kind = influx_fields.FloatField if column.kind == 'float' else influx_fields.IntegerField
        attrs[column.name] = kind(null=column.null,
                                  validators=[column_check(column)] if checks else [])
    meta: dict[str, Any] = {'using': using}
    if database:
        meta['database'] = database
    name = attrs['__qualname__']
    try:
        type(name, (influx_models.InfluxMeasurement,), {**attrs, 'Meta': type('Meta', (), meta)})
    except InfluxPyError as exc:
        raise StorageConfigurationError(f'the reading model {schema.label} cannot be stored in '
                                        f'InfluxDB: {exc}', check_id=BAD_MODEL,
                                        hint='give another measurement= option') from None
    if retention_policy is not None:
        meta['retention_policy'] = retention_policy
    if tiers:
        meta['tiers'] = tiers
    try:
        return type(name, (influx_models.InfluxMeasurement,), {**attrs,
                                                                'Meta': type('Meta', (), meta)})
    except InfluxPyError as exc:
        raise StorageConfigurationError(f'the retention or tiers of {schema.label} cannot work: '
                                        f'{exc}', check_id=BAD_TIER, hint=TIER_HINT) from None
