"""Field and tag declarations: types, validation and conversion.

``InfluxField`` is untyped: every number is written as a float, so a field never
changes type on the server (InfluxDB refuses ``1i`` after ``1.0``). The typed fields
check more and write exactly their own type.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, ClassVar

from .exceptions import ValidationError
from .times import INT64_MAX, INT64_MIN

MAX_STRING_BYTES = 64 * 1024
RESERVED_NAMES = frozenset({'time'})

# What a column holds. Each field class declares its kind once; everything that depends
# on a field's type (lookups, functions, writes, reads, tiers, imports) asks ``kind``.
TAG = 'tag'
FLOAT = 'float'
INTEGER = 'integer'
BOOLEAN = 'boolean'
STRING = 'string'
ANY = 'any'  # an untyped InfluxField (or a custom field): a float, a boolean or a string
NUMERIC_KINDS = frozenset({FLOAT, INTEGER})


class _NotProvided:
    def __repr__(self) -> str:
        return 'NOT_PROVIDED'


NOT_PROVIDED: Any = _NotProvided()
_counter = itertools.count()


def _is_numpy(value: Any, kinds: str) -> bool:
    """A numpy scalar whose dtype kind is one of ``kinds`` (b, i, u, f)."""
    dtype = getattr(value, 'dtype', None)
    return (dtype is not None and getattr(value, 'ndim', None) == 0
            and getattr(dtype, 'kind', '') in kinds)


class Field:
    """What tags and fields share: a name, a column name, null, default, validators."""

    is_tag: ClassVar[bool] = False
    kind: ClassVar[str] = ANY
    type_name: ClassVar[str] = 'value'

    def __init__(self, *, null: bool = False, default: Any = NOT_PROVIDED,
                 db_name: str | None = None, validators: Iterable[Callable[[Any], Any]] = (),
                 choices: Sequence[Any] | None = None, help_text: str = '') -> None:
        self.null = null
        self.default = default
        self.db_name: str = db_name or ''
        self.validators = list(validators)
        self.choices = list(choices) if choices is not None else None
        self.help_text = help_text
        self.name = ''
        self.model_name = ''
        self.creation_order = next(_counter)

    def bind(self, model_name: str, name: str) -> None:
        """Called by the model's metaclass: the attribute name and the model's name."""
        self.name = name
        self.model_name = model_name
        self.db_name = self.db_name or name

    def __repr__(self) -> str:
        where = f'{self.model_name}.{self.name}' if self.name else 'unbound'
        return f'<{type(self).__name__} {where}>'

    # -- values ----------------------------------------------------------------

    def has_default(self) -> bool:
        return self.default is not NOT_PROVIDED

    def get_default(self) -> Any:
        if self.default is NOT_PROVIDED:
            return None
        return self.default() if callable(self.default) else self.default

    def error(self, value: Any, problem: str) -> ValidationError:
        """An error naming the model, the field and the value."""
        where = f'{self.model_name}.{self.name}' if self.name else type(self).__name__
        return ValidationError(f'{where}: {value!r} {problem}', model=self.model_name or None,
                               field=self.name or None, value=value)

    def clean(self, value: Any) -> Any:
        """Convert and check one value; raise :class:`ValidationError` naming the field."""
        if value is None:
            if not self.null:
                kind = 'tag' if self.is_tag else 'field'
                raise self.error(value, f'is missing: the {kind} is required '
                                        '(declare it with null=True to allow that)')
            return None
        value = self.to_python(value)
        if self.choices is not None and value not in self.choices:
            raise self.error(value, f'is not one of the choices {self.choices!r}')
        for validator in self.validators:
            try:
                validator(value)
            except ValidationError:
                raise
            except (ValueError, TypeError) as exc:
                raise self.error(value, f'is not valid: {exc}') from None
        return value

    def to_python(self, value: Any) -> Any:
        raise NotImplementedError

    def from_db(self, value: Any) -> Any:
        """A value as the server returned it -> Python (the server is trusted)."""
        return value


def _as_float(field: Field, value: Any) -> float:
    if isinstance(value, bool) or _is_numpy(value, 'b'):
        raise field.error(value, 'is a boolean, not a number')
    if isinstance(value, (int, float, Decimal)) or _is_numpy(value, 'iuf'):
        if isinstance(value, Decimal) and not value.is_finite():
            raise field.error(value, 'is not finite: InfluxDB stores no NaN or infinity')
        try:
            number = float(value)
        except OverflowError:
            raise field.error(value, 'is too large for a float') from None
        if not math.isfinite(number):
            raise field.error(value, 'is not finite: InfluxDB stores no NaN or infinity')
        return number
    raise field.error(value, f'is a {type(value).__name__}, not a number')


def _as_string(field: Field, value: Any) -> str:
    if not isinstance(value, str):
        raise field.error(value, f'is a {type(value).__name__}, not a string')
    if not value.isascii():
        try:
            value.encode('utf-8')
        except UnicodeEncodeError:
            raise field.error(value, 'is not valid Unicode (a lone surrogate)') from None
    if len(value) * 4 > MAX_STRING_BYTES and len(value.encode('utf-8')) > MAX_STRING_BYTES:
        raise field.error(value[:20] + '…', f'is longer than {MAX_STRING_BYTES} bytes')
    return str(value)


class InfluxField(Field):
    """An untyped field: numbers are written as floats, booleans and strings as such."""

    type_name = 'float, boolean or string'

    def to_python(self, value: Any) -> Any:
        if isinstance(value, bool) or _is_numpy(value, 'b'):
            return bool(value)
        if isinstance(value, str):
            return _as_string(self, value)
        return _as_float(self, value)


class FloatField(InfluxField):
    """A float; integers, Decimals and numpy numbers are accepted and written as floats."""

    kind = FLOAT
    type_name = 'float'

    def to_python(self, value: Any) -> float:
        return _as_float(self, value)

    def from_db(self, value: Any) -> Any:
        return float(value) if value is not None else None


class IntegerField(InfluxField):
    """A signed 64-bit integer (written ``42i``)."""

    kind = INTEGER
    type_name = 'integer'

    def to_python(self, value: Any) -> int:
        if isinstance(value, bool) or _is_numpy(value, 'b'):
            raise self.error(value, 'is a boolean, not an integer')
        if isinstance(value, int) or _is_numpy(value, 'iu'):
            number = int(value)
        elif isinstance(value, (float, Decimal)) or _is_numpy(value, 'f'):
            finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
            if not (finite and value == int(value)):
                raise self.error(value, 'is not a whole number')
            number = int(value)
        else:
            raise self.error(value, f'is a {type(value).__name__}, not an integer')
        if not INT64_MIN <= number <= INT64_MAX:
            raise self.error(value, 'is outside the 64-bit integer range InfluxDB stores')
        return number


class BooleanField(InfluxField):
    kind = BOOLEAN
    type_name = 'boolean'

    def to_python(self, value: Any) -> bool:
        if isinstance(value, bool) or _is_numpy(value, 'b'):
            return bool(value)
        raise self.error(value, f'is a {type(value).__name__}, not a boolean')


class StringField(InfluxField):
    kind = STRING
    type_name = 'string'

    def to_python(self, value: Any) -> str:
        return _as_string(self, value)


class InfluxTag(Field):
    """A tag: an indexed string. Required unless ``null=True`` (then it may be absent)."""

    is_tag = True
    kind = TAG
    type_name = 'tag'

    def to_python(self, value: Any) -> str | None:
        text = _as_string(self, value)
        if text == '':
            # InfluxDB stores an empty tag value as no tag at all.
            if not self.null:
                raise self.error(value, 'is empty: the tag is required '
                                        '(declare it with null=True to allow that)')
            return None
        if '\n' in text:
            raise self.error(value, 'contains a newline, which line protocol cannot carry '
                                    'in a tag value')
        if text.endswith('\\'):
            raise self.error(value, 'ends with a backslash, which line protocol would read '
                                    'as escaping the next separator')
        return text

    def from_db(self, value: Any) -> Any:
        return value if value != '' else None


_AMBIGUOUS_AFTER_BACKSLASH = {'measurement': ',= "', 'field key': ',= "', 'tag key': ''}


def check_name(model: str, what: str, name: Any) -> None:
    """Refuse a measurement or key line protocol cannot carry or InfluxDB would change."""
    def refuse(problem: str) -> ValidationError:
        return ValidationError(f'{model}: {what} {name!r} {problem}', model=model, value=name)
    if not isinstance(name, str) or not name:
        raise refuse('must be a non-empty string')
    if '\n' in name or '\r' in name or '\x00' in name:
        raise refuse('contains a line break or NUL, which line protocol or InfluxQL cannot '
                     'carry')
    try:
        name.encode('utf-8')
    except UnicodeEncodeError:
        raise refuse('is not valid Unicode (a lone surrogate)') from None
    if name.endswith('\\'):
        raise refuse('ends with a backslash, which line protocol reads as an escape')
    for char in _AMBIGUOUS_AFTER_BACKSLASH.get(what, ''):
        if '\\' + char in name:
            raise refuse(f'has a backslash before {char!r}, which InfluxDB 1.x does not read '
                         f'back as written in a {what}')
    if what in ('measurement', 'field key') and name.startswith('\t'):
        raise refuse('starts with a tab, which InfluxDB strips from line protocol')
    if what == 'measurement' and name.startswith('#'):
        raise refuse("starts with '#': InfluxDB would read the line as a comment and drop it")
    if what != 'measurement' and name in RESERVED_NAMES:
        raise refuse("is reserved: every point has a time; name the column otherwise "
                     "(db_name='…')")

def check_tag_value(where: str, key: str, value: Any) -> str | None:
    """A tag value as a model's tag would take it (None: no tag, for an empty one)."""
    tag = InfluxTag(null=True)
    tag.model_name, tag.name = where, key
    result: str | None = tag.to_python(value)
    return result


# The field class of each type InfluxDB reports (SHOW FIELD KEYS).
FIELD_TYPES: dict[str, type[Field]] = {
    cls.kind: cls for cls in (FloatField, IntegerField, BooleanField, StringField)}
