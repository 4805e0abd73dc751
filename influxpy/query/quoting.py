"""The one place each kind of literal is written into InfluxQL text.

InfluxQL's scanner knows four escapes inside quotes — ``\\\\``, ``\\'``, ``\\"`` and
``\\n`` — and refuses a raw newline, so one translate table serves identifiers
(double quotes) and strings (single quotes) alike.
"""

from __future__ import annotations

_QUOTED = str.maketrans({'\\': '\\\\', "'": "\\'", '"': '\\"', '\n': '\\n'})


def quote_ident(name: str) -> str:
    """``cpu load`` -> ``"cpu load"``: a database, measurement, tag or field name."""
    return '"' + str(name).translate(_QUOTED) + '"'


def quote_string(value: str) -> str:
    """``it's`` -> ``'it\\'s'``: a string literal."""
    return "'" + str(value).translate(_QUOTED) + "'"
