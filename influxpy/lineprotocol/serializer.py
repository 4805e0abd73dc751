"""A serializer compiled once per model: a model's points -> lines, fast, every value
checked the way the fields check it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .. import fields as f
from ..exceptions import ValidationError
from ..times import INT64_MAX, INT64_MIN, PRECISION_NS

if TYPE_CHECKING:
    from ..models import InfluxMeasurement
from .format import (
    FAST_STRING_CHARS,
    STRING_ESCAPES,
    TAG_CACHE_SIZE,
    escape_key,
    escape_measurement,
    format_value,
    stamp,
)


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
        self.check: Callable[[Iterable[InfluxMeasurement]], None] = self._compile(build=False)

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
        return [('\n'.join(lines[start:start + batch_size]) + '\n').encode()
                for start in range(0, len(lines), batch_size)]

    # -- the fast path -------------------------------------------------------

    def _compile(self, build: bool = True) -> Callable[[Iterable[InfluxMeasurement]], Any]:
        """Generated code for this model: ``lines(objs)``, or ``check(objs)`` (build=False),
        which runs the same checks and builds nothing."""
        meta = self.meta
        ns: dict[str, Any] = {'model': self.model, 'SLOW': _Slow, 'stamp': stamp,
                              'general': self.slow_line if build else self.clean,
                              'M': self.prefix, 'ST': STRING_ESCAPES, 'utf8': _utf8,
                              'MIN': INT64_MIN, 'MAX': INT64_MAX,
                              'FAST_STR': FAST_STRING_CHARS}
        body: list[str] = []
        template = ['{M}']
        for i, (key, cache) in enumerate(zip(meta.tags, self.tag_caches)):
            ns[f'tag{i}'] = cache.get
            body.append(f'tg{i} = tag{i}(d[{key!r}])')
            body.append(f'if tg{i} is None: raise SLOW')
            template.append(f'{{tg{i}}}')
        # With a nullable field the values are joined at run time; otherwise one f-string.
        pieces = any(field.null for field in meta.fields.values())
        formats = []
        for i, (key, field) in enumerate(meta.fields.items()):
            ns[f'FK{i}'] = escape_key(field.db_name) + '='
            body.append(f'v{i} = d[{key!r}]')
            code, fmt = self._value_code(i, field, pieces)
            body.extend(code)
            formats.append(fmt)
        if pieces:
            names = ', '.join(f's{i}' for i in range(len(formats)))
            body.append(f'fs = ",".join([s for s in ({names},) if s is not None])')
            body.append('if not fs: raise SLOW')
            template.append(' {fs}')
        else:
            template.append(' ' + ','.join(formats))
        body.append("t = d['_time_ns']")
        body.append('if t is None: t = stamp(o)')
        template.append(' {t}' if self.divisor == 1 else f' {{t // {self.divisor}}}')
        if build:
            body.append(f"append(f'{''.join(template)}')")
        if not meta.fields:
            body = ['raise SLOW']  # the general path says why
        source = '\n'.join([
            'def run(objs):',
            '    out = []',
            '    append = out.append',
            '    for o in objs:',
            '        try:',
            '            if o.__class__ is not model: raise SLOW',
            '            d = o.__dict__',
            *('            ' + line for line in body),
            '        except (SLOW, KeyError, TypeError, OverflowError, AttributeError):',
            '            append(general(o))' if build else '            general(o)',
            '    return out',
        ])
        exec(source, ns)  # noqa: S102 - built from escaped constants, no user text
        compiled: Callable[[Iterable[InfluxMeasurement]], Any] = ns['run']
        return compiled

    @staticmethod
    def _value_code(i: int, field: f.Field, pieces: bool) -> tuple[list[str], str]:
        """Code checking ``v{i}`` (raising SLOW for anything unusual), and its format.

        With ``pieces`` the code sets ``s{i}`` to ``key=value`` or None for a null.
        """
        v = f'v{i}'
        if field.validators or field.choices is not None:
            return ['raise SLOW'], ''  # validators run on the general path only
        string_ok = (f'type({v}) is str and len({v}) <= FAST_STR '
                     f'and ({v}.isascii() or utf8({v}))')
        kind = field.kind
        if kind == f.INTEGER:
            code = [f'if type({v}) is not int or not MIN <= {v} <= MAX: raise SLOW']
            fmt = f'{{FK{i}}}{{{v}}}i'
        elif kind == f.BOOLEAN:
            code = [f'if {v} is True: {v} = "true"', f'elif {v} is False: {v} = "false"',
                    'else: raise SLOW']
            fmt = f'{{FK{i}}}{{{v}}}'
        elif kind == f.STRING:
            code = [f'if not ({string_ok}): raise SLOW', f'{v} = {v}.translate(ST)']
            fmt = f'{{FK{i}}}"{{{v}}}"'
        elif kind == f.FLOAT:
            # v - v is 0.0 (false) for a finite float, nan (true) for nan and infinities.
            code = [f'if type({v}) is not float or {v} - {v}:',
                    f'    if type({v}) is int: {v} = float({v})',
                    '    else: raise SLOW']
            fmt = f'{{FK{i}}}{{{v}!r}}'
        else:
            # Untyped: numbers as floats, strings and booleans as themselves.
            code = [f'if type({v}) is float and not {v} - {v}: s{i} = f"{{FK{i}}}{{{v}!r}}"',
                    f'elif type({v}) is int: s{i} = f"{{FK{i}}}{{float({v})!r}}"',
                    f'elif {string_ok}: s{i} = f\'{{FK{i}}}"{{{v}.translate(ST)}}"\'',
                    f'elif {v} is True: s{i} = FK{i} + "true"',
                    f'elif {v} is False: s{i} = FK{i} + "false"',
                    *([f'elif {v} is None: s{i} = None'] if field.null else []),
                    'else: raise SLOW']
            return code, f'{{s{i}}}'
        if not pieces:
            return code, fmt
        if field.null:
            code = [f'if {v} is None: s{i} = None', 'else:', *('    ' + c for c in code),
                    f'    s{i} = f\'{fmt}\'']
        else:
            code = [*code, f's{i} = f\'{fmt}\'']
        return code, f'{{s{i}}}'


def _utf8(text: str) -> bool:
    """Whether ``text`` encodes to UTF-8 (a lone surrogate does not)."""
    try:
        text.encode('utf-8')
    except UnicodeEncodeError:
        return False
    return True


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
