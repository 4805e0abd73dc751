"""Reading line protocol the way InfluxDB 1.x reads it.

The importer must accept exactly the lines the server accepts and read each one the same
way, so this follows the server's scanner (``models/points.go``) rule by rule rather than
a grammar of our own:

- In the measurement and tags a character is escaped when the one *before* it is a
  backslash (so ``a\\\\,b`` is ``a\\`` followed by an escaped comma); ``\\,``, ``\\=`` and
  ``\\ `` lose their backslash, any other backslash stays.
- An unescaped ``=`` in a tag value, an empty tag key or value and a repeated tag key
  make the line invalid.
- Field values: ``-`` or a digit or ``.`` starts a number (no ``+``, no ``NaN``, no
  ``inf``; ``12i`` an integer; unsigned ``12u`` is refused, as 1.x refuses it without
  its option); ``"`` a string (``\\"`` and ``\\\\`` unescaped); anything else must be one of
  the booleans ``t T true True TRUE f F false False FALSE``.
- Only spaces, tabs and NUL bytes before the measurement are skipped; the timestamp is
  ``-`` and digits, followed by nothing but spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..times import INT64_MAX, INT64_MIN, MAX_NS, MIN_NS, PRECISION_NS

LEADING_SPACE = ' \t\x00'
_FLOAT = re.compile(r'-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?')
_INT = re.compile(r'-?\d+i')
_TIME = re.compile(r'-?\d+')
_DIGITS = '.0123456789'
_TRUE = frozenset({'t', 'T', 'true', 'True', 'TRUE'})
_FALSE = frozenset({'f', 'F', 'false', 'False', 'FALSE'})


@dataclass
class Line:
    """One parsed line of line protocol."""

    measurement: str
    tags: dict[str, str]
    fields: dict[str, Any]
    time: int | None


def _unescape(raw: str) -> str:
    if '\\' not in raw:
        return raw
    return raw.replace('\\,', ',').replace('\\=', '=').replace('\\ ', ' ')


def _scan_key_part(text: str, i: int, stops: str) -> int:
    """The index of the first character of ``stops`` not preceded by a backslash."""
    n = len(text)
    while i < n:
        if text[i] in stops and (i == 0 or text[i - 1] != '\\'):
            return i
        i += 1
    return n


def _scan_string(text: str, i: int) -> tuple[str, int]:
    """A quoted string field value starting at ``text[i] == '"'``."""
    out = []
    i += 1
    n = len(text)
    while i < n:
        char = text[i]
        if char == '\\' and i + 1 < n and text[i + 1] in '"\\':
            out.append(text[i + 1])
            i += 2
            continue
        if char == '"':
            return ''.join(out), i + 1
        out.append(char)
        i += 1
    raise ValueError('a string field value has no closing quote')


def _number(token: str) -> int | float:
    last = token[-1]
    if last == 'i' and _INT.fullmatch(token):
        number = int(token[:-1])
        if not INT64_MIN <= number <= INT64_MAX:
            raise ValueError(f'{token!r} is outside the 64-bit integer range')
        return number
    if last == 'u' and _TIME.fullmatch(token[:-1]):
        raise ValueError(f'{token!r}: unsigned integers are not accepted by InfluxDB 1.x')
    if not _FLOAT.fullmatch(token):
        raise ValueError(f'{token!r} is not a number (12.5, -3, 1e6 or 12i)')
    value = float(token)
    if value in (float('inf'), float('-inf')):
        raise ValueError(f'{token!r} is too large a number')
    return value


def _field_value(token: str) -> Any:
    if token[:1] in '-.0123456789' or token[:1] in 'Nn':
        return _number(token)
    if token in _TRUE:
        return True
    if token in _FALSE:
        return False
    raise ValueError(f'{token!r} is no field value (a number, 12i, true/false or "a string")')


def strip_line(text: str) -> str:
    """A line without its line ending and the whitespace the server skips before it."""
    if text.endswith('\n'):
        text = text[:-1]
    if text.endswith('\r'):  # CRLF files: the line ending, as the influx CLI reads them
        text = text[:-1]
    return text.lstrip(LEADING_SPACE)


def parse_line(text: str, precision: str = 'ns') -> Line:
    """Parse one line of InfluxDB 1.x line protocol (already passed through
    :func:`strip_line`); raise ValueError saying what InfluxDB would refuse."""
    match = _SIMPLE.fullmatch(text)
    if match is not None:
        line = _simple_line(match, precision)
        if line is not None:
            return line
    return _general_line(text, precision)


# The usual line: no escape, no quote, one space between its parts, each name and value
# free of the characters that end one (and the fields not starting with what the scanner
# skips before them). Such a line needs no scanner: split it, and give
# anything the scanner might read otherwise (a repeated key, a bad value) to the scanner.
_PLAIN = r'[^ ,=\\"]+'
_SIMPLE = re.compile(rf'({_PLAIN})((?:,{_PLAIN}={_PLAIN})*) '
                     rf'((?![\t\x00]){_PLAIN}={_PLAIN}(?:,{_PLAIN}={_PLAIN})*)(?: (-?[0-9]+))? *')


def _simple_line(match: re.Match[str], precision: str) -> Line | None:
    """The line of a :data:`_SIMPLE` match, or None for the scanner to read (and judge)."""
    measurement, tag_text, field_text, stamp_text = match.groups()
    tags: dict[str, str] = {}
    if tag_text:
        pairs = tag_text[1:].split(',')
        for pair in pairs:
            key, value = pair.split('=')
            tags[key] = value
        if len(tags) != len(pairs):
            return None
    values: dict[str, Any] = {}
    pairs = field_text.split(',')
    for pair in pairs:
        key, token = pair.split('=')
        last = token[-1]
        if last in _DIGITS:  # a float, as _number reads it
            if token[0] not in _DIGITS and token[0] != '-' or not _FLOAT.fullmatch(token):
                return None
            number = float(token)
            if number - number:  # infinite (too large): the scanner says so
                return None
            values[key] = number
        elif last == 'i' and _INT.fullmatch(token):
            integer = int(token[:-1])
            if not INT64_MIN <= integer <= INT64_MAX:
                return None
            values[key] = integer
        elif token in _TRUE:
            values[key] = True
        elif token in _FALSE:
            values[key] = False
        else:
            return None
    if len(values) != len(pairs):
        return None
    if stamp_text is None:
        return Line(measurement, tags, values, None)
    stamp = int(stamp_text) * PRECISION_NS[precision]
    if not MIN_NS <= stamp <= MAX_NS:
        return None
    return Line(measurement, tags, values, stamp)


def _general_line(text: str, precision: str) -> Line:
    """The server's scanner, rule by rule (see the module docstring)."""
    n = len(text)
    end = _scan_key_part(text, 1, ', ')  # the first character is never an escape's target
    if not text or text[0] == ',':
        raise ValueError('the line has no measurement')
    measurement = _unescape(text[:end])
    i = end
    tags: dict[str, str] = {}
    while i < n and text[i] == ',':
        key_end = _scan_key_part(text, i + 1, '=, ')
        if key_end >= n or text[key_end] != '=' or key_end == i + 1:
            raise ValueError(f'a tag needs key=value, near {text[:key_end + 1][-30:]!r}')
        value_end = _scan_key_part(text, key_end + 1, '=, ')
        if value_end < n and text[value_end] == '=':
            raise ValueError(f'a tag value has an unescaped "=", near '
                             f'{text[:value_end + 1][-30:]!r}')
        if value_end == key_end + 1:
            raise ValueError(f'a tag has no value, near {text[:value_end + 1][-30:]!r}')
        key = _unescape(text[i + 1:key_end])
        if key in tags:
            raise ValueError(f'the tag {key!r} is given twice')
        tags[key] = _unescape(text[key_end + 1:value_end])
        i = value_end
    if i >= n or text[i] != ' ':
        raise ValueError('the line has no fields')
    while i < n and text[i] in LEADING_SPACE:
        i += 1
    values: dict[str, Any] = {}
    while True:
        key_end = _scan_key_part(text, i, '=, ')
        if key_end >= n or text[key_end] != '=' or key_end == i:
            raise ValueError(f'a field needs key=value, near {text[:key_end + 1][-30:]!r}')
        key = _unescape(text[i:key_end])
        i = key_end + 1
        if i < n and text[i] == '"':
            value, i = _scan_string(text, i)
        else:
            start = i
            while i < n and text[i] not in ', ':
                i += 1
            if i == start:
                raise ValueError(f'the field {key!r} has no value')
            value = _field_value(text[start:i])
        if key in values and type(values[key]) is not type(value):
            raise ValueError(f'the field {key!r} is given twice with different types')
        values[key] = value
        if i >= n or text[i] != ',':
            break
        i += 1
    rest = text[i:].lstrip(LEADING_SPACE)
    if not rest:
        return Line(measurement, tags, values, None)
    stamp_text, _, trailing = rest.partition(' ')
    if not _TIME.fullmatch(stamp_text) or trailing.strip(' '):
        raise ValueError(f'{rest!r} is not a timestamp (an integer in {precision})')
    stamp = int(stamp_text) * PRECISION_NS[precision]
    if not MIN_NS <= stamp <= MAX_NS:
        raise ValueError(f'the timestamp {stamp_text} is outside the times InfluxDB stores')
    return Line(measurement, tags, values, stamp)


def _ends_quoted(text: str, state: list[Any]) -> bool:
    """Advance the server's line scanner over ``text``; True while inside a quoted string
    field (then the newline ending ``text`` belongs to the string, not to the line).
    ``state`` is ``[in fields, quoted, equals, commas]``, carried across lines."""
    fields, quoted, equals, commas = state
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == '\\':
            i += 2
            continue
        if char == ' ':
            fields = True
        if fields:
            if not quoted and char == '=':
                equals += 1
            elif not quoted and char == ',':
                commas += 1
            elif char == '"' and equals > commas:
                quoted = not quoted
        i += 1
    state[:] = fields, quoted, equals, commas
    return bool(quoted)


def logical_lines(lines: Any) -> Any:
    """``(number of the first physical line, text)`` per point, as the server splits a
    body: a newline inside a quoted string field does not end the line."""
    pending: list[str] = []
    first = 0
    state: list[Any] = [False, False, 0, 0]
    for number, text in enumerate(lines, 1):
        if not pending:
            first = number
            state[:] = [False, False, 0, 0]
        pending.append(text)
        if not text.endswith('\n') or not _ends_quoted(text, state):
            yield first, ''.join(pending)
            pending = []
    if pending:
        yield first, ''.join(pending)
