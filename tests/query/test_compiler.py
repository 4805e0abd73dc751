"""The compiler's exact text, and every mistake it refuses before any text exists.

Pure: no server. ``str(qs.query)`` inlines values; ``qs.query.compile()`` is what runs.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from influxpy import F, Now, Q
from influxpy.aggregates import (
    Abs,
    Count,
    Derivative,
    Distinct,
    First,
    HoltWinters,
    Max,
    Mean,
    MovingAverage,
    Percentile,
    Sum,
    Top,
)
from influxpy.exceptions import QueryError
from influxpy.query.compiler import compile_delete
from influxpy.query.lookups import LOOKUPS, Lookup, register_lookup
from influxpy.query.queryset import QuerySet
from influxpy.resolutions import Day, Hour, Minute, Second

from .models import Archived, Reading

R = Reading.series
T0 = datetime(2024, 1, 1, tzinfo=UTC)
T1 = datetime(2024, 1, 2, tzinfo=UTC)
ALL = '"host", "region", "value", "count", "note", "ok", "level", "db name"'
FROM = ' FROM "reading"'


def text(qs: QuerySet) -> str:
    return str(qs.query)


def where(qs: QuerySet) -> str:
    full = text(qs)
    assert full.startswith(f'SELECT {ALL}{FROM} WHERE ')
    return full[len(f'SELECT {ALL}{FROM} WHERE '):]


# -- SELECT, FROM ----------------------------------------------------------------------


def test_plain_query_selects_every_column() -> None:
    assert text(R.all()) == f'SELECT {ALL}{FROM}'
    assert R.all().query.compile() == (f'SELECT {ALL}{FROM}', {})


def test_from_quotes_database_retention_policy_and_measurement() -> None:
    assert text(Archived.series.all()) == \
        'SELECT "host", "value" FROM "metrics"."two weeks"."arch\\"ived"'


def test_only_and_values_select_their_columns() -> None:
    # only() is a projection: every field is selected so that InfluxDB keeps every row;
    # the others come back as None.
    rest = '"count", "note", "ok", "level"'
    assert text(R.only('value', 'host')) == \
        f'SELECT "value", "host", "region", {rest}, "db name"{FROM}'
    assert text(R.only('spaced')) == f'SELECT "db name", "host", "region", "value", {rest}{FROM}'
    assert text(R.values('time', 'value')) == f'SELECT "value"{FROM}'
    assert text(R.values_list('note', flat=True)) == f'SELECT "note"{FROM}'
    with pytest.raises(QueryError, match='has no field or tag'):
        R.only('nope')
    with pytest.raises(QueryError, match='at least one field'):
        text(R.only('host', 'region'))
    with pytest.raises(QueryError, match='exactly one name'):
        R.values_list('value', 'count', flat=True)


def test_annotations_are_aliased() -> None:
    qs = R.annotate(m=Mean('value'), top=Max('value') * 2, ratio=Mean('value') / Sum('count'))
    assert text(qs) == ('SELECT mean("value") AS "m", max("value") * 2 AS "top", '
                        'mean("value") / sum("count") AS "ratio"' + FROM)
    assert text(R.annotate(Mean('value'))) == f'SELECT mean("value") AS "value__mean"{FROM}'
    assert text(R.only('value').annotate(r=F('value') / F('count'))) == \
        f'SELECT "value", "host", "region", "value" / "count" AS "r"{FROM}'
    assert text(R.annotate(a=Abs(F('value') - F('count')))) == \
        f'SELECT abs("value" - "count") AS "a"{FROM}'


@pytest.mark.parametrize('alias', ['value', 'host', 'db name', 'time'])
def test_an_alias_clashing_with_a_field_tag_or_time_is_refused(alias: str) -> None:
    with pytest.raises(QueryError, match='clashes'):
        R.annotate(**{alias: Mean('value')})


def test_annotating_a_name_twice_is_refused() -> None:
    with pytest.raises(QueryError, match='already annotated'):
        R.annotate(m=Mean('value')).annotate(m=Sum('value'))
    with pytest.raises(QueryError, match='takes a function or expression'):
        R.annotate(m='value')  # type: ignore[arg-type]


# -- the whole clause order ------------------------------------------------------------


def test_clause_order_is_always_the_one_influxql_accepts() -> None:
    # Built in the "wrong" order on purpose: the text comes out in InfluxQL's order.
    qs = (R.tz('Europe/Paris').slimit(2).soffset(1).order_by('-time').fill('previous')
          .group_by('host').resolution(Minute(5), offset=Minute(1))
          .annotate(m=Mean('value'))
          .filter(host='a', time__gte=T0, time__lt=T1)[10:30])
    assert text(qs) == (
        'SELECT mean("value") AS "m" FROM "reading" WHERE "host" = \'a\' AND '
        "time >= '2024-01-01T00:00:00Z' AND time < '2024-01-02T00:00:00Z' "
        'GROUP BY time(5m, 1m), "host" fill(previous) ORDER BY time DESC LIMIT 20 OFFSET 10 '
        "SLIMIT 2 SOFFSET 1 tz('Europe/Paris')")
    influxql, params = qs.query.compile()
    assert influxql == text(qs).replace("\"host\" = 'a'", '"host" = $p0')
    assert params == {'p0': 'a'}


def test_group_by_and_fill_forms() -> None:
    base = R.annotate(m=Mean('value')).filter(time__gte=T0)
    assert text(base.resolution('1h').group_by('*')).endswith(' GROUP BY time(1h), *')
    assert text(base.resolution(Day(1), offset='-15m').fill(0)).endswith(
        ' GROUP BY time(1d, -15m) fill(0)')
    assert text(base.resolution(Hour(1)).fill(-1.5)).endswith(' fill(-1.5)')
    assert text(base.resolution(Hour(1)).fill(None)).endswith(' fill(null)')
    for keyword in ('none', 'linear', 'null', 'previous'):
        assert text(base.resolution(Hour(1)).fill(keyword)).endswith(f' fill({keyword})')
    assert text(base.group_by('region', 'host', 'region')).endswith(' GROUP BY "region", "host"')
    # Grouped tags come with each series: they are not selected again.
    assert text(R.group_by('host')) == \
        f'SELECT "region", "value", "count", "note", "ok", "level", "db name"{FROM} GROUP BY "host"'
    assert text(R.group_by('*')) == \
        f'SELECT "value", "count", "note", "ok", "level", "db name"{FROM} GROUP BY *'


def test_slices_become_limit_and_offset() -> None:
    assert text(R.all()[:5]).endswith(f'{FROM} LIMIT 5')
    assert text(R.all()[5:15]).endswith(f'{FROM} LIMIT 10 OFFSET 5')
    assert text(R.all()[5:15][2:4]).endswith(f'{FROM} LIMIT 2 OFFSET 7')
    assert text(R.all()[5:15][2:40]).endswith(f'{FROM} LIMIT 8 OFFSET 7')
    # InfluxQL answers OFFSET without LIMIT (SOFFSET without SLIMIT) wrongly.
    assert text(R.all()[5:]).endswith(f'{FROM} LIMIT 4611686018427387904 OFFSET 5')
    assert text(R.soffset(2)).endswith(f'{FROM} SLIMIT 4611686018427387904 SOFFSET 2')
    assert text(R.series_limit(3, 1)).endswith(f'{FROM} SLIMIT 3 SOFFSET 1')
    with pytest.raises(QueryError, match='more than InfluxDB counts'):
        text(R.all()[2 ** 62 + 1:])
    # An empty slice matches nothing (LIMIT 0 would mean no limit at all).
    assert text(R.all()[3:3]) == f'SELECT {ALL}{FROM} WHERE false'


@pytest.mark.parametrize('key', [slice(-1, None), slice(None, -2), slice(0, 10, 2),
                                 slice('a', None), -1])
def test_negative_or_stepped_slices_are_refused(key: Any) -> None:
    with pytest.raises(QueryError):
        R.all()[key]


def test_sliced_queries_refuse_filtering_and_reordering() -> None:
    with pytest.raises(QueryError, match='slice'):
        R.all()[:5].filter(host='a')
    with pytest.raises(QueryError, match='slice'):
        R.all()[:5].order_by('-time')


@pytest.mark.parametrize('order', ['value', '-host', 'time,value'])
def test_ordering_by_anything_but_time_is_refused(order: str) -> None:
    with pytest.raises(QueryError, match='time only'):
        R.order_by(*order.split(','))


def test_ordering_forms() -> None:
    assert text(R.order_by('-time')).endswith(f'{FROM} ORDER BY time DESC')
    assert text(R.order_by('-time').order_by('time')) == f'SELECT {ALL}{FROM}'
    assert text(R.order_by('-time').reverse()) == f'SELECT {ALL}{FROM}'


def test_series_limits_and_time_zones_are_checked() -> None:
    for bad in (0, -1, 1.5, True):
        with pytest.raises(QueryError):
            R.slimit(bad)  # type: ignore[arg-type]
    with pytest.raises(QueryError):
        R.soffset(-1)
    with pytest.raises(QueryError, match='time zone'):
        R.tz('Mars/Olympus')
    with pytest.raises(QueryError, match='time zone'):
        R.tz("UTC'); DROP DATABASE x; --")


def test_group_by_refuses_fields_and_unknown_names() -> None:
    with pytest.raises(QueryError, match='is a field'):
        R.group_by('value')
    with pytest.raises(QueryError, match='has no field or tag'):
        R.group_by('nope')
    with pytest.raises(QueryError, match='no other name'):
        R.group_by('*', 'host')


@pytest.mark.parametrize('bad', ['zero', 'nearest', True, [1]])
def test_fill_refuses_unknown_values(bad: Any) -> None:
    with pytest.raises(QueryError, match='fill'):
        R.fill(bad)


# -- the validation pass ----------------------------------------------------------------


@pytest.mark.parametrize(('build', 'message'), [
    (lambda: R.annotate(m=Mean('value')).fill(0), 'fill\\(\\) needs resolution'),
    (lambda: R.resolution(Minute(1)), 'needs an aggregate'),
    (lambda: R.only('value').resolution(Minute(1)), 'needs an aggregate'),
    (lambda: R.annotate(d=Derivative(Mean('value'))), 'needs resolution'),
    (lambda: R.annotate(h=HoltWinters(Mean('value'), 3, 0)), 'needs resolution'),
    (lambda: R.annotate(d=Derivative('value')).resolution('1m'), 'takes an aggregate'),
    (lambda: R.annotate(d=MovingAverage('value', 3), m=Mean('value')).resolution('1m'),
     'takes an aggregate'),
    (lambda: R.annotate(t=Top('value', 3), m=Mean('value')), 'cannot be combined'),
    (lambda: R.annotate(t=Top('value', 3), m=Max('count')), 'cannot be combined'),
    (lambda: R.annotate(d=Distinct('value'), c=Count('value')), 'Distinct'),
    (lambda: R.only('note').annotate(d=Distinct('value')), 'Distinct'),
    (lambda: R.only('note').annotate(m=Mean('value')), 'cannot mix aggregates'),
    (lambda: R.annotate(a=F('value') + Mean('value')), 'cannot mix aggregates'),
    (lambda: R.annotate(d=Derivative('value'), v=F('count')), 'cannot mix aggregates'),
    (lambda: R.only('note').annotate(a=Max('value'), b=Max('count')), 'one selector'),
    (lambda: R.annotate(t=Top('value', 5))[:3], 'more than'),
])
def test_impossible_queries_fail_before_any_text(build: Any, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        text(build())


def test_what_influxql_allows_passes() -> None:
    # One selector with raw fields; top with tags; several aggregates; nested functions.
    assert text(R.only('note').annotate(m=Max('value'))) == \
        f'SELECT "note", "host", "region", max("value") AS "m"{FROM}'
    assert text(R.annotate(t=Top('value', 'host', 3))[:3]).startswith(
        'SELECT top("value", "host", 3) AS "t"')
    assert text(R.annotate(p=Percentile('value', 95), f=First('note'), c=Count('ok')))
    assert text(R.annotate(d=Derivative(Mean('value'), Second(1)), m=Mean('value'))
                .filter(time__gte=T0).resolution(Minute(1))) == (
        'SELECT derivative(mean("value"), 1s) AS "d", mean("value") AS "m" FROM "reading" '
        "WHERE time >= '2024-01-01T00:00:00Z' GROUP BY time(1m)")
    assert text(R.annotate(d=Derivative('value', Second(1))))
    assert text(R.annotate(c=Count(Distinct('note'))))


# -- WHERE: lookups and Q trees ----------------------------------------------------------


@pytest.mark.parametrize(('lookups', 'condition'), [
    ({'host': 'a'}, "\"host\" = 'a'"),
    ({'host__exact': 'a'}, "\"host\" = 'a'"),
    ({'host__ne': 'a'}, "\"host\" != 'a'"),
    ({'value__gt': 1.5}, '"value" > 1.5'),
    ({'value__gte': 2}, '"value" >= 2'),
    ({'count__lt': -3}, '"count" < -3'),
    ({'count__lte': 9007199254740993}, '"count" <= 9007199254740993'),
    ({'level__gt': 1e-7}, '"level" > 0.0000001'),
    ({'ok': True}, '"ok" = true'),
    ({'ok__ne': False}, '"ok" != false'),
    ({'note': "it's"}, "\"note\" = 'it\\'s'"),
    ({'level': 'x'}, "\"level\" = 'x'"),
    ({'spaced__gt': 1}, '"db name" > 1'),
    ({'db name__gt': 1}, '"db name" > 1'),
    ({'host__in': ['a', 'b']}, "(\"host\" = 'a' OR \"host\" = 'b')"),
    ({'host__in': ('a',)}, "\"host\" = 'a'"),
    ({'host__in': []}, 'false'),
    ({'value__range': (1, 2)}, '"value" >= 1 AND "value" <= 2'),
    ({'host__regex': '^web-\\d+$'}, '"host" =~ /^web-\\d+$/'),
    ({'host__regex': re.compile('a/b', re.I)}, '"host" =~ /(?i)a\\/b/'),
    ({'host__contains': 'a.b'}, '"host" =~ /a\\.b/'),
    ({'host__startswith': 'a/b'}, '"host" =~ /^a\\/b/'),
    ({'note__endswith': '$x'}, '"note" =~ /\\$x$/'),
    ({'note__icontains': 'Ab'}, '"note" =~ /(?i)Ab/'),
    ({'note__iexact': 'Ab'}, '"note" =~ /(?i)^Ab$/'),
    ({'host__istartswith': 'Ab'}, '"host" =~ /(?i)^Ab/'),
    ({'host__iendswith': 'Ab'}, '"host" =~ /(?i)Ab$/'),
    ({'region__isnull': True}, "\"region\" = ''"),
    ({'region__isnull': False}, "\"region\" != ''"),
    ({'region': None}, "\"region\" = ''"),
    ({'region__ne': None}, "\"region\" != ''"),
    ({'value__gt': F('count')}, '"value" > "count"'),
    ({'value__gt': F('count') * 2}, '"value" > "count" * 2'),
    ({'time__gte': T0}, "time >= '2024-01-01T00:00:00Z'"),
    ({'time': 1}, "time = '1970-01-01T00:00:00.000000001Z'"),
    ({'time__lt': '2024-01-01T00:00:00.5+01:00'}, "time < '2023-12-31T23:00:00.500000000Z'"),
    ({'time__gt': Now() - Hour(1)}, 'time > now() - 1h'),
    ({'time__range': (T0, Now())},
     "time >= '2024-01-01T00:00:00Z' AND time <= now()"),
    ({'time__in': [T0]}, "time = '2024-01-01T00:00:00Z'"),
])
def test_lookups(lookups: dict[str, Any], condition: str) -> None:
    assert where(R.filter(**lookups)) == condition


def test_every_lookup_of_the_issue_is_registered() -> None:
    assert set(LOOKUPS) >= {'exact', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'range', 'regex',
                            'contains', 'startswith', 'endswith', 'isnull'}
    assert all(issubclass(cls, Lookup) for cls in LOOKUPS.values())


def test_a_registered_lookup_is_usable_at_once() -> None:
    @register_lookup
    class HasDigit(Lookup):
        lookup_name = 'hasdigit'

        def prepare(self, value: Any) -> None:
            self.value = value

        def as_influxql(self, compiler: Any) -> str:
            return f'{self.column.sql} {"!~" if self.negated else "=~"} /\\d/'

    try:
        assert where(R.filter(host__hasdigit=True)) == '"host" =~ /\\d/'
        assert where(R.exclude(host__hasdigit=True)) == '"host" !~ /\\d/'
    finally:
        del LOOKUPS['hasdigit']


def test_values_travel_as_bind_parameters() -> None:
    qs = R.filter(host__in=['a', "b'"], count__gt=2, ok=True, note__ne='$p0',
                  time__gte=T0, value__lt=1e-7)
    influxql, params = qs.query.compile()
    # Floats are inlined: 1.x parses a JSON number without '.' (1e-07) as an integer.
    assert influxql == (
        f'SELECT {ALL}{FROM} WHERE ("host" = $p0 OR "host" = $p1) AND "count" > $p2 AND '
        "\"ok\" = $p3 AND \"note\" != $p4 AND time >= '2024-01-01T00:00:00Z' AND "
        '"value" < 0.0000001')
    assert params == {'p0': 'a', 'p1': "b'", 'p2': 2, 'p3': True, 'p4': '$p0'}


def test_q_trees_and_exclude_push_negation_down() -> None:
    qs = R.filter(Q(host='a') | Q(host='b', value__gt=5))
    assert where(qs) == "(\"host\" = 'a' OR (\"host\" = 'b' AND \"value\" > 5))"
    assert where(R.exclude(host='a', value__gt=5)) == "(\"host\" != 'a' OR \"value\" <= 5)"
    assert where(R.filter(~Q(host='a') & ~Q(value__lt=1))) == \
        "\"host\" != 'a' AND \"value\" >= 1"
    assert where(R.exclude(Q(host='a') | Q(region__regex='x'))) == \
        "\"host\" != 'a' AND \"region\" !~ /x/"
    assert where(R.exclude(host__in=['a', 'b'])) == "(\"host\" != 'a' AND \"host\" != 'b')"
    assert where(R.exclude(host__in=[])) == 'true'
    assert where(R.exclude(value__range=(1, 2))) == '("value" < 1 OR "value" > 2)'
    assert where(R.exclude(region__isnull=True)) == "\"region\" != ''"
    assert where(R.filter(~~Q(host='a'))) == "\"host\" = 'a'"
    assert where(R.exclude(time__lt=T0)) == "time >= '2024-01-01T00:00:00Z'"
    chained = R.filter(Q(host='a') | Q(host='b')).filter(time__gte=T0).exclude(ok=True)
    assert where(chained) == ("(\"host\" = 'a' OR \"host\" = 'b') AND "
                              "time >= '2024-01-01T00:00:00Z' AND \"ok\" != true")
    assert where(R.filter(Q(Q(host='a') | Q(host='b')) & Q(region='r'))) == \
        "(\"host\" = 'a' OR \"host\" = 'b') AND \"region\" = 'r'"


@pytest.mark.parametrize(('build', 'message'), [
    (lambda: R.filter(nope=1), 'has no field or tag'),
    (lambda: R.filter(host__nope='a'), "unknown lookup 'nope'"),
    (lambda: R.filter(host=5), 'tags are strings'),
    (lambda: R.filter(host__in=['a', 5]), 'tags are strings'),
    (lambda: R.filter(host__gt='a'), 'does not apply to tags'),
    (lambda: R.filter(host__range=('a', 'b')), 'does not apply to tags'),
    (lambda: R.filter(host=F('region')), 'a tag compares with strings'),
    (lambda: R.filter(value='1'), 'is a string'),
    (lambda: R.filter(value=True), 'is a boolean'),
    (lambda: R.filter(note=1), 'is a number'),
    (lambda: R.filter(ok=1), 'is a number'),
    (lambda: R.filter(note__gt='a'), 'does not apply to a string field'),
    (lambda: R.filter(ok__gt=False), 'does not apply to a boolean field'),
    (lambda: R.filter(level__gt='a'), 'compares strings only'),
    (lambda: R.filter(level__gt=True), 'booleans compare only'),
    (lambda: R.filter(value__regex='x'), 'does not apply to a numeric field'),
    (lambda: R.filter(value__isnull=True), 'cannot test a field for null'),
    (lambda: R.filter(value=None), 'cannot test a field for null'),
    (lambda: R.filter(value=float('nan')), 'finite'),
    (lambda: R.filter(value=[1]), 'cannot compare'),
    (lambda: R.filter(value__gt=Mean('count')), 'function'),
    (lambda: R.filter(host__regex=5), 'pattern string'),
    (lambda: R.filter(host__contains=5), 'takes a string'),
    (lambda: R.filter(host__in='ab'), 'list of values'),
    (lambda: R.filter(value__range=(1, 2, 3)), 'low, high'),
    (lambda: R.filter(region__isnull='yes'), 'True or False'),
    (lambda: R.filter(time__ne=T0), 'time !='),
    (lambda: R.exclude(time=T0), 'time !='),
    (lambda: R.filter(time='yesterday'), 'ISO-8601'),
    (lambda: R.filter(time__regex='x'), 'does not apply to time'),
    (lambda: R.filter(time__isnull=True), 'does not apply to time'),
    (lambda: R.filter(time__gt=Now() - 5), 'duration'),
    # What InfluxQL answers wrongly: an OR across time conditions.
    (lambda: R.filter(Q(time__lt=T0) | Q(time__gt=T1)), 'OR'),
    (lambda: R.filter(Q(host='a') | Q(time__gt=T1)), 'OR'),
    (lambda: R.filter(Q(host='a') | Q(Q(region='b') & Q(time__gt=T1))), 'OR'),
    (lambda: R.exclude(time__gte=T0, time__lt=T1), 'OR'),
    (lambda: R.exclude(time__range=(T0, T1)), 'time range'),
    (lambda: R.filter(time__in=[T0, T1]), 'OR across time'),
])
def test_conditions_influxql_would_refuse_or_answer_wrongly(build: Any, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        build()


def test_values_inlined_for_display_use_the_quoting_functions() -> None:
    hostile = "a'b\\c\"d\ne$f/g"
    assert where(R.filter(note=hostile)) == "\"note\" = 'a\\'b\\\\c\\\"d\\ne$f/g'"
    assert where(R.filter(note__contains=hostile)) == \
        '"note" =~ /a\'b\\\\c"d\\x{0a}e\\$f\\/g/'
    # A carriage return has no escape in InfluxQL text: it runs as a parameter only.
    qs = R.filter(note='a\rb')
    assert qs.query.compile()[1] == {'p0': 'a\rb'}
    with pytest.raises(QueryError, match='bind parameter'):
        str(qs.query)
    assert 'invalid' in repr(qs)


# -- DELETE ----------------------------------------------------------------------------


def test_delete_statements() -> None:
    def delete_text(qs: QuerySet) -> str:
        return compile_delete(qs.query, inline=True)[0]

    assert delete_text(R.filter(host='a', time__lt=T0)) == \
        "DELETE FROM \"reading\" WHERE \"host\" = 'a' AND time < '2024-01-01T00:00:00Z'"
    assert delete_text(R.filter(time__lt=Now() - Day(30))) == \
        'DELETE FROM "reading" WHERE time < now() - 30d'
    assert delete_text(R.filter(Q(host='a') | Q(region__regex='^eu'))) == \
        "DROP SERIES FROM \"reading\" WHERE (\"host\" = 'a' OR \"region\" =~ /^eu/)"
    assert delete_text(R.all()) == 'DROP SERIES FROM "reading"'
    assert compile_delete(R.filter(host='a').query) == \
        ('DROP SERIES FROM "reading" WHERE "host" = $p0', {'p0': 'a'})
    # No database or retention policy in FROM: DELETE refuses them (the request names one).
    assert delete_text(Archived.series.filter(host='a')) == \
        'DROP SERIES FROM "arch\\"ived" WHERE "host" = \'a\''
    assert R.filter(host='a').delete_query() == \
        'DROP SERIES FROM "reading" WHERE "host" = \'a\''


@pytest.mark.parametrize(('build', 'message'), [
    (lambda: R.filter(value__gt=1), 'field'),
    (lambda: R.filter(Q(host='a') | Q(note='x')), 'field'),
    (lambda: R.filter(host__in=[]), 'empty __in'),
    (lambda: R.filter(host='a')[:5], 'conditions only'),
    (lambda: R.annotate(m=Mean('value')), 'conditions only'),
    (lambda: R.order_by('-time'), 'conditions only'),
    (lambda: R.group_by('host'), 'conditions only'),
])
def test_delete_refuses_field_conditions_and_other_clauses(build: Any, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        build().delete()


def test_repr_shows_the_query_and_runs_nothing() -> None:
    assert repr(R.filter(host='a')) == \
        f"<QuerySet Reading: SELECT {ALL}{FROM} WHERE \"host\" = 'a'>"
    assert repr(R) == '<SeriesManager of Reading>'
    with pytest.raises(TypeError, match='manager'):
        iter(R)  # type: ignore[call-overload]


def test_querysets_are_immutable() -> None:
    base = R.filter(host='a')
    before = text(base)
    for derived in (base.filter(value__gt=1), base.exclude(ok=True), base[:3],
                    base.annotate(m=Mean('value')), base.order_by('-time'), base.tz('UTC'),
                    base.only('value'), base.values('value'), base.slimit(1)):
        assert derived is not base and derived.query is not base.query
    assert text(base) == before


def test_query_clone_copies_every_slot() -> None:
    from influxpy.query.tree import Query

    query = Query(Reading)
    for index, name in enumerate(Query.__slots__):
        if name not in ('model', 'meta', 'annotations', '_compiled'):
            setattr(query, name, f'sentinel {index}')
    clone = query.clone()
    for name in Query.__slots__:
        if name != '_compiled':
            assert getattr(clone, name) == getattr(query, name), name
    assert clone.annotations is not query.annotations
