"""Q, F, Now, durations and InfluxQL's functions: building, checking, rendering."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

import influxpy
from influxpy import F, Now, Q, aggregates
from influxpy.aggregates import (
    Abs,
    Atan2,
    Bottom,
    Count,
    CumulativeSum,
    Derivative,
    Distinct,
    Elapsed,
    First,
    HoltWinters,
    HoltWintersWithFit,
    Integral,
    Log,
    Mean,
    Mode,
    MovingAverage,
    NonNegativeDerivative,
    Percentile,
    Pow,
    Sample,
    Sum,
    Top,
)
from influxpy.exceptions import QueryError
from influxpy.query.expressions import Func
from influxpy.query.functions import FUNCTIONS
from influxpy.resolutions import (
    Day,
    Duration,
    Hour,
    Microsecond,
    Millisecond,
    Minute,
    Nanosecond,
    Second,
    Week,
    to_duration,
)

from .models import Reading


def sql(expression: Any) -> str:
    return str(expression.resolve(Reading._meta).sql)


def test_public_names() -> None:
    assert {'Q', 'F', 'Now'} <= set(influxpy.__all__)
    assert set(aggregates.__all__) >= {cls.__name__ for cls in FUNCTIONS}
    for cls in FUNCTIONS:
        assert getattr(aggregates, cls.__name__) is cls
        assert cls.__doc__


# -- durations -------------------------------------------------------------------------


@pytest.mark.parametrize(('value', 'ns'), [
    (Nanosecond(5), 5), (Microsecond(5), 5_000), (Millisecond(5), 5_000_000),
    (Second(5), 5 * 10**9), (Minute(5), 300 * 10**9), (Hour(1), 3600 * 10**9),
    (Day(1), 86400 * 10**9), (Week(2), 14 * 86400 * 10**9), (Second(1.5), 1_500_000_000),
    (timedelta(minutes=5), 300 * 10**9), (timedelta(microseconds=3), 3_000),
    ('5m', 300 * 10**9), ('1h30m', 5400 * 10**9), ('10u', 10_000), ('10µ', 10_000),
    ('250ms', 250_000_000), ('7ns', 7), ('2w', 14 * 86400 * 10**9), ('1d', 86400 * 10**9),
])
def test_to_duration_accepts_units_timedeltas_and_text(value: Any, ns: int) -> None:
    duration = to_duration(value)
    assert isinstance(duration, Duration)
    assert duration.ns == ns


@pytest.mark.parametrize('bad', ['', '5', 'm', '5 m', '5us', '5y', '1.5h', '0s', '-5m',
                                 timedelta(0), timedelta(seconds=-1), Second(0), 5, None,
                                 '100000w'])
def test_to_duration_refuses_bad_zero_and_negative(bad: Any) -> None:
    with pytest.raises(QueryError):
        to_duration(bad)


def test_durations_text_arithmetic_and_equality() -> None:
    assert str(Minute(5)) == '5m'
    assert str(Minute(90)) == '90m'
    assert repr(Minute(5)) == 'Minute(5)'
    assert repr(to_duration('1h30m')) == "Duration('1h30m')"
    assert Minute(1) + Second(30) == to_duration('90s')
    assert Hour(1) - '15m' == Minute(45)
    assert Minute(5) == timedelta(minutes=5)
    assert 2 * Minute(5) == Minute(10)
    with pytest.raises(QueryError, match='whole number of nanoseconds'):
        Nanosecond(0.5)
    with pytest.raises(QueryError, match='must be a number'):
        Second('5')  # type: ignore[arg-type]


# -- Q, F and Now ----------------------------------------------------------------------


def test_q_combines_and_negates_without_changing_its_operands() -> None:
    a, b = Q(host='a'), Q(cpu__gt=5)
    both = a & b
    either = a | ~b
    assert both.connector == 'AND' and both.children == (a, b)
    assert either.connector == 'OR' and either.children[1].negated
    assert not a.negated and not b.negated
    assert (a & Q()) is a and (Q() | b) is b
    assert repr(a | b) == "<Q: (OR: (AND: ('host', 'a')), (AND: ('cpu__gt', 5)))>"
    with pytest.raises(QueryError):
        a & {'host': 'b'}  # type: ignore[operator]


def test_now_arithmetic() -> None:
    assert str(Now()) == 'now()'
    assert str(Now() - Hour(1)) == 'now() - 1h'
    assert str(Now() - Hour(1) - Minute(5)) == 'now() - 65m'
    assert str(Now() + '30s') == 'now() + 30s'
    assert str(Now() - timedelta(days=1)) == 'now() - 1d'
    with pytest.raises(QueryError):
        Now() - 5


def test_arithmetic_builds_expression_nodes() -> None:
    assert sql(F('value') / F('count')) == '"value" / "count"'
    assert sql(Mean('value') * 100) == 'mean("value") * 100'
    assert sql(2 * F('value') + 1) == '(2 * "value") + 1'
    assert sql((F('value') + 1) * (F('count') - 2.5)) == '("value" + 1) * ("count" - 2.5)'
    assert sql(100 - Mean('value') / Sum('value')) == '100 - (mean("value") / sum("value"))'
    with pytest.raises(QueryError, match='cannot use'):
        F('value') + 'x'
    with pytest.raises(QueryError, match='needs a number'):
        sql(F('note') * 2)
    with pytest.raises(QueryError, match='is a tag'):
        sql(F('host') * 2)


# -- functions -------------------------------------------------------------------------


@pytest.mark.parametrize(('expression', 'text'), [
    (Count('value'), 'count("value")'),
    (Count(Distinct('value')), 'count(distinct("value"))'),
    (Count('note'), 'count("note")'),
    (Mode('note'), 'mode("note")'),
    (Integral('value', Minute(1)), 'integral("value", 1m)'),
    (Integral('value'), 'integral("value")'),
    (Percentile('value', 99.5), 'percentile("value", 99.5)'),
    (Top('value', 'host', 3), 'top("value", "host", 3)'),
    (Bottom(F('value'), 2), 'bottom("value", 2)'),
    (Sample('note', 2), 'sample("note", 2)'),
    (Derivative('value'), 'derivative("value")'),
    (Derivative(Mean('value'), Second(1)), 'derivative(mean("value"), 1s)'),
    (NonNegativeDerivative(Mean('value'), '1m'), 'non_negative_derivative(mean("value"), 1m)'),
    (MovingAverage('value', 3), 'moving_average("value", 3)'),
    (CumulativeSum(Sum('value')), 'cumulative_sum(sum("value"))'),
    (Elapsed('note', Millisecond(1)), 'elapsed("note", 1ms)'),
    (Abs(F('value') - F('count')), 'abs("value" - "count")'),
    (Abs(Mean('value')), 'abs(mean("value"))'),
    (Atan2('value', 'count'), 'atan2("value", "count")'),
    (Atan2('value', 2), 'atan2("value", 2)'),
    (Log('value', 2), 'log("value", 2)'),
    (Pow('value', 0.5), 'pow("value", 0.5)'),
    (HoltWinters(Mean('value'), 10, 4), 'holt_winters(mean("value"), 10, 4)'),
    (HoltWintersWithFit(First('value'), 1, 0), 'holt_winters_with_fit(first("value"), 1, 0)'),
    (Mean('db name'), 'mean("db name")'),
])
def test_functions_render(expression: Func, text: str) -> None:
    assert sql(expression) == text


@pytest.mark.parametrize(('build', 'message'), [
    (lambda: Mean(5), 'field name'),
    (lambda: Mean(F('value') + 1), 'field name'),
    (lambda: Mean(Mean('value')), 'field name'),
    (lambda: Top('value'), 'number of points'),
    (lambda: Top('value', 0), 'at least 1'),
    (lambda: Top('value', 2.5), 'integer'),
    (lambda: Top('value', 5, 3), 'tag or field names'),
    (lambda: Percentile('value', 0), 'above 0'),
    (lambda: Percentile('value', 101), 'at most 100'),
    (lambda: Percentile('value', '50'), 'number'),
    (lambda: Sample('value', 0), 'at least 1'),
    (lambda: MovingAverage('value', 1), 'at least 2'),
    (lambda: Derivative('value', 5), 'unit'),
    (lambda: Derivative('value', '0s'), 'zero'),
    (lambda: Derivative(Top('value', 2)), 'aggregation or selector'),
    (lambda: Derivative(Abs('value')), 'aggregation or selector'),
    (lambda: HoltWinters('value', 3, 0), 'predicts an aggregate'),
    (lambda: HoltWinters(Mean('value'), 0, 0), 'at least 1'),
    (lambda: HoltWinters(Mean('value'), 3, -1), 'at least 0'),
    (lambda: Abs(5), 'first argument'),
    (lambda: Log('value', 'e'), 'number'),
    (lambda: Pow('value', float('nan')), 'finite'),
])
def test_functions_check_arity_and_argument_types(build: Any, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        build()


@pytest.mark.parametrize(('expression', 'message'), [
    (Mean('nope'), 'has no field or tag'),
    (Mean('note'), 'string field'),
    (Sum('ok'), 'boolean field'),
    (Mean('host'), 'is a tag'),
    (Count('host'), 'is a tag'),
    (Top('value', 'nope', 3), 'has no field or tag'),
    (Derivative(Mean('note')), 'string field'),
    (Abs('note'), 'string field'),
])
def test_functions_check_fields_against_the_model(expression: Func, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        expression.resolve(Reading._meta)


def test_what_a_function_tells_the_compiler() -> None:
    meta = Reading._meta
    info = Derivative(Mean('value'), Second(1)).resolve(meta).info
    assert (info.calls, info.needs_interval, info.only_selectors) == (2, ['Derivative'], False)
    info = Derivative('value').resolve(meta).info
    assert info.refuses_interval == ['Derivative'] and info.multi_row
    info = Abs(F('value')).resolve(meta).info
    assert (info.calls, info.aux) == (0, True)
    info = (Mean('value') / Sum('value')).resolve(meta).info
    assert (info.calls, info.aux, info.multi_row) == (2, False, False)
    assert Top('value', 3).resolve(meta).info.top_bottom == 'top'
    assert Distinct('value').resolve(meta).info.distinct
    assert not Count(Distinct('value')).resolve(meta).info.distinct
    assert Mean('value').default_alias() == 'value__mean'
    assert Mean('value') == Mean('value') and Mean('value') != Sum('value')
