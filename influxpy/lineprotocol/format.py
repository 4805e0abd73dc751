"""Line protocol out: escaping per context, one value, one line, a stamp for "now".

InfluxDB 1.x unescapes only ``\\,``, ``\\=`` and ``\\ `` in measurements, tag keys, tag
values and field keys — a lone backslash stays a backslash — so those contexts escape
exactly the separators; string field values escape ``"`` and ``\\``. What cannot be
carried (a newline in a name or tag, a trailing backslash) is refused by the fields and
the model's metaclass before anything is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import fields as f
from ..times import unique_now_ns

MEASUREMENT_ESCAPES = str.maketrans({',': '\\,', ' ': '\\ '})
KEY_ESCAPES = str.maketrans({',': '\\,', '=': '\\=', ' ': '\\ '})
STRING_ESCAPES = str.maketrans({'\\': '\\\\', '"': '\\"'})
# A tag's cache of escaped fragments is dropped when it grows past this (high cardinality).
TAG_CACHE_SIZE = 100_000
# Strings up to this many characters cannot exceed 64 KiB in UTF-8: no need to measure.
FAST_STRING_CHARS = f.MAX_STRING_BYTES // 4


def escape_measurement(name: str) -> str:
    return name.translate(MEASUREMENT_ESCAPES)


def escape_key(name: str) -> str:
    """A tag key, tag value or field key."""
    return name.translate(KEY_ESCAPES)


def quote_string_value(value: str) -> str:
    return '"' + value.translate(STRING_ESCAPES) + '"'


def format_value(field: f.Field, value: Any) -> str:
    """One cleaned field value in line protocol."""
    if value is True:
        return 'true'
    if value is False:
        return 'false'
    if isinstance(value, str):
        return quote_string_value(value)
    if field.kind == f.INTEGER:
        return f'{value}i'
    return repr(float(value))


def format_typed_value(value: Any) -> str:
    """A value written as its own Python type says (``int`` -> ``1i``); the models' path
    is :func:`format_value`."""
    if value is True:
        return 'true'
    if value is False:
        return 'false'
    if isinstance(value, int):
        return f'{value}i'
    if isinstance(value, float):
        return repr(value)
    return quote_string_value(str(value))


def format_line(measurement: str, tags: Mapping[str, str], values: Mapping[str, Any],
                ns: int) -> str:
    """One line of line protocol (``values`` typed as they should be written).

    Every name and tag value is checked as a model's declaration and tags are, so no
    value can end the line early or start another (a :class:`ValidationError` says which).
    """
    f.check_name(measurement, 'measurement', measurement)
    clean_tags = {}
    for key, value in tags.items():
        f.check_name(measurement, 'tag key', key)
        text = f.check_tag_value(measurement, key, value)
        if text is not None:
            clean_tags[key] = text
    for key in values:
        f.check_name(measurement, 'field key', key)
    head = escape_measurement(measurement) + ''.join(
        f',{escape_key(k)}={escape_key(v)}' for k, v in sorted(clean_tags.items()))
    body = ','.join(f'{escape_key(k)}={format_typed_value(v)}' for k, v in values.items())
    return f'{head} {body} {ns}'


def stamp(obj: Any) -> int:
    """Give a point saved without a time now (strictly increasing, see unique_now_ns)."""
    now = unique_now_ns()
    obj._time_ns = now
    return now
