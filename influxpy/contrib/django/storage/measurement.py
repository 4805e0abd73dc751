"""The influxpy measurement that stores the readings of a reading model in InfluxDB.

:func:`measurement_for` maps a :class:`~.reading_model.ReadingSchema`: ``device`` → a
tag, each ``FloatField`` → a ``FloatField``, each integer column → an ``IntegerField``
(every value field nullable exactly when the column is), and the table name → the
measurement name. The InfluxDB storage's ``retention_policy`` and ``tiers`` options
are read here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .... import fields as influx_fields
from .... import models as influx_models
from ....exceptions import InfluxPyError
from ....retention import RetentionPolicy, Tier
from ..problems import BAD_MODEL, BAD_TIER, StorageConfigurationError
from .checks import check_device, check_number
from .reading_model import DEVICE, ReadingSchema, ValueColumn

TIER_HINT = ('tiers go from fine to coarse, keep at least one interval, and the raw points '
             'must be kept for at least one interval of the coarsest tier')


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
                    tiers: list[Tier] | None = None) -> type[influx_models.InfluxMeasurement]:
    """The influxpy measurement class that stores readings of ``schema``.

    Its fields make the storage's own checks of a device and of each value, so that
    every way into the measurement — the storage, an import, a write of the model —
    refuses exactly what ``store_reading`` refuses."""
    def device_check(value: Any) -> None:
        check_device(schema, value, 'device')

    def column_check(column: ValueColumn) -> Any:
        return lambda value: check_number(schema, column, value, 'value')

    attrs: dict[str, Any] = {
        '__module__': __name__,
        '__qualname__': f'{schema.model.__name__}Measurement',
        'measurement': measurement or schema.table,
        DEVICE: influx_fields.InfluxTag(validators=[device_check]),
    }
    for column in schema.columns.values():
        kind = influx_fields.FloatField if column.kind == 'float' else influx_fields.IntegerField
        attrs[column.name] = kind(null=column.null, validators=[column_check(column)])
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
