"""The HTTP API's query parameters, checked into the values of types.py.

Every function here raises :class:`~.types.ParameterError` (naming the parameter, what
was wrong and what would be valid) and nothing else. Nothing is silently ignored: a
name that is neither a parameter of the endpoint nor a tag filter is an error, and so
is a parameter given twice (but for the lists: ``fields``, ``downsamplers``,
``<tag>__in``) or given empty (leave it out for its default).

**Tag filters**: ``<tag>=v`` or ``<tag>__<lookup>=v``, a lookup of ``TAG_LOOKUPS``
(``exact ne in startswith endswith contains regex``). Values are kept exactly as given
(quotes, newlines, any unicode; ``host__ne=`` is the empty value), but for NUL, which
InfluxDB can neither store nor match. ``host__in=a,b`` splits on commas; given more than
once, each value is taken whole instead, commas and all: ``host__in=a,b&host__in=c``
matches the two values ``'a,b'`` and ``'c'``. A ``regex`` must compile, be at most
1,000 characters and use no construct InfluxDB's RE2 lacks (lookaround, backreference).
A tag named like a parameter (``order``, ``limit``…) is filtered as ``order__exact=``.

**Times** (``start``, ``end`` inclusive; ``after``, ``before`` exclusive): RFC 3339
with an offset (``2024-01-01T00:00:00.123456789Z``, ``…+01:00``), epoch seconds
(``1700000000``, ``-1.5``, ``1700000000.123456789``) or ``now``, ``now-6h``,
``now+1h30m``; exact to the nanosecond. Bounds become an inclusive ``TimeRange``;
``start`` after ``end`` is allowed and gives an empty one.

**Downsampling**: ``granularity`` (a duration such as ``10s 5m 1h30m 1d 1w``; ``minute``
or ``hour`` on the zone's wall clock; ``day week month`` in the calendar of ``tz``;
datastream's names as aliases) or ``max_points`` (the source chooses), not both.
``downsamplers`` and ``fill`` need one of them. A percentile is ``pNN`` with NN from 0
to 100, decimals allowed (``p99.9``); its name is normalised (``p050`` is ``p50``).
"""

from __future__ import annotations

import difflib
import re
import time
import zoneinfo
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ....exceptions import QueryError
from ....quoting import quote_duration
from ....resolutions import duration_ns
from ....times import INT64_MAX, INT64_MIN, MAX_NS, MIN_NS
from ..storage.intervals import CALENDAR, FIXED_NAMED
from .cursor import decode_cursor, decode_key
from .times import DURATION, parse_time
from .types import (
    DOWNSAMPLERS,
    EPOCHS,
    FILLS,
    FORMATS,
    ORDERS,
    SHAPES,
    TAG_LOOKUPS,
    Downsampler,
    Granularity,
    ParameterError,
    PointsQuery,
    SeriesQuery,
    TagFilter,
    TimeRange,
)

Params = Mapping[str, Any]   # a QueryDict, or a dict of strings or lists of strings

TIME_PARAMETERS = ('start', 'end', 'after', 'before')
POINTS_PARAMETERS = (*TIME_PARAMETERS, 'fields', 'granularity', 'downsamplers', 'fill', 'tz',
                     'max_points', 'order', 'limit', 'cursor', 'shape', 'epoch', 'format')
SERIES_PARAMETERS = ('limit', 'cursor', 'format')

GRANULARITY_ALIASES = {'seconds': '1s', '10seconds': '10s', 'minutes': '1m',
                       '10minutes': '10m', 'hours': '1h', '6hours': '6h', 'days': 'day'}
GRANULARITIES = ('a duration (10s 5m 1h 1d 1w 500ms 1h30m)', *FIXED_NAMED, *CALENDAR,
                 *GRANULARITY_ALIASES)
MAX_REGEX = 1000

_PERCENTILE = re.compile(r'p(\d{1,3}(?:\.\d{1,6})?)', re.ASCII)
_INTEGER = re.compile(r'[+-]?\d{1,20}', re.ASCII)
_WHOLE = re.compile(r'[+-]?\d+', re.ASCII)
_NUMBER = re.compile(r'[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?', re.ASCII)
# RE2 (InfluxDB's regex engine) has no lookaround, backreference, atomic or conditional group.
_NOT_RE2 = re.compile(r'\\.|(\(\?(?:[=!>(]|<[=!]|P=))', re.DOTALL)


# -- reading the mapping ------------------------------------------------------------------

def _values(params: Params, name: str) -> list[str]:
    getlist = getattr(params, 'getlist', None)
    found = getlist(name) if getlist is not None else params[name]
    values = list(found) if isinstance(found, (list, tuple)) else [found]
    return [value if isinstance(value, str) else str(value) for value in values]


def _single(params: Params, name: str) -> str | None:
    """The one value of ``name``, or None when it is absent."""
    values = _values(params, name) if name in params else []
    if not values:
        return None
    if len(values) > 1:
        raise ParameterError(name, f'is given {len(values)} times; give it once')
    if values[0] == '':
        raise ParameterError(name, 'is empty; leave it out for its default')
    return values[0]


def _items(params: Params, name: str) -> list[str] | None:
    """A comma-separated list (repeats joined), each item once, in order."""
    values = _values(params, name) if name in params else []
    if not values:
        return None
    items = [item for value in values for item in value.split(',')]
    if '' in items:
        raise ParameterError(name, 'has an empty item; separate names by single commas')
    return list(dict.fromkeys(items))


def _choice(params: Params, name: str, choices: Sequence[str], default: Any) -> Any:
    text = _single(params, name)
    if text is None:
        return default
    if text not in choices:
        raise ParameterError(name, f'{text!r} is not one of {", ".join(choices)}', list(choices))
    return text


def _integer(params: Params, name: str, low: int, high: int) -> int | None:
    text = _single(params, name)
    if text is None:
        return None
    value = int(text) if _INTEGER.fullmatch(text) else None
    if value is None or not low <= value <= high:
        raise ParameterError(name, f'{text!r} is not a whole number from {low} to {high}',
                             f'{low}..{high}')
    return value


def _check_names(params: Params, known: Sequence[str], tags: Sequence[str]) -> None:
    """Every name is a known parameter or a tag filter (else: which one, and the valid)."""
    for name in params:
        if name in known or name in tags:
            continue
        tag, _, lookup = name.rpartition('__')
        if tag in tags:
            if lookup not in TAG_LOOKUPS:
                raise ParameterError(name, f'{lookup!r} is not a tag lookup; use one of '
                                           f'{", ".join(TAG_LOOKUPS)}', list(TAG_LOOKUPS))
        elif tag:
            raise ParameterError(name, f'{tag!r} is not a tag of this measurement; its tags: '
                                       f'{", ".join(tags) or "none"}', list(tags))
        else:
            close = difflib.get_close_matches(name, [*known, *tags], n=1)
            hint = f' (did you mean {close[0]!r}?)' if close else ''
            raise ParameterError(name, f'is not a parameter here{hint}; valid: '
                                       f'{", ".join(known)}, or a tag filter '
                                       f'(<tag>, <tag>__<lookup>) on {", ".join(tags) or "no tag"}',
                                 [*known, *tags])


# -- tags -------------------------------------------------------------------------------

def parse_tag_filters(params: Params, tags: Sequence[str], *,
                      reserved: Sequence[str] = POINTS_PARAMETERS) -> tuple[TagFilter, ...]:
    """The tag filters of ``params``, in their order; names in ``reserved`` are other
    parameters and are skipped, any other name must be a tag filter."""
    _check_names(params, reserved, tags)
    filters = []
    for name in params:
        if name in reserved:
            continue
        tag, lookup = (name, 'exact') if name in tags else name.rsplit('__', 1)
        values = _values(params, name)
        if not values:
            continue
        for value in values:
            _check_value(name, value)
        if lookup == 'in':
            items = values[0].split(',') if len(values) == 1 else values
            filters.append(TagFilter(tag, 'in', tuple(dict.fromkeys(items))))
            continue
        if len(values) > 1:
            raise ParameterError(name, f'is given {len(values)} times; give it once (or use '
                                       f'{tag}__in for any of several values)')
        if lookup == 'regex':
            _check_regex(name, values[0])
        filters.append(TagFilter(tag, lookup, values[0]))
    return tuple(filters)


def _check_value(name: str, value: str) -> None:
    if '\x00' in value:
        raise ParameterError(name, 'contains a NUL character, which InfluxDB can neither '
                                   'store nor match')
    try:
        value.encode()
    except UnicodeEncodeError:
        raise ParameterError(name, 'is not valid Unicode (a lone surrogate)') from None


def _check_regex(name: str, pattern: str) -> None:
    """Python's ``re`` checks the syntax; RE2, which InfluxDB uses, lacks a few of its
    constructs and writes the end of the text ``\\z`` (Python 3.11: ``\\Z``)."""
    if len(pattern) > MAX_REGEX:
        raise ParameterError(name, f'is {len(pattern)} characters long; at most {MAX_REGEX}')
    for match in _NOT_RE2.finditer(pattern):
        token = match.group(0)
        if token == '\\Z' or match.group(1) or token[1:] in tuple('123456789'):
            raise ParameterError(name, f'uses {token!r}, which InfluxDB\'s regular expressions '
                                       '(RE2) lack (no lookaround, backreference, atomic or '
                                       'conditional group; the end of the text is \\z)')
    try:
        re.compile(_NOT_RE2.sub(lambda m: '\\Z' if m.group(0) == '\\z' else m.group(0),
                                pattern))
    except (re.error, RecursionError, OverflowError) as exc:
        raise ParameterError(name, f'is not a regular expression: {exc}') from None


def parse_time_range(params: Params, now_ns: int | None = None) -> TimeRange:
    """The inclusive range of ``start``/``after`` and ``end``/``before`` (one of each at
    most); every ``now`` in them is the same instant."""
    now = time.time_ns() if now_ns is None else now_ns
    texts = {name: _single(params, name) for name in TIME_PARAMETERS}
    for inclusive, exclusive in (('start', 'after'), ('end', 'before')):
        if texts[inclusive] is not None and texts[exclusive] is not None:
            raise ParameterError(exclusive, f'give {inclusive} (inclusive) or {exclusive} '
                                            '(exclusive), not both', [inclusive, exclusive])
    bounds = {name: parse_time(text, name, now) for name, text in texts.items()
              if text is not None}
    low = bounds.get('start', bounds['after'] + 1 if 'after' in bounds else None)
    high = bounds.get('end', bounds['before'] - 1 if 'before' in bounds else None)
    if (low is not None and low > MAX_NS) or (high is not None and high < MIN_NS):
        return TimeRange(MAX_NS, MIN_NS)  # nothing fits: an empty range inside the limits
    return TimeRange(low, high)


# -- downsampling -----------------------------------------------------------------------

def parse_granularity(text: str) -> Granularity:
    """A bucket width: a duration (named as InfluxQL writes it: ``90m``, ``1d``),
    ``minute``/``hour`` (fixed, on the zone's wall clock), ``day week month`` (calendar)
    or one of datastream's names (``GRANULARITY_ALIASES``)."""
    text = GRANULARITY_ALIASES.get(text, text)
    if text in FIXED_NAMED:
        return Granularity(text, ns=FIXED_NAMED[text] * 1000)
    if text in CALENDAR:
        return Granularity(text, calendar=text)
    try:
        if not DURATION.fullmatch(text):
            raise QueryError(text)
        ns = duration_ns(text)
    except QueryError:
        raise ParameterError('granularity', f'{text!r} is not a granularity; use '
                                            f'{", ".join(GRANULARITIES)}',
                             list(GRANULARITIES)) from None
    return Granularity(quote_duration(ns), ns=ns)


def parse_downsamplers(names: Sequence[str],
                       allowed: Sequence[str] | None = None) -> tuple[Downsampler, ...]:
    """``mean``, ``max``… and ``pNN`` percentiles; ``allowed`` (with ``'pNN'`` for any
    percentile) limits them to what a source supports."""
    valid = list(allowed) if allowed is not None else [*DOWNSAMPLERS, 'pNN']
    found: dict[str, Downsampler] = {}
    for name in names:
        match = _PERCENTILE.fullmatch(name)
        if match:
            value = Decimal(match.group(1))
            if value > 100:
                raise ParameterError('downsamplers', f'{name!r}: a percentile is from p0 to '
                                                     'p100', valid)
            normal = format(value.normalize(), 'f')
            item = Downsampler(f'p{normal}', float(value))
            kind = 'pNN'
        elif name in DOWNSAMPLERS:
            item, kind = Downsampler(name), name
        else:
            raise ParameterError('downsamplers', f'{name!r} is not a downsampler; use '
                                                 f'{", ".join(valid)}', valid)
        if kind not in valid:
            raise ParameterError('downsamplers', f'{name!r} is not available here; use '
                                                 f'{", ".join(valid)}', valid)
        found.setdefault(item.name, item)
    return tuple(found.values())


def parse_fill(text: str) -> str | float:
    """``none null previous linear`` or a finite number (an integer stays an int)."""
    if text in FILLS:
        return text
    if _WHOLE.fullmatch(text):
        if len(text) <= 20 and INT64_MIN <= int(text) <= INT64_MAX:
            return int(text)
        raise ParameterError('fill', f'{text!r} is outside the 64-bit integers InfluxDB keeps')
    if _NUMBER.fullmatch(text):
        number = float(text)
        if number not in (float('inf'), float('-inf')):
            return number
    raise ParameterError('fill', f'{text!r} is not a fill; use {", ".join(FILLS)} or a '
                                 'finite number', [*FILLS, 'a number'])


def parse_tz(text: str) -> str:
    """An IANA zone name (``Europe/Paris``), as given."""
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ParameterError('tz', f'{text!r} is not a time zone; use a name such as '
                                   'Europe/Paris or UTC', 'an IANA time zone name') from None
    return text


# -- the endpoints ----------------------------------------------------------------------

def parse_points_query(params: Params, *, tags: Sequence[str], fields: Sequence[str],
                       downsamplers_allowed: Sequence[str] | None = None,
                       granularities_allowed: Sequence[str] | None = None,
                       default_limit: int = 1000, max_limit: int = 100_000,
                       now_ns: int | None = None) -> PointsQuery:
    """The points endpoint's query (``granularities_allowed``: granularity names a source
    supports, as :func:`parse_granularity` names them; None: all)."""
    found = parse_tag_filters(params, tags, reserved=POINTS_PARAMETERS)
    time_range = parse_time_range(params, now_ns)
    names = _items(params, 'fields')
    if names is not None:
        unknown = [name for name in names if name not in fields]
        if unknown:
            raise ParameterError('fields', f'{", ".join(map(repr, unknown))}: not a field of '
                                           f'this measurement; its fields: {", ".join(fields)}',
                                 list(fields))
    text = _single(params, 'granularity')
    granularity = None if text is None else parse_granularity(text)
    if (granularity is not None and granularities_allowed is not None
            and granularity.name not in granularities_allowed):
        raise ParameterError('granularity', f'{text!r} is not available here; use '
                                            f'{", ".join(granularities_allowed)}',
                             list(granularities_allowed))
    max_points = _integer(params, 'max_points', 1, max_limit)
    if granularity is not None and max_points is not None:
        raise ParameterError('max_points', 'give granularity or max_points (which chooses '
                                           'one), not both', ['granularity', 'max_points'])
    downsampled = granularity is not None or max_points is not None
    for name in ('downsamplers', 'fill'):
        if name in params and not downsampled:
            raise ParameterError(name, 'applies to downsampled points: give granularity or '
                                       'max_points too', ['granularity', 'max_points'])
    samplers = _items(params, 'downsamplers')
    fill = _single(params, 'fill')
    tz = _single(params, 'tz')
    limit = _integer(params, 'limit', 0, max_limit)
    cursor = _single(params, 'cursor')
    return PointsQuery(
        tags=found, time=time_range,
        fields=None if names is None else tuple(names),
        granularity=granularity,
        downsamplers=((Downsampler('mean'),) if samplers is None
                      else parse_downsamplers(samplers, downsamplers_allowed)),
        fill='none' if fill is None else parse_fill(fill),
        tz='UTC' if tz is None else parse_tz(tz),
        max_points=max_points,
        order=_choice(params, 'order', ORDERS, 'asc'),
        limit=default_limit if limit is None else limit,
        cursor=None if cursor is None else decode_cursor(cursor),
        shape=_choice(params, 'shape', SHAPES, 'rows'),
        epoch=_choice(params, 'epoch', EPOCHS, None),
        format=_choice(params, 'format', FORMATS, 'json'))


def parse_series_query(params: Params, *, tags: Sequence[str], default_limit: int = 1000,
                       max_limit: int = 100_000) -> SeriesQuery:
    """The series list's query: tag filters, ``limit``, ``cursor`` (and ``format``,
    checked here and left to the view)."""
    found = parse_tag_filters(params, tags, reserved=SERIES_PARAMETERS)
    _choice(params, 'format', FORMATS, 'json')
    limit = _integer(params, 'limit', 0, max_limit)
    cursor = _single(params, 'cursor')
    return SeriesQuery(tags=found, limit=default_limit if limit is None else limit,
                       cursor=None if cursor is None else decode_key(cursor))


def parse_delete_query(params: Params, *, tags: Sequence[str],
                       now_ns: int | None = None) -> tuple[tuple[TagFilter, ...], TimeRange]:
    """A delete's tag filters and time range. With neither it would delete everything:
    refused, as a ParameterError of the pseudo-parameter ``filter``."""
    found = parse_tag_filters(params, tags, reserved=TIME_PARAMETERS)
    time_range = parse_time_range(params, now_ns)
    if not found and time_range == TimeRange():
        raise ParameterError('filter', 'a delete needs a tag filter or a time bound (it would '
                                      'delete everything)', [*TIME_PARAMETERS, *tags])
    return found, time_range
