"""Random QuerySet chains: influxpy raises QueryError while building, or the server
accepts the query — never a server error. The inlined text (``str(qs.query)``) runs
too, and answers what the bind-parameter text answers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from influxpy import F, Now, Q
from influxpy.aggregates import (
    Abs,
    Atan2,
    Bottom,
    Count,
    CumulativeSum,
    Derivative,
    Difference,
    Distinct,
    Elapsed,
    First,
    HoltWinters,
    HoltWintersWithFit,
    Integral,
    Last,
    Log,
    Max,
    Mean,
    Median,
    Min,
    Mode,
    MovingAverage,
    NonNegativeDerivative,
    NonNegativeDifference,
    Percentile,
    Pow,
    Sample,
    Spread,
    Stddev,
    Sum,
    Top,
)
from influxpy.connection import Connection
from influxpy.exceptions import QueryError
from influxpy.query.lookups import LOOKUPS
from influxpy.query.queryset import QuerySet
from influxpy.resolutions import Day, Hour

from .models import Reading
from .test_queryset_server import T0, make_points

# Mostly valid choices, a few wrong ones: the point is to reach the server often.
COLUMNS = ['host', 'region', 'value', 'count', 'note', 'ok', 'level', 'spaced', 'time',
           'time', 'host', 'value', 'nope']
FIELDS = ['value', 'count', 'level', 'value', 'count', 'level', 'note', 'ok', 'host', 'nope']

FUNCTIONS: dict[str, Any] = {
    'mean': Mean, 'max': Max, 'min': Min, 'sum': Sum, 'count': Count, 'first': First,
    'last': Last, 'spread': Spread, 'stddev': Stddev, 'median': Median, 'mode': Mode,
    'distinct': Distinct, 'count_distinct': lambda f: Count(Distinct(f)),
    'integral': lambda f: Integral(f, '1m'), 'percentile': lambda f: Percentile(f, 90),
    'sample': lambda f: Sample(f, 2), 'top': lambda f: Top(f, 2),
    'bottom': lambda f: Bottom(f, 'host', 2), 'derivative': lambda f: Derivative(f, '1m'),
    'derivative_mean': lambda f: Derivative(Mean(f), '1m'), 'difference': Difference,
    'nn_difference_max': lambda f: NonNegativeDifference(Max(f)),
    'nn_derivative': NonNegativeDerivative, 'cumulative_sum': CumulativeSum,
    'cumulative_sum_sum': lambda f: CumulativeSum(Sum(f)),
    'moving_average': lambda f: MovingAverage(f, 2),
    'moving_average_mean': lambda f: MovingAverage(Mean(f), 3),
    'elapsed': lambda f: Elapsed(f, '1s'), 'elapsed_first': lambda f: Elapsed(First(f)),
    'abs': Abs, 'abs_mean': lambda f: Abs(Mean(f)), 'pow': lambda f: Pow(f, 2),
    'log_mean': lambda f: Log(Mean(f), 10), 'atan2': lambda f: Atan2(f, 'level'),
    'ratio': lambda f: F(f) / F('level'), 'mean_x100': lambda f: Mean(f) * 100,
    'mean_over_max': lambda f: Mean(f) / Max('level'), 'field': F,
    'holt_winters': lambda f: HoltWinters(Mean(f), 2, 0),
    'holt_winters_fit': lambda f: HoltWintersWithFit(Max(f), 1, 2),
}

values = st.one_of(
    st.text(max_size=4), st.integers(-10, 200), st.floats(-100, 200, allow_nan=False),
    st.booleans(), st.none(), st.lists(st.sampled_from(['a', 'b', 'eu', "x'/"]), max_size=3),
    st.tuples(st.integers(-5, 50), st.integers(-5, 120)),
    st.sampled_from([T0, T0 + timedelta(minutes=30), '2024-01-01T01:00:00Z',
                     Now() - Day(1), F('level'), 'n1', '^[ab]']),
)
texts = st.sampled_from(['a', 'b', 'eu', "x'/", '', '$p0', 'n1', '\\', 'a\rb'])
numbers = st.one_of(st.integers(-10, 130), st.floats(-10, 130, allow_nan=False))
times = st.sampled_from([T0, T0 + timedelta(minutes=30), '2024-01-01T01:00:00.5Z',
                         Now() - Day(1), 1_704_067_200_000_000_000 + 7])
VALID: list[tuple[list[str], list[str], Any]] = [
    (['host', 'region', 'note'], ['exact', 'ne', 'regex', 'contains', 'startswith',
                                  'endswith', 'iexact', 'icontains'], texts),
    (['host', 'region', 'note'], ['in'], st.lists(texts, max_size=3)),
    (['host', 'region'], ['isnull'], st.booleans()),
    (['value', 'count', 'level', 'spaced'], ['exact', 'ne', 'gt', 'gte', 'lt', 'lte'],
     st.one_of(numbers, st.just(F('level')), st.just(F('value') * 2))),
    (['value', 'count', 'level'], ['in'], st.lists(numbers, max_size=3)),
    (['value', 'count', 'level'], ['range'], st.tuples(numbers, numbers)),
    (['ok'], ['exact', 'ne'], st.booleans()),
    (['time'], ['gt', 'gte', 'lt', 'lte', 'exact'], times),
    (['time'], ['range'], st.tuples(times, times)),
]
valid_lookups = st.one_of(*(
    st.builds(lambda column, lookup, value: Q(**{f'{column}__{lookup}': value}),
              st.sampled_from(columns), st.sampled_from(names), value_strategy)
    for columns, names, value_strategy in VALID))
any_lookups = st.builds(lambda column, lookup, value: Q(**{f'{column}__{lookup}': value}),
                        st.sampled_from(COLUMNS), st.sampled_from([*LOOKUPS, 'bogus']),
                        values)
lookups = st.one_of(valid_lookups, valid_lookups, valid_lookups, any_lookups)
conditions = st.recursive(lookups, lambda children: st.one_of(
    st.builds(lambda a, b: a & b, children, children),
    st.builds(lambda a, b: a | b, children, children),
    children.map(lambda q: ~q)), max_leaves=4)
names = st.lists(st.sampled_from([*FIELDS, 'time', 'x']), max_size=3)
annotate = st.tuples(st.just('annotate'), st.sampled_from(['x', 'y', 'z', 'x', 'value']),
                     st.sampled_from(sorted(FUNCTIONS)), st.sampled_from(FIELDS))
resolution = st.tuples(st.just('resolution'), st.sampled_from(['1m', '7m', '10m', '1h', Hour(1)]),
                       st.sampled_from([None, None, '1m', '-3m', '0s']))

filters = st.tuples(st.sampled_from(['filter', 'exclude']), conditions)
others = st.one_of(
    filters,
    st.tuples(st.just('fill'), st.sampled_from(['null', 'none', 'previous', 'linear', 0, -1.5])),
    st.tuples(st.just('group_by'), st.sampled_from([(), ('host',), ('host', 'region'), ('*',),
                                                    ('host',), ('value',)])),
    st.tuples(st.just('order_by'), st.sampled_from(['time', '-time', '-time', 'value'])),
    st.tuples(st.just('slice'), st.integers(0, 8), st.one_of(st.none(), st.integers(0, 12))),
    st.tuples(st.just('slimit'), st.integers(0, 3).map(lambda n: n or 1)),
    st.tuples(st.just('soffset'), st.integers(0, 2)),
    st.tuples(st.just('tz'), st.sampled_from(['UTC', 'Europe/Paris', 'America/New_York'])),
    st.tuples(st.just('only'), names),
    st.tuples(st.sampled_from(['values', 'values_list']), names),
)
# A chain: some conditions, functions and a resolution half of the time, other
# clauses, all in a random order (the text must come out in InfluxQL's order anyway).
chains = st.tuples(
    st.lists(filters, max_size=2), st.lists(annotate, max_size=2),
    st.lists(resolution, max_size=1), st.lists(others, max_size=3),
).map(lambda parts: [op for part in parts for op in part]).flatmap(st.permutations)


def apply(qs: QuerySet, operation: tuple[Any, ...]) -> QuerySet:
    kind, *args = operation
    if kind in ('filter', 'exclude'):
        return getattr(qs, kind)(args[0])  # type: ignore[no-any-return]
    if kind == 'annotate':
        alias, function, field = args
        return qs.annotate(**{alias: FUNCTIONS[function](field)})
    if kind == 'resolution':
        return qs.resolution(args[0], offset=args[1])
    if kind == 'group_by':
        return qs.group_by(*args[0])
    if kind == 'slice':
        return qs[args[0]:args[1]]  # type: ignore[no-any-return]
    if kind in ('only', 'values', 'values_list'):
        return getattr(qs, kind)(*args[0])  # type: ignore[no-any-return]
    return getattr(qs, kind)(*args)  # type: ignore[no-any-return]


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(chain=chains)
def test_the_server_accepts_every_query_influxpy_compiles(influx_db: Connection,
                                                         chain: list[tuple[Any, ...]]) -> None:
    if not influx_db.query('SHOW MEASUREMENTS')[0].get('series'):
        Reading.series.bulk_create(make_points())
    # Every chain starts inside the data's two hours: GROUP BY time() without a lower
    # bound would make the server fill buckets from 1970.
    qs = Reading.series.filter(time__gte=T0, time__lt=T0 + timedelta(hours=2))
    try:
        for operation in chain:
            qs = apply(qs, operation)
        text, params = qs.query.compile()
    except QueryError:
        return
    answer = influx_db.query(text, params=params)  # a ServerError fails the test
    list(qs)  # and the row factories take whatever came back
    try:
        inline = str(qs.query)
    except QueryError:  # a carriage return or NUL: bind parameters only
        assert any('\r' in str(v) or '\0' in str(v) for v in params.values())
        return
    if 'sample(' not in text:  # sample() is random
        assert influx_db.query(inline) == answer
