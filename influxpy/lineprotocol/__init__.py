"""Line protocol, both ways: written by the serializer, read as InfluxDB 1.x reads it.

- :mod:`.format`: escaping per context, one value, one line;
- :mod:`.serializer`: a model's points -> lines, compiled once per model;
- :mod:`.parse`: a line -> measurement, tags, fields and time, by the server's rules.
"""

from .format import (
    KEY_ESCAPES,
    MEASUREMENT_ESCAPES,
    STRING_ESCAPES,
    escape_key,
    escape_measurement,
    format_line,
    format_typed_value,
    format_value,
    quote_string_value,
    stamp,
)
from .parse import Line, logical_lines, parse_line, strip_line
from .serializer import LineSerializer, serialize, serializer_for

__all__ = ['KEY_ESCAPES', 'MEASUREMENT_ESCAPES', 'STRING_ESCAPES', 'Line', 'LineSerializer',
           'escape_key', 'escape_measurement', 'format_line', 'format_typed_value',
           'format_value', 'logical_lines', 'parse_line', 'quote_string_value', 'serialize',
           'serializer_for', 'stamp', 'strip_line']
