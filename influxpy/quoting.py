"""The one place each kind of literal is written into InfluxQL text.

One function per literal kind: identifiers, strings, regexes, durations, times,
numbers and booleans. Nothing else writes a value into query text.

InfluxQL's scanner knows four escapes inside quotes — ``\\\\``, ``\\'``, ``\\"`` and
``\\n`` — and refuses a raw newline, so one translate table serves identifiers
(double quotes) and strings (single quotes) alike. It has no escape at all for a
carriage return or a NUL character (1.6 and 1.8 refuse the statement), so those raise
:class:`~influxpy.exceptions.QueryError`: such a string can only travel as a bind
parameter.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from .exceptions import QueryError, ValidationError
from .times import INFLUXQL_UNITS, INT64_MAX, INT64_MIN, MIN_NS, rfc3339, to_ns

_QUOTED = str.maketrans({'\\': '\\\\', "'": "\\'", '"': '\\"', '\n': '\\n'})
_UNQUOTABLE = re.compile('[\r\x00]')

# The first time InfluxDB reads as RFC 3339 text (see quote_time).
MIN_TEXT_NS = MIN_NS + 1


def _check_quotable(text: str, what: str) -> None:
    if _UNQUOTABLE.search(text):
        raise QueryError(
            f'{what} {text!r} contains a carriage return or NUL character, which InfluxQL '
            'text cannot carry (it has no escape for them); such a value can only be sent '
            'as a bind parameter')


def quote_ident(name: str) -> str:
    """``cpu load`` -> ``"cpu load"``: a database, measurement, tag or field name."""
    text = str(name)
    if '\r' in text or '\x00' in text:
        _check_quotable(text, 'the identifier')
    return '"' + text.translate(_QUOTED) + '"'


def quote_string(value: str) -> str:
    """``it's`` -> ``'it\\'s'``: a string literal."""
    text = str(value)
    if '\r' in text or '\x00' in text:
        _check_quotable(text, 'the string')
    return "'" + text.translate(_QUOTED) + "'"


# A regex literal ``/…/``: InfluxQL's scanner turns ``\\/`` into ``/`` and keeps every
# other backslash as it is (the next character is then read afresh). So a slash is
# written ``\\/``, a backslash pair passes through, and a pattern that would end in a
# backslash gets an empty group so the closing slash is not read as escaped. Control
# characters (the scanner refuses raw newlines, carriage returns and NULs) become
# RE2's ``\\x{…}`` escapes, escaped or not.
_REGEX_TOKEN = re.compile(r'\\(.)|([/\x00-\x1f\x7f])', re.DOTALL)


def _regex_token(match: re.Match[str]) -> str:
    escaped, bare = match.group(1), match.group(2)
    char = escaped if escaped is not None else bare
    if char < ' ' or char == '\x7f':
        return f'\\x{{{ord(char):02x}}}'
    if escaped is None:
        return '\\/'                 # a bare slash
    if char == '/':
        return '\\\\/'               # RE2's escaped slash: scanner gives back \/
    return match.group(0)


def quote_regex(pattern: str | re.Pattern[str]) -> str:
    """``a/b`` -> ``/a\\/b/``: a regex literal (RE2 syntax, as the server reads it).

    A compiled ``re.Pattern`` keeps its ``IGNORECASE``, ``MULTILINE`` and ``DOTALL`` flags
    as an inline ``(?ims)`` prefix.
    """
    if isinstance(pattern, re.Pattern):
        flags = ''.join(letter for flag, letter in ((re.IGNORECASE, 'i'), (re.MULTILINE, 'm'),
                                                    (re.DOTALL, 's')) if pattern.flags & flag)
        text = (f'(?{flags})' if flags else '') + str(pattern.pattern)
    elif isinstance(pattern, str):
        text = pattern
    else:
        raise QueryError(f'a regex must be a string or re.Pattern, not {type(pattern).__name__}')
    if text.endswith('\\') and (len(text) - len(text.rstrip('\\'))) % 2:
        raise QueryError(f'the regex {text!r} ends with a lone backslash')
    body = _REGEX_TOKEN.sub(_regex_token, text)
    if body.endswith('\\'):
        body += '(?:)'
    return '/' + body + '/'


def quote_duration(ns: int) -> str:
    """``300_000_000_000`` -> ``5m``: a duration literal, in the largest exact unit.

    Negative durations (a ``GROUP BY time()`` offset may be one) keep their sign.
    """
    if type(ns) is not int:
        raise QueryError(f'a duration is a whole number of nanoseconds, not {ns!r}')
    if not -INT64_MAX <= ns <= INT64_MAX:
        raise QueryError(f'a duration of {ns} ns is longer than InfluxQL reads (about 292 '
                         'years)')
    if ns == 0:
        return '0s'
    sign, size = ('-', -ns) if ns < 0 else ('', ns)
    for unit, unit_ns in INFLUXQL_UNITS:
        if size % unit_ns == 0:
            return f'{sign}{size // unit_ns}{unit}'
    raise AssertionError('unreachable: every integer is a number of nanoseconds')


def quote_time(value: Any) -> str:
    """A time literal exact to the nanosecond: ``'2024-01-01T00:00:00.000000001Z'``.

    Accepts what :func:`influxpy.times.to_ns` accepts: aware datetimes, ISO strings,
    integer epoch nanoseconds, pandas and numpy times; a time outside the range InfluxDB
    stores raises :class:`QueryError` here, before anything is sent.

    The server reads an integer literal as epoch nanoseconds over the whole range it
    stores, but refuses RFC 3339 text at its very first time, ``MIN_NS`` ("underflows time
    literal"; 1.6.7 reads text from ``MIN_NS + 1`` to ``MAX_NS``). Text stays the readable
    form; a time below the text range is written as the integer.
    """
    try:
        ns = to_ns(value)
    except ValidationError as exc:
        raise QueryError(str(exc)) from None
    if ns < MIN_TEXT_NS:
        return str(ns)
    return f"'{rfc3339(ns)}'"


def quote_number(value: int | float | Decimal) -> str:
    """``1e-06`` -> ``0.000001``: InfluxQL reads no exponent; integers stay integers."""
    if isinstance(value, bool):
        raise QueryError(f'{value!r} is a boolean, not a number')
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            raise QueryError(f'{value} is outside the 64-bit integer range of InfluxQL')
        return str(int(value))
    if isinstance(value, (float, Decimal)):
        if not math.isfinite(value):
            raise QueryError(f'{value!r} is not a finite number: InfluxQL has no NaN or '
                             'infinity')
        text = repr(float(value))
        if 'e' in text:
            text = format(Decimal(text), 'f')
        if '.' not in text:
            text += '.0'
        return text
    raise QueryError(f'{value!r} ({type(value).__name__}) is not a number')


def quote_bool(value: bool) -> str:
    """``True`` -> ``true``."""
    if not isinstance(value, bool):
        raise QueryError(f'{value!r} is not a boolean')
    return 'true' if value else 'false'


def quote_value(value: Any) -> str:
    """A WHERE value inlined: string, boolean or number, each through its own function."""
    if isinstance(value, str):
        return quote_string(value)
    if isinstance(value, bool):
        return quote_bool(value)
    return quote_number(value)
