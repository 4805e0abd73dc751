"""Line protocol: escaping per context, and a serializer compiled once per model.

InfluxDB 1.x unescapes only ``\\,``, ``\\=`` and ``\\ `` in measurements, tag keys, tag
values and field keys — a lone backslash stays a backslash — so those contexts escape
exactly the separators; string field values escape ``"`` and ``\\``. What cannot be
carried (a newline in a name or tag, a trailing backslash) is refused by the fields and
the model's metaclass before anything is built.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from . import fields as f
from .exceptions import ValidationError
from .timeutil import PRECISION_NS

if TYPE_CHECKING:
    from .models import InfluxMeasurement

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
    if isinstance(field, f.IntegerField):
        return f'{value}i'
    return repr(float(value))


class _Stamp:
    """Times for points saved without one: now, strictly increasing within the process,
    so two unstamped points of one series never overwrite each other."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def __call__(self, obj: Any) -> int:
        with self._lock:
            now = time.time_ns()
            if now <= self._last:
                now = self._last + 1
            self._last = now
        obj._time_ns = now
        return now


stamp = _Stamp()


class _Slow(Exception):
    """The fast path met something it does not handle; the general path decides."""


class LineSerializer:
    """Turns instances of one model into lines, validating every value.

    ``lines(objs)`` runs generated code (one function per model and precision) with a
    type check per value and cached tag fragments; anything unusual takes the general
    path, which converts the value or raises a ValidationError naming model, field and
    value.
    """

    def __init__(self, model: type[InfluxMeasurement], precision: str = 'ns') -> None:
        self.model = model
        self.meta = model._meta
        self.precision = precision
        self.divisor = PRECISION_NS[precision]
        self.prefix = escape_measurement(self.meta.measurement)
        self.tag_caches: list[dict[Any, str]] = [{} for _ in self.meta.tags]
        self.lines: Callable[[Iterable[InfluxMeasurement]], list[str]] = self._compile()

    # -- the general path ----------------------------------------------------

    def clean(self, obj: Any) -> dict[str, Any]:
        """Every value of ``obj`` converted and checked (the instance is not changed)."""
        meta = self.meta
        if type(obj) is not self.model:
            raise ValidationError(f'{obj!r} is not a {meta.model_name} instance',
                                  model=meta.model_name, value=obj)
        d = obj.__dict__
        cleaned = {key: field.clean(d.get(key)) for key, field in meta.all_fields.items()}
        if not meta.fields or all(cleaned[key] is None for key in meta.fields):
            raise ValidationError(
                f'{meta.model_name}: a point needs at least one field value '
                f'(all of {", ".join(meta.fields) or "its fields"} are None)',
                model=meta.model_name, value=obj)
        return cleaned

    def slow_line(self, obj: Any) -> str:
        cleaned = self.clean(obj)
        parts = [self.prefix]
        for (key, field), cache in zip(self.meta.tags.items(), self.tag_caches):
            value = cleaned[key]
            fragment = '' if value is None else f',{escape_key(field.db_name)}={escape_key(value)}'
            if len(cache) >= TAG_CACHE_SIZE:
                cache.clear()
            cache[value] = fragment
            parts.append(fragment)
        values = [f'{escape_key(field.db_name)}={format_value(field, cleaned[key])}'
                  for key, field in self.meta.fields.items() if cleaned[key] is not None]
        ns = obj._time_ns if obj._time_ns is not None else stamp(obj)
        return f'{"".join(parts)} {",".join(values)} {ns // self.divisor}'

    def payloads(self, objs: Sequence[InfluxMeasurement], batch_size: int) -> list[bytes]:
        """Every point validated and encoded, ``batch_size`` lines per payload."""
        lines = self.lines(objs)
        out = []
        for start in range(0, len(lines), batch_size):
            text = '\n'.join(lines[start:start + batch_size]) + '\n'
            try:
                out.append(text.encode())
            except UnicodeEncodeError:
                for obj in objs[start:start + batch_size]:
                    self.clean(obj)  # the general path names the value
                raise
        return out

    # -- the fast path -------------------------------------------------------

    def _compile(self) -> Callable[[Iterable[InfluxMeasurement]], list[str]]:
        meta = self.meta
        ns: dict[str, Any] = {'model': self.model, 'SLOW': _Slow, 'slow_line': self.slow_line,
                              'stamp': stamp, 'M': self.prefix, 'ST': STRING_ESCAPES,
                              'MIN': f.INT64_MIN, 'MAX': f.INT64_MAX,
                              'FAST_STR': FAST_STRING_CHARS}
        body: list[str] = []
        line_parts = ['{M}']
        for i, (key, cache) in enumerate(zip(meta.tags, self.tag_caches)):
            ns[f'tag{i}'] = cache.get
            body.append(f'tg{i} = tag{i}(d[{key!r}])')
            body.append(f'if tg{i} is None: raise SLOW')
            line_parts.append(f'{{tg{i}}}')
        nullable = any(field.null for field in meta.fields.values())
        names = []
        for i, (key, field) in enumerate(meta.fields.items()):
            ns[f'FK{i}'] = escape_key(field.db_name) + '='
            names.append(f's{i}')
            body.append(f'v = d[{key!r}]')
            body.extend(self._value_code(i, field))
        line_parts.append(' ')
        if nullable:
            body.append(f'fs = ",".join([s for s in ({", ".join(names)},) if s is not None])')
            body.append('if not fs: raise SLOW')
            line_parts.append('{fs}')
        else:
            line_parts.append(','.join(f'{{{n}}}' for n in names))
        body.append("t = d['_time_ns']")
        body.append('if t is None: t = stamp(o)')
        line_parts.append(' {t}' if self.divisor == 1 else f' {{t // {self.divisor}}}')
        body.append(f'append(f"{"".join(line_parts)}")')
        if not meta.fields:
            body = ['raise SLOW']  # the general path says why
        source = '\n'.join([
            'def lines(objs):',
            '    out = []',
            '    append = out.append',
            '    for o in objs:',
            '        try:',
            '            if o.__class__ is not model: raise SLOW',
            '            d = o.__dict__',
            *('            ' + line for line in body),
            '        except (SLOW, KeyError, TypeError, OverflowError, AttributeError):',
            '            append(slow_line(o))',
            '    return out',
        ])
        exec(source, ns)  # noqa: S102 - built from escaped constants, no user text
        compiled: Callable[[Iterable[InfluxMeasurement]], list[str]] = ns['lines']
        return compiled

    @staticmethod
    def _value_code(i: int, field: f.Field) -> list[str]:
        """Code that sets ``s{i}`` to ``key=value`` (None for a null) or raises SLOW."""
        if field.validators or field.choices is not None:
            return ['raise SLOW']  # validators run on the general path only
        null = [f'elif v is None: s{i} = None'] if field.null else []
        if isinstance(field, f.IntegerField):
            return [f'if type(v) is int and MIN <= v <= MAX: s{i} = f"{{FK{i}}}{{v}}i"',
                    *null, 'else: raise SLOW']
        if isinstance(field, f.BooleanField):
            return [f'if v is True: s{i} = FK{i} + "true"',
                    f'elif v is False: s{i} = FK{i} + "false"', *null, 'else: raise SLOW']
        string = [f'if type(v) is str and len(v) <= FAST_STR: '
                  f's{i} = f\'{{FK{i}}}"{{v.translate(ST)}}"\'']
        if isinstance(field, f.StringField):
            return [*string, *null, 'else: raise SLOW']
        number = [f'if type(v) is float and v - v == 0.0: s{i} = f"{{FK{i}}}{{v!r}}"',
                  f'elif type(v) is int: s{i} = f"{{FK{i}}}{{float(v)!r}}"']
        if isinstance(field, f.FloatField):
            return [*number, *null, 'else: raise SLOW']
        # Untyped: numbers as floats, and strings and booleans as themselves.
        return [*number, 'el' + string[0],
                f'elif v is True: s{i} = FK{i} + "true"',
                f'elif v is False: s{i} = FK{i} + "false"', *null, 'else: raise SLOW']


def serializer_for(model: type[InfluxMeasurement], precision: str = 'ns') -> LineSerializer:
    """The model's serializer for ``precision``, built once and kept on ``_meta``."""
    cache = model._meta._serializers
    found = cache.get(precision)
    if found is None:
        found = cache.setdefault(precision, LineSerializer(model, precision))
    serializer: LineSerializer = found
    return serializer


def serialize(objs: Sequence[InfluxMeasurement], precision: str = 'ns') -> bytes:
    """Line protocol for instances of one model (validated), as one payload."""
    if not objs:
        return b''
    return serializer_for(type(objs[0]), precision).payloads(objs, len(objs))[0]
