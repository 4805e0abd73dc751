"""Checking a write's points before anything is written, by the rules of what stores them.

An influxpy measurement's points become instances of its model, checked by the model's
own ``full_clean()`` (what ``save()`` and ``bulk_create()`` apply); readings are checked
by the storage's ``check_reading`` (storage/checks.py). Every invalid point is reported,
in one 400 (see bodies.Problems), and then nothing is written.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .... import fields as f
from ....exceptions import QueryError, ValidationError
from ....lineprotocol import serializer_for
from ....models import InfluxMeasurement, Options
from ....times import EPOCH
from ..storage.checks import check_reading
from ..storage.intervals import to_us
from ..storage.reading_model import DEVICE, TIME, ReadingSchema
from ..storage.types import MAX_TIME, MIN_TIME, DeviceReading
from .bodies import Problems
from .types import PointIn

LOWEST_US, HIGHEST_US = to_us(MIN_TIME), to_us(MAX_TIME)


def model_instances(model: type[InfluxMeasurement],
                    points: list[PointIn]) -> list[InfluxMeasurement]:
    """An instance of ``model`` per point, each checked; APIError 400 naming every bad one."""
    checked = _all_valid(model, points)
    if checked is not None:
        return checked
    meta = model._meta
    tag_names, field_names = meta.tags.keys(), meta.fields.keys()
    problems = Problems()
    out = []
    for point in points:
        values: dict[str, Any] | None
        if point.tags.keys() <= tag_names and point.fields.keys() <= field_names:
            values = {**point.tags, **point.fields}
        else:
            values = _values(meta, point, problems)
            if values is None:
                continue
        try:
            obj = model(time=point.time_ns, **values)
        except ValidationError as exc:  # only the time is checked on the way in
            problems.add(point.index, point.line, TIME, str(exc))
            continue
        try:
            obj.full_clean()
        except ValidationError as exc:
            problems.add(point.index, point.line, exc.field, str(exc))
            continue
        out.append(obj)
    problems.check()
    return out


# The types the built-in fields' clean() returns unchanged (a value passing its checks).
_CLEAN_TYPES = {f.FloatField.to_python: (float,), f.IntegerField.to_python: (int,),
                f.BooleanField.to_python: (bool,), f.StringField.to_python: (str,),
                f.InfluxTag.to_python: (str,), f.InfluxField.to_python: (float, bool, str)}


def _all_valid(model: type[InfluxMeasurement],
               points: list[PointIn]) -> list[InfluxMeasurement] | None:
    """The instances, as ``full_clean()`` leaves them, when every point is valid; else
    None (then each point is checked alone, to name every bad one).

    Valid by the model's compiled checks, those its serializer (so bulk_create) applies:
    the rules of ``full_clean()`` without a call per point. A value of a type clean()
    returns unchanged is kept; any other (an int for a float, '' for a tag) is cleaned."""
    meta = model._meta
    tag_names, field_names = meta.tags.keys(), meta.fields.keys()
    # A field with a clean() or to_python() of its own is always cleaned.
    kept = [(key, field, _CLEAN_TYPES.get(type(field).to_python, ())
             if type(field).clean is f.Field.clean else (), field.is_tag)
            for key, field in meta.all_fields.items()]
    out = []
    try:
        for point in points:
            if not (point.tags.keys() <= tag_names and point.fields.keys() <= field_names):
                return None
            out.append(model(time=point.time_ns, **{**point.tags, **point.fields}))
        untimed = [obj for obj in out if obj.time_ns is None]
        serializer_for(model).check(out)
        for obj in untimed:  # the check stamps them now; bulk_create will
            obj._time_ns = None
        for obj in out:
            d = obj.__dict__
            for key, field, types, is_tag in kept:
                value = d.get(key)
                if value is None or value.__class__ not in types or (is_tag and value == ''):
                    d[key] = field.clean(value)
    except ValidationError:
        return None
    return out


def _values(meta: Options, point: PointIn, problems: Problems) -> dict[str, Any] | None:
    """A point's values by attribute name, its names looked up as the model looks them up
    (attribute or column name); None when one is not the model's."""
    values = {}
    before = problems.count
    for kind, members in (('tag', point.tags), ('field', point.fields)):
        for name, value in members.items():
            try:
                found = meta.get_field(name)
            except QueryError as exc:
                problems.add(point.index, point.line, name, str(exc))
                continue
            if found.is_tag != (kind == 'tag'):
                problems.add(point.index, point.line, name,
                             f'{meta.model_name}.{found.name} is a '
                             f'{"tag" if found.is_tag else "field"}, not a {kind}')
                continue
            values[found.name] = value
    return values if problems.count == before else None


def device_readings(schema: ReadingSchema, points: list[PointIn]) -> list[DeviceReading]:
    """A checked reading per point (its one tag ``device``, its fields the model's value
    columns); APIError 400 naming every bad one.

    Readings keep microseconds on every storage, so a time with nanoseconds is refused
    rather than cut (the same request must give the same answer everywhere)."""
    problems = Problems()
    out = []
    for point in points:
        before = problems.count
        for name in point.tags:
            if name != DEVICE:
                problems.add(point.index, point.line, name,
                             f'{schema.label} readings have the one tag {DEVICE!r}, not '
                             f'{name!r}')
        device = point.tags.get(DEVICE)
        if device is None:
            problems.add(point.index, point.line, DEVICE,
                         f'the tag {DEVICE!r} is missing: every reading names its device')
        ns = point.time_ns
        if ns is not None and ns % 1000:
            problems.add(point.index, point.line, TIME,
                         f'time {ns} (epoch ns) has nanoseconds; {schema.label} readings '
                         'keep microseconds')
        elif ns is not None and not LOWEST_US <= ns // 1000 <= HIGHEST_US:
            problems.add(point.index, point.line, TIME,
                         f'time {ns} (epoch ns) is outside the range every storage keeps '
                         f'({MIN_TIME.year}-{MAX_TIME.year})')
        if problems.count > before:
            continue
        when = None if ns is None else EPOCH + timedelta(microseconds=ns // 1000)
        try:
            reading = check_reading(schema, {DEVICE: device, TIME: when,
                                             'values': dict(point.fields)})
        except ValidationError as exc:
            problems.add(point.index, point.line, exc.field, str(exc))
            continue
        out.append(reading)
    problems.check()
    return out
