"""The bodies of ``POST …/points/``: JSON, CSV or line protocol (gzip or not) -> PointIn.

This checks the body's form: its size, its encoding, its syntax, and that every name is
one of the measurement's tags or fields. The values are checked afterwards, through the
model (checking.py), so the API applies the same rules as ``save()``. Every problem of a
body is reported at once (the first :data:`MAX_ERRORS` listed), each with the point's
0-based ``index``, its 1-based ``line`` (CSV, line protocol, JSON syntax) and ``field``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ....lineprotocol import logical_lines, parse_line, strip_line
from ....times import MAX_NS, MIN_NS, PRECISION_NS, parse_iso
from ....transfer.values import PARSERS
from .render import paused_gc
from .types import EPOCHS, APIError, ParameterError, PointIn

JSON = 'application/json'
CSV = 'text/csv'
LINE_PROTOCOL = ('text/plain', 'application/x-influx-line-protocol')
ACCEPTED = (JSON, CSV, *LINE_PROTOCOL)
ENCODINGS = ('gzip', 'identity')
CHARSETS = ('utf-8', 'utf8', 'us-ascii', 'ascii')
MAX_ERRORS = 100
TIME = 'time'
_POINT_KEYS = frozenset({TIME, 'tags', 'fields'})
# The API's precisions as influxpy.times names them.
_UNITS = {'s': 's', 'ms': 'ms', 'us': 'u', 'ns': 'ns'}
_API_UNITS = {unit: name for name, unit in _UNITS.items()}
_INTEGER = re.compile(r'[+-]?\d+')
_NAIVE = re.compile(r'\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d+)?')
_RFC3339 = re.compile(_NAIVE.pattern + r'(?:[Zz]|[+-]\d\d:\d\d)')


class Problems:
    """A body's problems: all counted, the first MAX_ERRORS listed."""

    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []
        self.count = 0

    def add(self, index: int | None, line: int | None, field: str | None,
            message: str) -> None:
        self.count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({'index': index, 'line': line, 'field': field,
                                'message': message})

    def check(self) -> None:
        """Raise the 400 that lists them, if there are any."""
        if not self.count:
            return
        listed = '' if self.count <= MAX_ERRORS else f' (the first {MAX_ERRORS} listed)'
        raise APIError(f'{self.count} problem{"s" if self.count > 1 else ""} in the body'
                       f'{listed}; nothing was written', errors=self.errors)


def parse_body(body: bytes, *, content_type: str, content_encoding: str | None,
               measurement: str, tags: Sequence[str], fields: Mapping[str, str],
               max_bytes: int, precision: str = 'ns') -> list[PointIn]:
    """The points of a write body; APIError 400 (listing every problem), 413 or 415.

    ``fields`` maps each field name to its type ('float' 'integer' 'boolean' 'string'
    'any'), which types CSV cells; ``precision`` is the unit of integer times."""
    if len(body) > max_bytes:
        raise APIError(f'the body is {len(body)} bytes; at most {max_bytes} are accepted',
                       status=413)
    media, charset = media_type(content_type)
    unit = _UNITS.get(precision)
    if unit is None:
        raise ParameterError('precision', f'{precision!r} is not a precision', list(EPOCHS))
    if charset not in CHARSETS:
        raise APIError(f'charset {charset!r} is not accepted; send UTF-8', status=415)
    raw = decompress(body, content_encoding, max_bytes)
    if not raw.strip():
        raise APIError('the body is empty: send at least one point')
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as exc:
        line = raw.count(b'\n', 0, exc.start) + 1
        raise APIError(f'the body is not UTF-8 (byte {exc.start}, line {line})',
                       errors=[{'index': None, 'line': line, 'field': None,
                                'message': f'not UTF-8: {exc.reason}'}]) from None
    text = text.removeprefix('\ufeff')
    names = _Names(measurement, tags, fields)
    problems = Problems()
    read = _READERS[media]
    with paused_gc():  # a point is a few containers, none in a cycle (render.paused_gc)
        points = read(text, names, unit, problems)
    problems.check()
    if not points:
        raise APIError('the body has no point: send at least one')
    return points


def media_type(content_type: str) -> tuple[str, str]:
    """``(media type, charset)`` of a Content-Type header; 415 unless it is accepted."""
    media, _, params = (content_type or '').partition(';')
    media = media.strip().lower()
    charset = 'utf-8'
    for param in params.split(';'):
        key, _, value = param.partition('=')
        if key.strip().lower() == 'charset':
            charset = value.strip().strip('"').lower()
    if media not in ACCEPTED:
        given = f'Content-Type {media!r}' if media else 'no Content-Type'
        raise APIError(f'{given} is not accepted; send one of {", ".join(ACCEPTED)}',
                       status=415)
    return media, charset


def decompress(body: bytes, content_encoding: str | None, max_bytes: int) -> bytes:
    """The body as sent (identity) or gunzipped, never more than ``max_bytes`` (413):
    decompressed in steps, so a small gzip bomb never takes more memory than that."""
    coding = (content_encoding or 'identity').strip().lower()
    if coding == 'identity':
        return body
    if coding not in ('gzip', 'x-gzip'):
        raise APIError(f'Content-Encoding {content_encoding!r} is not accepted; send one of '
                       f'{", ".join(ENCODINGS)}', status=415)
    out = bytearray()
    data = body
    while True:  # one gzip member after another, as gzip itself reads them
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += inflate.decompress(data, max_bytes + 1 - len(out))
            while not inflate.eof and len(out) <= max_bytes:
                chunk = inflate.decompress(inflate.unconsumed_tail, max_bytes + 1 - len(out))
                if not chunk and not inflate.unconsumed_tail:
                    break
                out += chunk
        except zlib.error as exc:
            raise APIError(f'the body is not valid gzip: {exc}') from None
        if len(out) > max_bytes:
            raise APIError(f'the body is over {max_bytes} bytes once decompressed; at most '
                           f'{max_bytes} are accepted', status=413)
        if not inflate.eof:
            raise APIError('the body is not valid gzip: it ends before the end of its data')
        data = inflate.unused_data.lstrip(b'\x00')  # gzip's own reader skips zero padding
        if not data:
            return bytes(out)


class _Names:
    """The measurement's name, tags and fields (name -> type), as the body must use them."""

    def __init__(self, measurement: str, tags: Sequence[str],
                 fields: Mapping[str, str]) -> None:
        self.measurement = measurement
        self.tags = frozenset(tags)
        self.fields = dict(fields)
        odd = {kind for kind in self.fields.values() if kind not in PARSERS or kind == 'tag'}
        if odd:
            raise ValueError(f'field types {sorted(odd)} are not float, integer, boolean, '
                             'string or any')

    def unknown(self, name: str, as_kind: str | None = None) -> str | None:
        """Why ``name`` is not a tag (``as_kind='tag'``), a field, or either; None if it is."""
        is_tag, is_field = name in self.tags, name in self.fields
        if as_kind == 'tag' and is_field:
            return f'{name!r} is a field of {self.measurement}, not a tag'
        if as_kind == 'field' and is_tag:
            return f'{name!r} is a tag of {self.measurement}, not a field'
        if is_tag or is_field:
            return None
        return (f'{self.measurement} has no tag or field {name!r}; its tags: '
                f'{", ".join(sorted(self.tags)) or "none"}; its fields: '
                f'{", ".join(self.fields) or "none"}')


def _epoch(value: int, unit: str) -> int | None:
    ns = value * PRECISION_NS[unit]
    return ns if MIN_NS <= ns <= MAX_NS else None


def _time_text(text: str, unit: str) -> int:
    """Epoch ns of RFC 3339 text or of integer text in ``unit``. RFC 3339 always has an
    offset, so no time here is naive (and no warning has to be caught per value, which
    would not be thread-safe)."""
    text = text.strip()
    if _INTEGER.fullmatch(text):
        ns = _epoch(int(text), unit)
    elif _RFC3339.fullmatch(text):
        try:
            ns = parse_iso(text)
        except (ValueError, OverflowError) as exc:
            raise ValueError(f'{text!r} is not a time: {exc}') from None
        ns = ns if MIN_NS <= ns <= MAX_NS else None
    elif _NAIVE.fullmatch(text):
        raise ValueError(f'{text!r} has no UTC offset: end it with Z or +HH:MM')
    else:
        raise ValueError(f'{text!r} is not a time: give RFC 3339 (2024-01-01T00:00:00Z) or '
                         f'an integer of epoch {_API_UNITS[unit]}')
    if ns is None:
        raise ValueError(f'{text!r} is outside the times InfluxDB stores (1677 to 2262)')
    return ns


# -- JSON -------------------------------------------------------------------------------

class _Repeated(ValueError):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Repeated(key)
            seen.add(key)
    return out


def _constant(name: str) -> Any:
    raise ValueError(f'{name} is no JSON number (InfluxDB stores no NaN or infinity)')


def _json_time(value: Any, unit: str) -> int | None:
    """Epoch ns of a JSON time; ValueError saying what a time is."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        return _time_text(value, unit)
    raise ValueError(f'{value!r} is not a time: give an RFC 3339 string or an integer of '
                     f'epoch {_API_UNITS[unit]}')


def _read_json(text: str, names: _Names, unit: str, problems: Problems) -> list[PointIn]:
    try:
        data = json.loads(text, object_pairs_hook=_object, parse_constant=_constant)
    except _Repeated as exc:
        raise APIError(f'the body repeats the key {exc.args[0]!r} in one JSON object',
                       errors=[{'index': None, 'line': None, 'field': exc.args[0],
                                'message': 'a key given twice in one object'}]) from None
    except json.JSONDecodeError as exc:
        raise APIError(f'the body is not JSON: {exc.msg} (line {exc.lineno}, column '
                       f'{exc.colno})', errors=[{'index': None, 'line': exc.lineno,
                                                 'field': None, 'message': exc.msg}]) from None
    except ValueError as exc:
        raise APIError(f'the body is not JSON InfluxDB can store: {exc}') from None
    shape = ('send {"points": [{"time": …, "tags": {…}, "fields": {…}}, …]} or a list '
             'of flat objects [{"time": …, "<tag>": …, "<field>": …}, …]')
    if isinstance(data, dict):
        if set(data) != {'points'} or not isinstance(data['points'], list):
            raise APIError(f'a JSON object body has the one key "points", a list: {shape}')
        items, nested = data['points'], True
    elif isinstance(data, list):
        items, nested = data, False
    else:
        raise APIError(f'the body is a JSON {type(data).__name__}: {shape}')
    points = []
    for index, item in enumerate(items):
        point = _json_point(index, item, nested, names, unit, problems)
        if point is not None:
            points.append(point)
    return points


def _json_point(index: int, item: Any, nested: bool, names: _Names, unit: str,
                problems: Problems) -> PointIn | None:
    if type(item) is not dict:
        problems.add(index, None, None, f'a point is a JSON object, not {item!r:.40}')
        return None
    before = problems.count
    tags: dict[str, str] = {}
    values: dict[str, Any] = {}
    if nested:
        for key in item:
            if key not in _POINT_KEYS:
                problems.add(index, None, key, f'unknown key {key!r}: a point of "points" '
                                               'has time, tags and fields')
        for kind in ('tag', 'field'):
            members = item.get(f'{kind}s', {})
            if type(members) is dict:
                _json_members(index, members, kind, names, tags, values, problems)
            else:
                problems.add(index, None, f'{kind}s', f'{kind}s is a JSON object of names '
                                                      f'and values, not {members!r:.40}')
    else:
        _json_members(index, item, None, names, tags, values, problems)
    ns = None
    try:
        ns = _json_time(item.get(TIME), unit)
    except ValueError as exc:
        problems.add(index, None, TIME, str(exc))
    return PointIn(index, None, ns, tags, values) if problems.count == before else None


def _json_members(index: int, members: dict[str, Any], kind: str | None, names: _Names,
                  tags: dict[str, str], values: dict[str, Any], problems: Problems) -> None:
    """Sort a JSON object's members into tags and field values (``kind`` None: a flat
    point, sorted by name); null is no value, as an empty CSV cell."""
    for key, value in members.items():
        if key in names.tags and kind != 'field':
            if type(value) is str:
                tags[key] = value
            elif value is not None:
                problems.add(index, None, key, f'the tag {key!r} is {value!r:.40}, not a '
                                               'string')
        elif key in names.fields and kind != 'tag':
            if type(value) in (dict, list):
                what = 'object' if type(value) is dict else 'list'
                problems.add(index, None, key, f'the field {key!r} is a JSON {what}, not a '
                                               'number, boolean or string')
            elif value is not None:
                values[key] = value
        elif kind is not None or key != TIME:
            problems.add(index, None, key, names.unknown(key, kind) or '')


# -- CSV --------------------------------------------------------------------------------

def _read_csv(text: str, names: _Names, unit: str, problems: Problems) -> list[PointIn]:
    reader = csv.reader(io.StringIO(text, newline=''), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise APIError(f'the CSV header is not CSV: {exc}') from None
    header_problems = Problems()
    for position, name in enumerate(header):
        if name in header[:position]:
            header_problems.add(None, 1, name, f'the header names {name!r} twice')
        elif name != TIME:
            why = names.unknown(name)
            if why:
                header_problems.add(None, 1, name, why)
    if header_problems.count:
        raise APIError(f'the CSV header {header!r:.200} is not {names.measurement}\'s: name '
                       'time, tags and fields', errors=header_problems.errors)
    kinds = [None if name == TIME else 'tag' if name in names.tags else names.fields[name]
             for name in header]
    parsers = [None if kind in (None, 'tag') else PARSERS[kind] for kind in kinds]
    points: list[PointIn] = []
    index = 0
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.add(index, line, None, f'not CSV: {exc}')
            break  # the reader cannot tell where the next record starts
        if not row:
            continue  # a blank line
        point = _csv_point(index, line, row, header, kinds, parsers, unit, problems)
        if point is not None:
            points.append(point)
        index += 1
    return points


def _csv_point(index: int, line: int, row: list[str], header: list[str],
               kinds: list[str | None], parsers: list[Callable[[str], Any] | None], unit: str,
               problems: Problems) -> PointIn | None:
    if len(row) != len(header):
        problems.add(index, line, None, f'{len(row)} values for the {len(header)} columns '
                                        f'{", ".join(header)}')
        return None
    before = problems.count
    ns = None
    tags: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, kind, parse, cell in zip(header, kinds, parsers, row):
        if cell == '':
            continue  # an empty cell: no value (no time: the server's now)
        try:
            if parse is not None:
                values[name] = parse(cell)
            elif kind is None:
                ns = _time_text(cell, unit)
            else:
                tags[name] = cell
        except ValueError as exc:
            what = 'time' if kind is None else f'the {kind} field {name!r}'
            problems.add(index, line, name, f'{what}: {exc}')
    return PointIn(index, line, ns, tags, values) if problems.count == before else None


# -- line protocol ----------------------------------------------------------------------

def _read_line_protocol(text: str, names: _Names, unit: str,
                        problems: Problems) -> list[PointIn]:
    # Without a quote no newline is inside a string field: every line ends at its newline.
    # Lines end at '\n' only, as InfluxDB splits a body (not at str.splitlines()' others).
    numbered = logical_lines(io.StringIO(text, newline='\n')) if '"' in text else \
        enumerate(text.split('\n'), 1)
    tag_names, field_names = names.tags, names.fields.keys()
    points = []
    index = 0
    for line, raw in numbered:
        stripped = strip_line(raw)
        if not stripped or stripped[0] == '#':
            continue
        try:
            parsed = parse_line(stripped, unit)
        except ValueError as exc:
            problems.add(index, line, None, str(exc))
            index += 1
            continue
        if (parsed.measurement == names.measurement and parsed.tags.keys() <= tag_names
                and parsed.fields.keys() <= field_names):
            points.append(PointIn(index, line, parsed.time, parsed.tags, parsed.fields))
        else:
            if parsed.measurement != names.measurement:
                problems.add(index, line, None, f'the line is for the measurement '
                                                f'{parsed.measurement!r}, not '
                                                f'{names.measurement!r}')
            for kind, members in (('tag', parsed.tags), ('field', parsed.fields)):
                for key in members:
                    why = names.unknown(key, kind)
                    if why:
                        problems.add(index, line, key, why)
        index += 1
    return points


_READERS: dict[str, Callable[[str, _Names, str, Problems], list[PointIn]]] = {
    JSON: _read_json, CSV: _read_csv, **{media: _read_line_protocol for media in LINE_PROTOCOL}}
