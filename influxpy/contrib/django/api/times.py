"""Times in the API's query strings, exact to the nanosecond: RFC 3339 with an offset
(up to nine fraction digits), epoch seconds (integer or decimal) or ``now`` plus or minus
a duration. Digits are read as digits: no float on the way."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from ....exceptions import QueryError
from ....resolutions import duration_ns
from ....times import MAX_NS, MIN_NS, datetime_to_ns, rfc3339
from .types import ParameterError

TIMES = ('RFC 3339 with an offset: 2024-01-01T00:00:00Z, 2024-01-01T01:00:00.5+01:00',
         'epoch seconds: 1700000000, 1700000000.123456789', 'now, now-6h, now+1h30m')

_RFC3339 = re.compile(r'(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?'
                      r'([Zz]|[+-]\d\d:\d\d)?', re.ASCII)
_EPOCH = re.compile(r'(-?)(\d+)(?:\.(\d+))?', re.ASCII)
_NOW = re.compile(r'now(?:([+-])(.*))?', re.DOTALL)
DURATION = re.compile(r'[0-9][0-9nsuµmhdw]*')  # ASCII digits: duration_ns reads the rest


def parse_time(text: str, parameter: str, now_ns: int | None = None) -> int:
    """``text`` as epoch nanoseconds: RFC 3339 with an offset, epoch seconds, or ``now``
    plus or minus a duration (``now_ns``: the now to use; None: the clock's)."""
    if now := _NOW.fullmatch(text):
        ns = time.time_ns() if now_ns is None else now_ns
        if now.group(1):
            ns += _relative(text, parameter, now.group(1), now.group(2))
    elif match := _EPOCH.fullmatch(text):
        sign, whole, fraction = match.groups()
        if len(whole) > 12:  # far outside InfluxDB's range anyway
            raise _time_error(parameter, text, 'is outside the times InfluxDB stores (epoch '
                                               'seconds: is this milliseconds?)')
        ns = (int(whole) * 10**9 + _nanos(parameter, text, fraction)) * (-1 if sign else 1)
    elif match := _RFC3339.fullmatch(text):
        ns = _rfc3339(text, parameter, match)
    else:
        raise _time_error(parameter, text, f'is not a time{_hint(text)}')
    if not MIN_NS <= ns <= MAX_NS:
        raise _time_error(parameter, text, f'is outside the times InfluxDB stores, '
                                           f'{rfc3339(MIN_NS)} to {rfc3339(MAX_NS)}')
    return ns


def _time_error(parameter: str, text: str, message: str) -> ParameterError:
    return ParameterError(parameter, f'{text!r} {message}', list(TIMES))


def _hint(text: str) -> str:
    if text.startswith('now ') or re.fullmatch(r'[\dTt:. -]+ \d\d:\d\d', text, re.ASCII):
        return ' (a "+" in a URL is a space: write it %2B)'
    if re.fullmatch(r'\d{4}-\d\d-\d\d', text, re.ASCII):
        return ' (a date alone has no time and no offset: add T00:00:00Z)'
    return ''


def _nanos(parameter: str, text: str, fraction: str | None) -> int:
    """The nanoseconds of a fraction of a second, from its digits (no float on the way)."""
    if fraction is not None and len(fraction) > 9:
        raise _time_error(parameter, text, 'has more than nine fraction digits')
    return int((fraction or '').ljust(9, '0'))


def _relative(text: str, parameter: str, sign: str, rest: str) -> int:
    try:
        if not DURATION.fullmatch(rest):
            raise QueryError(rest)
        return duration_ns(rest, allow_zero=True) * (-1 if sign == '-' else 1)
    except QueryError:
        raise _time_error(parameter, text, f'is not now{sign}<duration>, a duration such as '
                                           '90s, 6h, 1h30m or 7d (ns u ms s m h d w)') from None


def _rfc3339(text: str, parameter: str, match: re.Match[str]) -> int:
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if offset is None:
        raise _time_error(parameter, text, 'has no UTC offset: add Z (UTC) or one such as +01:00')
    nanos, offset_s = _nanos(parameter, text, fraction), 0
    if offset not in 'Zz':
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if hours > 23 or minutes > 59:
            raise _time_error(parameter, text, 'has an offset beyond ±23:59')
        offset_s = (hours * 60 + minutes) * 60 * (-1 if offset[0] == '-' else 1)
    try:
        base = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                        tzinfo=UTC)
    except ValueError as exc:
        raise _time_error(parameter, text, f'is not a valid date and time ({exc})') from None
    return datetime_to_ns(base) - offset_s * 10**9 + nanos
