"""Hostile strings in every string lookup match exactly what Python matches, on the server.

Quotes, backslashes, slashes, ``$``, regex metacharacters, unicode, newlines, carriage
returns: each is written as a tag value and a string field value, then looked for with
every lookup and every other hostile string as the needle.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from influxpy import Q, fields, models
from influxpy.aggregates import Mean
from influxpy.connection import Connection

HOSTILE = ["it's", 'dq"x', 'back\\slash', "\\'", '\\\\x', 'a/b', '/', '\\/', '$x', '$p0',
           '.*', '[a-z]+', '(?i)X', '^a$', 'a|b', 'ünï😀', 'tab\tx', 'a b,c=d', 'ÜNÏ😀',
           'x\\ny', '{1}', '#x', 'new\nline', 'cr\rx', 'nul\x00x', 'ends\\']


class Hostile(models.InfluxMeasurement):
    measurement = 'hostile'
    name = fields.InfluxTag(null=True)
    text = fields.StringField()


def tag_safe(value: str) -> bool:
    """What line protocol can carry as a tag value."""
    return bool(value) and '\n' not in value and not value.endswith('\\')


def matches(lookup: str, value: str | None, needle: str) -> bool:
    if value is None:
        return lookup == 'ne'
    return {
        'exact': lambda: value == needle,
        'ne': lambda: value != needle,
        'contains': lambda: needle in value,
        'startswith': lambda: value.startswith(needle),
        'endswith': lambda: value.endswith(needle),
        'icontains': lambda: re.search(re.escape(needle), value, re.I) is not None,
        'iexact': lambda: re.fullmatch(re.escape(needle), value, re.I) is not None,
        'regex': lambda: re.search('^' + re.escape(needle), value) is not None,
    }[lookup]()


LOOKUPS = ['exact', 'ne', 'contains', 'startswith', 'endswith', 'icontains', 'iexact']


@pytest.fixture
def stored(influx_db: Connection) -> list[Hostile]:
    points = [Hostile(time=i, name=value if tag_safe(value) else None, text=value)
              for i, value in enumerate(HOSTILE)]
    Hostile.series.bulk_create(points)
    return points


def times(qs: Any) -> list[int]:
    return sorted(p.time_ns for p in qs)


@pytest.mark.parametrize('lookup', LOOKUPS)
@pytest.mark.parametrize('column', ['name', 'text'])
def test_every_lookup_with_every_hostile_needle(stored: list[Hostile], lookup: str,
                                                column: str) -> None:
    for needle in HOSTILE:
        if column == 'name' and lookup in ('exact', 'ne') and not tag_safe(needle):
            continue  # a tag never holds it; ne would also match the points without tag
        got = times(Hostile.series.filter(**{f'{column}__{lookup}': needle}))
        expected = sorted(p.time_ns for p in stored  # type: ignore[misc]
                          if matches(lookup, getattr(p, column), needle))
        assert got == expected, (lookup, column, needle)


@pytest.mark.parametrize('column', ['name', 'text'])
def test_in_regex_and_exclude_with_hostile_strings(stored: list[Hostile], column: str) -> None:
    needles = ['a/b', "it's", '$x', 'cr\rx', 'nul\x00x', 'ends\\', 'new\nline']
    got = times(Hostile.series.filter(**{f'{column}__in': needles}))
    assert got == sorted(p.time_ns for p in stored  # type: ignore[misc]
                         if getattr(p, column) in needles)
    for needle in HOSTILE:
        pattern = '^' + re.escape(needle)
        got = times(Hostile.series.filter(**{f'{column}__regex': pattern}))
        assert got == sorted(p.time_ns for p in stored  # type: ignore[misc]
                             if matches('regex', getattr(p, column), needle)), needle
        compiled = re.compile(re.escape(needle.lower()), re.I)
        got = times(Hostile.series.filter(**{f'{column}__regex': compiled}))
        assert got == sorted(p.time_ns for p in stored  # type: ignore[misc]
                             if getattr(p, column) is not None
                             and compiled.search(getattr(p, column))), needle
    excluded = times(Hostile.series.exclude(Q(**{f'{column}__contains': '\\'})
                                            | Q(**{f'{column}__endswith': 'x'})))
    # To InfluxQL an absent tag is the empty string, which contains nothing.
    assert excluded == sorted(p.time_ns for p in stored  # type: ignore[misc]
                              if '\\' not in (getattr(p, column) or '')
                              and not (getattr(p, column) or '').endswith('x'))


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(needle=st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=2)),
                       min_size=1, max_size=3).map(''.join))
def test_random_needles_never_break_the_query(stored: list[Hostile], needle: str) -> None:
    for lookup in ('exact', 'contains', 'startswith', 'endswith'):
        qs = Hostile.series.filter(**{f'text__{lookup}': needle})
        expected = sorted(p.time_ns for p in stored  # type: ignore[misc]
                          if matches(lookup, p.text, needle))
        assert times(qs) == expected, (lookup, needle)


class HostileNames(models.InfluxMeasurement):
    measurement = 'cpu "load", \\x\'s /.*/ $m'
    tag = fields.InfluxTag(db_name='ta\'g "x" \\x ,=$t')
    other = fields.InfluxTag(null=True, db_name='µ-tag')
    value = fields.FloatField(db_name='fi,eld=\\x "v" \'$f\'')


def test_hostile_identifiers_in_every_clause(influx_db: Connection) -> None:
    HostileNames.series.bulk_create(
        [HostileNames(time=i * 60_000_000_000, tag="it's" if i % 2 else 'a/b', value=float(i),
                      other='ü' if i < 4 else None) for i in range(10)])
    qs = HostileNames.series.filter(tag="it's", value__gt=2)
    assert [p.value for p in qs] == [3.0, 5.0, 7.0, 9.0]
    assert influx_db.query(str(qs.query)) == influx_db.query(*qs.query.compile()[:1],
                                                             params=qs.query.compile()[1])
    grouped = (HostileNames.series.filter(time__gte=0, time__lt=600_000_000_000)
               .annotate(m=Mean('value')).resolution('5m').group_by('tag', 'other'))
    got = {(r.tags['tag'], r.tags['other']): [p['m'] for p in r.points] for r in grouped}
    assert got == {('a/b', 'ü'): [1.0, None], ("it's", 'ü'): [2.0, None],
                   ('a/b', None): [4.0, 7.0], ("it's", None): [None, 7.0]}
    HostileNames.series.filter(tag='a/b').delete()
    assert {p.tag for p in HostileNames.series.all()} == {"it's"}
    HostileNames.series.filter(other__isnull=True, time__gte=300_000_000_000).delete()
    assert [p.value for p in HostileNames.series.all()] == [1.0, 3.0]
