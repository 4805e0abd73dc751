"""The exact text of line protocol: escaping per context, types, nulls, precision."""

from __future__ import annotations

import numpy as np
import pytest

from influxpy import fields, models
from influxpy.exceptions import ValidationError
from influxpy.lineprotocol import (
    escape_key,
    escape_measurement,
    quote_string_value,
    serialize,
    serializer_for,
)


class Point(models.InfluxMeasurement):
    measurement = 'my measurement,x=1'
    host = fields.InfluxTag()
    zone = fields.InfluxTag(null=True)
    value = fields.InfluxField()
    count = fields.IntegerField(null=True)
    flag = fields.BooleanField(null=True)
    text = fields.StringField(null=True, db_name='the text')


def test_escaping_tables() -> None:
    assert escape_measurement('a b,c=d\\e') == 'a\\ b\\,c=d\\e'
    assert escape_key('a b,c=d\\e') == 'a\\ b\\,c\\=d\\e'
    assert quote_string_value('say "hi" \\o/') == '"say \\"hi\\" \\\\o/"'


def test_a_full_line() -> None:
    p = Point(host='web 1', zone='eu,west=2', value=1, count=-3, flag=False, text='a "b"', time=7)
    assert serializer_for(Point).lines([p]) == [
        'my\\ measurement\\,x=1,host=web\\ 1,zone=eu\\,west\\=2 '
        'value=1.0,count=-3i,flag=false,the\\ text="a \\"b\\"" 7']


def test_nulls_are_left_out_and_tags_may_be_absent() -> None:
    assert serializer_for(Point).lines([Point(host='h', value=2.5, time=1)]) == [
        'my\\ measurement\\,x=1,host=h value=2.5 1']


def test_untyped_field_writes_numbers_as_floats() -> None:
    lines = serializer_for(Point).lines([
        Point(host='h', value=v, time=1) for v in (3, 0.1, 5e-324, -0.0, True, 's', np.int64(4),
                                                  2 ** 70)])
    assert [line.split(' ')[-2] for line in lines] == [
        'value=3.0', 'value=0.1', 'value=5e-324', 'value=-0.0', 'value=true', 'value="s"',
        'value=4.0', 'value=1.1805916207174113e+21']


def test_fast_and_general_paths_agree() -> None:
    # numpy values take the general path; plain values the generated one.
    plain = Point(host='h', value=1.5, count=2, flag=True, text='t', time=3)
    numpyish = Point(host=np.str_('h'), value=np.float64(1.5), count=np.int8(2),
                     flag=np.bool_(True), text=np.str_('t'), time=3)
    s = serializer_for(Point)
    assert s.lines([plain]) == s.lines([numpyish]) == [s.slow_line(plain)]


def test_precision_divides_the_time() -> None:
    p = Point(host='h', value=1, time=1_500_000_000_987_654_321)
    assert serialize([p], 'ms').endswith(b' 1500000000987\n')
    assert serialize([p], 's').endswith(b' 1500000000\n')
    neg = Point(host='h', value=1, time=-1)
    assert serialize([neg], 's').endswith(b' -1\n')  # floor, like the server's own truncation


@pytest.mark.parametrize('values, words', [
    ({'host': 'h', 'value': float('nan')}, 'Point.value: nan is not finite'),
    ({'host': 'h', 'value': float('-inf')}, 'not finite'),
    ({'host': 'h', 'value': None}, 'Point.value: None is missing'),
    ({'host': 'h\nx', 'value': 1}, 'Point.host: .* newline'),
    ({'host': 'h\\', 'value': 1}, 'backslash'),
    ({'host': 7, 'value': 1}, 'Point.host: 7 is a int, not a string'),
    ({'host': None, 'value': 1}, 'Point.host: None is missing'),
    ({'host': 'h', 'value': 1, 'count': 2 ** 63}, 'Point.count: .* 64-bit'),
    ({'host': 'h', 'value': 1, 'count': 1.5}, 'whole number'),
    ({'host': 'h', 'value': 1, 'flag': 'yes'}, 'Point.flag: .* not a boolean'),
    ({'host': 'h', 'value': 1, 'text': 'x' * 70000}, 'longer than 65536 bytes'),
    ({'host': 'h', 'value': 1, 'text': 'a\ud800'}, 'surrogate'),
    ({'host': 'h', 'value': {}}, 'not a number'),
])
def test_refusals_name_model_field_and_value(values: dict, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        serialize([Point(time=1, **values)])


def test_a_point_of_another_model_is_refused() -> None:
    class Other(models.InfluxMeasurement):
        v = fields.FloatField()
    with pytest.raises(ValidationError, match='is not a Point instance'):
        serializer_for(Point).lines([Other(v=1, time=1)])


def test_point_without_any_field_value() -> None:
    class Optional(models.InfluxMeasurement):
        a = fields.FloatField(null=True)
        b = fields.StringField(null=True)
    assert serialize([Optional(b='x', time=1)]) == b'optional b="x" 1\n'
    with pytest.raises(ValidationError, match='needs at least one field value'):
        serialize([Optional(time=1)])


def test_unstamped_points_get_distinct_increasing_times() -> None:
    points = [Point(host='h', value=1) for _ in range(1000)]
    serializer_for(Point).lines(points)
    times = [p.time_ns for p in points]
    assert all(isinstance(t, int) for t in times)
    assert times == sorted(set(times))  # strictly increasing: no point overwrites another
