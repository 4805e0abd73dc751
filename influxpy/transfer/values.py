"""A CSV cell read as the kind of its column (influxpy.fields' kinds), and times."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
from typing import Any

from .. import fields as f
from ..exceptions import NaiveDatetimeWarning
from ..times import INT64_MAX, INT64_MIN, MAX_NS, MIN_NS, PRECISION_NS, parse_iso

_BOOLEANS = {'t': True, 'true': True, 'f': False, 'false': False}
_NUMBER = re.compile(r'[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?')
_INTEGER = re.compile(r'[+-]?\d+')


def parse_time(text: str, precision: str = 'ns') -> tuple[int, bool]:
    """``(epoch ns, naive)`` from ISO-8601 text or an epoch integer in ``precision``."""
    text = text.strip()
    if _INTEGER.fullmatch(text):
        ns = int(text) * PRECISION_NS[precision]
        naive = False
    else:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always', NaiveDatetimeWarning)
            try:
                ns = parse_iso(text)
            except (ValueError, OverflowError):
                raise ValueError(f'{text!r} is not a time (ISO-8601 or epoch '
                                 f'{precision})') from None
        naive = any(issubclass(w.category, NaiveDatetimeWarning) for w in caught)
    if not MIN_NS <= ns <= MAX_NS:
        raise ValueError(f'{text!r} is outside the times InfluxDB stores (1677 to 2262)')
    return ns, naive


def _float(text: str) -> float:
    if not _NUMBER.fullmatch(text.strip()):
        raise ValueError(f'{text!r} is not a number')
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f'{text!r} is too large a number')
    return number


def _integer(text: str) -> int:
    if not _INTEGER.fullmatch(text.strip()):
        raise ValueError(f'{text!r} is not an integer')
    number = int(text)
    if not INT64_MIN <= number <= INT64_MAX:
        raise ValueError(f'{text!r} is outside the 64-bit integer range')
    return number


def _boolean(text: str) -> bool:
    found = _BOOLEANS.get(text.strip().lower())
    if found is None:
        raise ValueError(f'{text!r} is not true or false')
    return found


def infer_value(text: str) -> float | bool | str:
    """A CSV cell without a declared type: a number is a float, true/false a boolean,
    anything else a string."""
    stripped = text.strip()
    if _NUMBER.fullmatch(stripped):
        return _float(stripped)
    lowered = stripped.lower()
    if lowered in ('true', 'false'):
        return lowered == 'true'
    return text


# Parsers by kind of column (influxpy.fields' kinds; ANY: an untyped field).
PARSERS: dict[str, Callable[[str], Any]] = {
    f.FLOAT: _float, f.INTEGER: _integer, f.BOOLEAN: _boolean, f.STRING: str,
    f.TAG: str, f.ANY: infer_value}


def inferred_kind(cell: str) -> str:
    """The kind of an untyped column, from its first value (as :func:`infer_value`)."""
    value = infer_value(cell)
    if isinstance(value, bool):
        return f.BOOLEAN
    return f.FLOAT if isinstance(value, float) else f.STRING
