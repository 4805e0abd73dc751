"""Which sources the API exposes: ``INFLUXPY_API['MEASUREMENTS']`` and the readings."""

from __future__ import annotations

from django.utils.module_loading import import_string

from influxpy.models import InfluxMeasurement

from ..discovery import discover_measurements
from ..handlers import connections
from ..problems import StorageConfigurationError
from .conf import api_settings
from .sources.base import Source
from .sources.model import ModelSource


def exposed() -> dict[str, Source]:
    """The exposed sources by name, in the order they are listed (built per request:
    settings may change, and building one is cheap)."""
    config = api_settings()
    if config.measurements is None:
        models, _ = discover_measurements()
    else:
        models = []
        for path in config.measurements:
            model = import_string(path)
            if not (isinstance(model, type) and issubclass(model, InfluxMeasurement)):
                raise StorageConfigurationError(
                    f"INFLUXPY_API['MEASUREMENTS']: {path!r} is not an influxpy measurement")
            models.append(model)
    out: dict[str, Source] = {}
    if models:
        connections.ensure_all()  # the models read and write through INFLUXPY's connections
    for model in models:
        source = ModelSource(model)
        out.setdefault(source.name, source)
    if config.readings:
        from ..storage import get_storage
        from .sources.readings import ReadingsSource

        out[config.readings] = ReadingsSource(config.readings, get_storage())
    return out
