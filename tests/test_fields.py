"""Field and tag values at their edges, and the names line protocol can carry.

What tests/test_models.py already checks (the common conversions and refusals) is not
repeated here. Expected values are written by hand or computed without influxpy: float
rounding through ``struct``, sizes as counted UTF-8 bytes.
"""

from __future__ import annotations

import struct
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from influxpy import fields
from influxpy.exceptions import ValidationError

INT64_MIN, INT64_MAX = -9_223_372_036_854_775_808, 9_223_372_036_854_775_807
LIMIT = 65_536  # bytes of a string field or a tag value, in UTF-8


def float32(x: float) -> float:
    """The double nearest the float32 nearest ``x``."""
    return float(struct.unpack('<f', struct.pack('<f', x))[0])


def same(a: Any, b: Any) -> bool:
    """Equal and of one type; floats bit for bit (so -0.0 is not 0.0)."""
    if isinstance(a, float) and isinstance(b, float):
        return struct.pack('<d', a) == struct.pack('<d', b)
    return type(a) is type(b) and a == b


# -- numbers -----------------------------------------------------------------------------

@pytest.mark.parametrize('field, value, expected', [
    # Floats keep their bits: signed zero, the smallest subnormal, the largest double.
    (fields.FloatField(), -0.0, -0.0),
    (fields.FloatField(), 5e-324, 5e-324),
    (fields.FloatField(), 1.7976931348623157e308, 1.7976931348623157e308),
    # Integers become the nearest double (2**53 + 1 has none of its own).
    (fields.FloatField(), 2 ** 53 + 1, 9_007_199_254_740_992.0),
    (fields.FloatField(), INT64_MAX, 9.223372036854775808e18),
    (fields.InfluxField(), INT64_MIN, -9.223372036854775808e18),
    (fields.InfluxField(), 0, 0.0),
    (fields.FloatField(), Decimal('-0'), -0.0),
    (fields.FloatField(), Decimal('0.1000000000000000055511151231257827'), 0.1),
    (fields.FloatField(), np.float32(0.1), float32(0.1)),
    (fields.FloatField(), np.float16(0.5), 0.5),
    (fields.FloatField(), np.uint64(2 ** 64 - 1), 1.8446744073709551616e19),
    (fields.FloatField(), np.int8(-128), -128.0),
    # Whole numbers of any kind are integers, up to both int64 bounds.
    (fields.IntegerField(), INT64_MIN, INT64_MIN),
    (fields.IntegerField(), np.int64(INT64_MIN), INT64_MIN),
    (fields.IntegerField(), np.int64(INT64_MAX), INT64_MAX),
    (fields.IntegerField(), np.uint64(INT64_MAX), INT64_MAX),
    (fields.IntegerField(), np.uint8(255), 255),
    (fields.IntegerField(), -(2.0 ** 63), INT64_MIN),
    (fields.IntegerField(), -0.0, 0),
    (fields.IntegerField(), 1e15, 1_000_000_000_000_000),
    (fields.IntegerField(), np.float64(-3.0), -3),
    (fields.IntegerField(), Decimal('1E+2'), 100),
    (fields.IntegerField(), Decimal('7.000'), 7),
    (fields.IntegerField(), Decimal(INT64_MAX), INT64_MAX),
])
def test_numbers_at_their_edges(field: fields.Field, value: Any, expected: Any) -> None:
    assert same(field.clean(value), expected)


@pytest.mark.parametrize('field, value, words', [
    # 2.0**63 is the double just above INT64_MAX: no int64 holds it.
    (fields.IntegerField(), 2.0 ** 63, '64-bit'),
    (fields.IntegerField(), np.uint64(2 ** 63), '64-bit'),
    (fields.IntegerField(), Decimal(INT64_MAX + 1), '64-bit'),
    (fields.IntegerField(), Decimal(INT64_MIN - 1), '64-bit'),
    (fields.IntegerField(), float('inf'), 'whole number'),
    (fields.IntegerField(), float('nan'), 'whole number'),
    (fields.IntegerField(), np.float32(0.5), 'whole number'),
    (fields.IntegerField(), Decimal('1.5'), 'whole number'),
    (fields.IntegerField(), '1', 'not an integer'),
    (fields.IntegerField(), np.bool_(False), 'boolean'),
    (fields.FloatField(), np.bool_(True), 'boolean'),
    (fields.FloatField(), False, 'boolean'),
    (fields.FloatField(), np.float64('nan'), 'not finite'),
    (fields.FloatField(), np.float32('-inf'), 'not finite'),
    (fields.FloatField(), 2 ** 1024, 'too large'),
    (fields.FloatField(), np.array([1.0]), 'not a number'),  # an array is no scalar
    (fields.FloatField(), 1 + 2j, 'not a number'),
    (fields.InfluxField(), None, 'field is required'),
])
def test_numbers_refused_at_their_edges(field: fields.Field, value: Any, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        field.clean(value)


def test_booleans_are_not_numbers_and_numbers_not_booleans() -> None:
    untyped = fields.InfluxField()
    # bool is a subclass of int in Python; InfluxDB's types keep them apart.
    assert same(untyped.clean(True), True) and same(untyped.clean(np.bool_(False)), False)
    assert same(untyped.clean(1), 1.0) and same(untyped.clean(np.int64(0)), 0.0)
    boolean = fields.BooleanField()
    assert same(boolean.clean(np.bool_(True)), True)
    for value in (0, 1, 1.0, 'true', 't', np.int8(1), None):
        with pytest.raises(ValidationError):
            boolean.clean(value)


# -- strings -------------------------------------------------------------------------------

@pytest.mark.parametrize('field', [fields.StringField(), fields.InfluxField(),
                                   fields.InfluxTag()])
def test_strings_are_limited_by_their_utf8_bytes(field: fields.Field) -> None:
    # Each text: (characters, bytes in UTF-8), counted by hand.
    fits = ['x' * LIMIT, 'é' * (LIMIT // 2), '€' * (LIMIT // 3) + 'x', '😀' * (LIMIT // 4),
            'x' * (LIMIT // 4 + 1)]
    too_long = ['x' * (LIMIT + 1), 'é' * (LIMIT // 2) + 'x', '€' * (LIMIT // 3 + 1),
                '😀' * (LIMIT // 4) + 'x']
    for text in fits:
        assert field.clean(text) == text
    for text in too_long:
        assert len(text) <= LIMIT + 1  # never more characters than the limit in bytes
        with pytest.raises(ValidationError, match=f'longer than {LIMIT} bytes'):
            field.clean(text)


@pytest.mark.parametrize('text', ['\ud800', '\udfff', 'a\ud83d', '\ude00b',
                                  '\ud83d\ude00'])  # a pair written as two code points
@pytest.mark.parametrize('field', [fields.StringField(), fields.InfluxField(),
                                   fields.InfluxTag()])
def test_lone_surrogates_are_refused(field: fields.Field, text: str) -> None:
    with pytest.raises(UnicodeEncodeError):
        text.encode('utf-8')  # Python's own answer: no UTF-8 for these
    with pytest.raises(ValidationError, match='surrogate'):
        field.clean(text)


def test_strings_keep_what_line_protocol_escapes() -> None:
    text = 'a "quoted" \\ back\\slash, tab\t, newline\n, = and \x01'
    assert fields.StringField().clean(text) == text
    assert fields.StringField().clean('') == ''  # an empty string is a value
    assert same(fields.StringField().clean(type('Text', (str,), {})('x')), 'x')  # plain str


@pytest.mark.parametrize('value, expected', [
    (' ', ' '), ('a b,c=d', 'a b,c=d'), ('a\\b', 'a\\b'), ('\\a', '\\a'), ('"q"', '"q"'),
    ('\t', '\t'), ('é😀', 'é😀'), ('a\rb', 'a\rb'),
])
def test_tag_values_line_protocol_can_carry(value: str, expected: str) -> None:
    assert same(fields.InfluxTag().clean(value), expected)


@pytest.mark.parametrize('value, words', [
    ('\n', 'newline'), ('a\n', 'newline'), ('\\', 'backslash'), ('a\\\\', 'backslash'),
    ('', 'tag is required'), (1, 'not a string'), (b'bytes', 'not a string'),
])
def test_tag_values_line_protocol_cannot_carry(value: Any, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        fields.InfluxTag().clean(value)


def test_an_empty_tag_is_no_tag_and_reads_back_as_none() -> None:
    tag = fields.InfluxTag(null=True)
    assert tag.clean('') is None and tag.clean(None) is None
    assert tag.from_db('') is None and tag.from_db('x') == 'x'
    assert fields.check_tag_value('Model', 'host', '') is None
    assert fields.check_tag_value('Model', 'host', 'a') == 'a'
    with pytest.raises(ValidationError, match='Model.host: .*newline'):
        fields.check_tag_value('Model', 'host', 'a\nb')


# -- null, default, choices, validators ---------------------------------------------------

def test_defaults() -> None:
    made: list[int] = []

    def fresh() -> list[int]:
        made.append(1)
        return []
    field = fields.FloatField(default=fresh)
    first, second = field.get_default(), field.get_default()
    assert first == [] and first is not second and len(made) == 2  # called every time
    assert fields.FloatField(default=0.0).get_default() == 0.0
    assert fields.FloatField(default=None).has_default()  # None given is a default
    assert not fields.FloatField().has_default() and fields.FloatField().get_default() is None
    assert repr(fields.NOT_PROVIDED) == 'NOT_PROVIDED'


def test_null_skips_conversion_choices_and_validators() -> None:
    seen: list[Any] = []
    field = fields.IntegerField(null=True, choices=[1], validators=[seen.append])
    assert field.clean(None) is None and seen == []


def test_choices_and_validators_see_the_converted_value() -> None:
    seen: list[Any] = []
    field = fields.IntegerField(choices=[4, 5], validators=[seen.append])
    assert same(field.clean(4.0), 4) and same(field.clean(np.int16(5)), 5)
    assert seen == [4, 5] and all(type(v) is int for v in seen)
    with pytest.raises(ValidationError, match=r'6 is not one of the choices \[4, 5\]'):
        field.clean(6.0)
    assert seen == [4, 5]  # choices are checked before validators run
    tag = fields.InfluxTag(choices=['eu', 'us'])
    assert tag.clean('eu') == 'eu'
    with pytest.raises(ValidationError, match='not one of the choices'):
        tag.clean('EU')


def test_validator_errors() -> None:
    own = ValidationError('mine', field='x')

    def raises(exc: Exception) -> Any:
        def validator(value: Any) -> None:
            raise exc
        return validator
    field = fields.FloatField(validators=[raises(own)])
    with pytest.raises(ValidationError) as info:
        field.clean(1)
    assert info.value is own  # passed through as raised
    with pytest.raises(ValidationError, match='is not valid: wrong type'):
        fields.FloatField(validators=[raises(TypeError('wrong type'))]).clean(1)
    with pytest.raises(KeyError):  # not a validation problem: not hidden as one
        fields.FloatField(validators=[raises(KeyError('bug'))]).clean(1)


def test_an_unbound_field_names_its_class_in_errors() -> None:
    with pytest.raises(ValidationError, match=r'^IntegerField: 1\.5 is not a whole number') \
            as info:
        fields.IntegerField().clean(1.5)
    assert info.value.model is None and info.value.field is None and info.value.value == 1.5
    assert repr(fields.IntegerField()) == '<IntegerField unbound>'


def test_from_db() -> None:
    assert same(fields.FloatField().from_db(3), 3.0)
    assert fields.FloatField().from_db(None) is None
    assert same(fields.IntegerField().from_db(INT64_MAX), INT64_MAX)
    assert fields.FIELD_TYPES == {'float': fields.FloatField, 'integer': fields.IntegerField,
                                  'boolean': fields.BooleanField, 'string': fields.StringField}


# -- names ----------------------------------------------------------------------------------

@pytest.mark.parametrize('what, name', [
    ('measurement', 'time'),          # only keys are reserved
    ('measurement', 'a b,c=d "e"'),   # escaped by line protocol
    ('measurement', 'a\\b'),          # a backslash before an ordinary character
    ('field key', '#hash'),           # only a measurement starts a comment line
    ('tag key', '\tindented'),        # InfluxDB keeps a tag key's leading tab
    ('tag key', 'a\\,b'),             # and reads a tag key's escapes back as written
    ('tag key', 'a\\ b\\=c'),
    ('field key', 'é😀'),
    ('measurement', ' '),
])
def test_names_line_protocol_carries(what: str, name: str) -> None:
    fields.check_name('Model', what, name)


@pytest.mark.parametrize('what, name, words', [
    ('measurement', '', 'non-empty string'),
    ('field key', None, 'non-empty string'),
    ('tag key', 5, 'non-empty string'),
    ('measurement', 'a\ud800', 'surrogate'),
    ('tag key', '\udc00', 'surrogate'),
    ('field key', 'a\rb', 'line break'),
    ('tag key', 'a\\', 'backslash'),
    ('field key', 'a\\ b', "backslash before ' '"),
    ('measurement', 'a\\,b', "backslash before ','"),
    ('field key', 'time', 'reserved'),
    ('tag key', 'time', 'reserved'),
    ('measurement', '#m', 'comment'),
])
def test_names_line_protocol_cannot_carry(what: str, name: Any, words: str) -> None:
    with pytest.raises(ValidationError, match=words) as info:
        fields.check_name('Model', what, name)
    assert info.value.model == 'Model' and info.value.value == name
    assert str(info.value).startswith(f'Model: {what} {name!r} ')
