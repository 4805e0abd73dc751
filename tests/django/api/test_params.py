"""The HTTP API's query parameters (api/params.py): every value checked, every error a
ParameterError naming its parameter. Expected times are integers computed by hand."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from influxpy.contrib.django.api import params as p
from influxpy.contrib.django.api import times as t
from influxpy.contrib.django.api.cursor import encode_cursor, encode_key
from influxpy.contrib.django.api.types import (
    DOWNSAMPLERS,
    TAG_LOOKUPS,
    Cursor,
    Downsampler,
    Granularity,
    ParameterError,
    PointsQuery,
    SeriesQuery,
    TagFilter,
    TimeRange,
)
from influxpy.times import MAX_NS, MIN_NS

TAGS = ('host', 'region', 'order')          # 'order' is also a parameter's name
FIELDS = ('cpu', 'mem', 'disk')
NOW = 1_700_000_000_123_456_789
S = 1_000_000_000                            # one second in ns
JAN_2024 = 1_704_067_200 * S                 # 2024-01-01T00:00:00Z: 19723 days after 1970


def points(pairs: Any = (), **kwargs: Any) -> PointsQuery:
    """parse_points_query of a real query string (urlencoded, then read by QueryDict)."""
    query = QueryDict(urlencode(list(pairs) if pairs else [], doseq=True))
    return p.parse_points_query(query, tags=TAGS, fields=FIELDS, now_ns=NOW, **kwargs)


def refused(parameter: str, pairs: Any, *fragments: str, **kwargs: Any) -> ParameterError:
    with pytest.raises(ParameterError) as info:
        points(pairs, **kwargs)
    error = info.value
    assert error.parameter == parameter, error.message
    assert error.body()['errors'][0]['parameter'] == parameter
    for fragment in fragments:
        assert fragment in error.message
    return error


# -- times ------------------------------------------------------------------------------

@pytest.mark.parametrize('text, ns', [
    ('2024-01-01T00:00:00Z', JAN_2024),
    ('2024-01-01T00:00:00.000000001Z', JAN_2024 + 1),
    ('2024-01-01T00:00:00.123456789Z', JAN_2024 + 123_456_789),
    ('2024-01-01T00:00:00.1Z', JAN_2024 + 100_000_000),
    ('2024-01-01T01:00:00.5+01:00', JAN_2024 + 500_000_000),
    ('2023-12-31T19:00:00.000000007-05:00', JAN_2024 + 7),
    ('2024-01-01T05:30:00+05:30', JAN_2024),
    ('2024-01-01t00:00:00z', JAN_2024),
    ('2024-01-01 00:00:00Z', JAN_2024),
    ('2024-02-29T00:00:00Z', JAN_2024 + 59 * 86_400 * S),
    ('1970-01-01T00:00:00Z', 0),
    ('1969-12-31T23:59:59.999999999Z', -1),
    ('2262-04-11T23:47:16.854775806Z', MAX_NS),
    ('1677-09-21T00:12:43.145224194Z', MIN_NS),
    ('1700000000', 1_700_000_000 * S),
    ('1700000000.000000001', 1_700_000_000_000_000_001),
    ('1700000000.123456789', 1_700_000_000_123_456_789),
    ('1700000000.1', 1_700_000_000_100_000_000),   # a float would give ...099999999 or so
    ('0', 0),
    ('-1.5', -1_500_000_000),
    ('-0.000000001', -1),
    ('9223372036.854775806', MAX_NS),
    ('-9223372036.854775806', MIN_NS),
    ('now', NOW),
    ('now-6h', NOW - 6 * 3600 * S),
    ('now+1d', NOW + 86_400 * S),
    ('now-90s', NOW - 90 * S),
    ('now-1h30m', NOW - 5400 * S),
    ('now-500ms', NOW - 500_000_000),
    ('now-2w', NOW - 14 * 86_400 * S),
    ('now+0s', NOW),
])
def test_a_time_is_exact_to_the_nanosecond(text: str, ns: int) -> None:
    assert t.parse_time(text, 'start', NOW) == ns
    assert points([('start', text)]).time == TimeRange(ns, None)


@pytest.mark.parametrize('text, fragment', [
    ('2024-01-01T00:00:00', 'add Z'),
    ('2024-01-01T00:00:00.5', 'add Z'),
    ('2024-01-01', 'add T00:00:00Z'),
    ('2024-01-01T00:00:00 01:00', '%2B'),          # '+01:00' sent unencoded
    ('now 1h', '%2B'),
    ('2024-02-30T00:00:00Z', 'not a valid date'),
    ('2024-01-01T24:00:00Z', 'not a valid date'),
    ('2024-01-01T00:00:60Z', 'not a valid date'),
    ('2024-01-01T00:00:00+24:00', 'offset'),
    ('2024-01-01T00:00:00.0000000001Z', 'nine fraction digits'),
    ('1700000000.0000000001', 'nine fraction digits'),
    ('2262-04-11T23:47:16.854775807Z', 'outside'),
    ('1677-09-21T00:12:43.145224193Z', 'outside'),
    ('9223372036.854775807', 'outside'),
    ('1700000000000', 'milliseconds'),
    ('1' * 5000, 'outside'),
    ('now+15000w', 'outside'),
    ('now+300000w', '<duration>'),
    ('now-١h', '<duration>'),
    ('now-', '<duration>'),
    ('now-5x', '<duration>'),
    ('now--5m', '<duration>'),
    ('now+-5m', '<duration>'),
    ('now-5m ', '<duration>'),
    ('now-1.5h', '<duration>'),
    ('yesterday', 'not a time'),
    ('1.7e9', 'not a time'),
    ('+1700000000', 'not a time'),
    ('١٧٠٠٠٠٠٠٠٠', 'not a time'),                   # arabic-indic digits
    ('NOW', 'not a time'),
    (' now', 'not a time'),
    ('2024-01-01T00:00:00+0100', 'not a time'),
])
def test_a_bad_time_says_what_is_wrong(text: str, fragment: str) -> None:
    for name in p.TIME_PARAMETERS:
        error = refused(name, [(name, text)], fragment)
        assert error.body()['errors'][0]['valid'] == list(t.TIMES)


def test_bounds_become_one_inclusive_range() -> None:
    assert points().time == TimeRange()
    assert points([('start', '10'), ('end', '20')]).time == TimeRange(10 * S, 20 * S)
    assert points([('after', '10'), ('before', '20')]).time == TimeRange(10 * S + 1, 20 * S - 1)
    assert points([('after', '2024-01-01T00:00:00Z')]).time == TimeRange(JAN_2024 + 1, None)
    assert points([('before', 'now')]).time == TimeRange(None, NOW - 1)


def test_start_after_end_is_an_empty_range() -> None:
    assert points([('start', '20'), ('end', '10')]).time.empty
    assert points([('after', '10'), ('before', '10.000000001')]).time.empty
    assert not points([('after', '10'), ('before', '10.000000002')]).time.empty


def test_a_range_past_the_limits_is_empty_and_inside_them() -> None:
    after_last = points([('after', str(MAX_NS // S) + '.854775806')]).time
    assert after_last == TimeRange(MAX_NS, MIN_NS) and after_last.empty
    before_first = points([('before', '-9223372036.854775806')]).time
    assert before_first == TimeRange(MAX_NS, MIN_NS)


@pytest.mark.parametrize('pairs, parameter', [
    ([('start', '1'), ('after', '1')], 'after'),
    ([('end', '1'), ('before', '1')], 'before'),
])
def test_an_inclusive_and_an_exclusive_bound_together_are_refused(pairs: Any,
                                                                  parameter: str) -> None:
    refused(parameter, pairs, 'not both')


def test_every_now_of_a_request_is_the_same_instant() -> None:
    query = QueryDict('start=now-1h&end=now')
    time_range = p.parse_time_range(query)                   # the clock's now
    assert time_range.high is not None and time_range.low is not None
    assert time_range.high - time_range.low == 3600 * S


def test_a_time_given_twice_or_empty_is_refused() -> None:
    refused('start', [('start', '1'), ('start', '2')], 'given 2 times')
    refused('end', [('end', '')], 'is empty')


# -- tags -------------------------------------------------------------------------------

HOSTILE = ["a'b", 'a"b', 'a\nb', 'a\\', '\\\'', 'é☃𝄞', ' spaced ', "'; DROP DATABASE x; --",
           '/regex/', 'a,b', '\t', '\x7f', '=~']


def test_tag_filters_in_each_lookup() -> None:
    query = points([('host', 'a'), ('host__ne', ''), ('region__in', 'eu,us,eu'),
                    ('host__startswith', 'we'), ('host__endswith', '1'),
                    ('host__contains', 'b-'), ('region__regex', '^e[uv]$'),
                    ('host__exact', 'b')])
    assert query.tags == (TagFilter('host', 'exact', 'a'), TagFilter('host', 'ne', ''),
                          TagFilter('region', 'in', ('eu', 'us')),
                          TagFilter('host', 'startswith', 'we'),
                          TagFilter('host', 'endswith', '1'),
                          TagFilter('host', 'contains', 'b-'),
                          TagFilter('region', 'regex', '^e[uv]$'),
                          TagFilter('host', 'exact', 'b'))


def test_in_given_once_splits_on_commas_given_again_takes_each_value_whole() -> None:
    assert points([('host__in', 'a,b')]).tags == (TagFilter('host', 'in', ('a', 'b')),)
    assert points([('host__in', 'a,b'), ('host__in', 'c')]).tags == \
        (TagFilter('host', 'in', ('a,b', 'c')),)
    assert points([('host__in', '')]).tags == (TagFilter('host', 'in', ('',)),)


@pytest.mark.parametrize('value', HOSTILE)
def test_a_hostile_value_is_kept_exactly(value: str) -> None:
    for lookup in ('exact', 'ne', 'startswith', 'endswith', 'contains'):
        name = 'host' if lookup == 'exact' else f'host__{lookup}'
        assert points([(name, value)]).tags == (TagFilter('host', lookup, value),)
    assert points([('host__in', value), ('host__in', 'x')]).tags == \
        (TagFilter('host', 'in', (value, 'x')),)


@pytest.mark.parametrize('name', ['host', 'host__in', 'host__ne', 'host__regex'])
def test_nul_or_a_lone_surrogate_in_a_value_is_refused(name: str) -> None:
    refused(name, [(name, 'a\x00b')], 'NUL')
    with pytest.raises(ParameterError) as info:
        p.parse_tag_filters({name: 'a\ud800'}, TAGS)
    assert info.value.parameter == name and 'Unicode' in info.value.message


def test_a_tag_named_like_a_parameter_is_filtered_with_exact() -> None:
    query = points([('order', 'desc'), ('order__exact', 'asc')])
    assert query.order == 'desc'
    assert query.tags == (TagFilter('order', 'exact', 'asc'),)


def test_an_unknown_tag_lookup_or_parameter_names_the_valid_ones() -> None:
    error = refused('colour__in', [('colour__in', 'a')], "'colour' is not a tag")
    assert error.errors[0]['valid'] == list(TAGS)
    error = refused('host__gt', [('host__gt', 'a')], "'gt' is not a tag lookup")
    assert error.errors[0]['valid'] == list(TAG_LOOKUPS)
    error = refused('strat', [('strat', '1')], "did you mean 'start'?")
    assert error.errors[0]['valid'] == [*p.POINTS_PARAMETERS, *TAGS]
    refused('hots', [('hots', 'a')], "did you mean 'host'?")
    refused('__in', [('__in', 'a')], 'is not a parameter here')
    refused('host__', [('host__', 'a')], 'is not a tag lookup')


def test_an_exact_filter_given_twice_points_to_in() -> None:
    refused('host', [('host', 'a'), ('host', 'b')], 'host__in')


@pytest.mark.parametrize('pattern', [r'^web-\d+$', r'(?i)WEB', r'a\z', r'(?P<x>a)\(?=',
                                     r'[\]]', 'x' * 1000])
def test_a_regex_influxdb_reads_is_taken(pattern: str) -> None:
    assert p.parse_tag_filters({'host__regex': pattern}, TAGS) == \
        (TagFilter('host', 'regex', pattern),)


@pytest.mark.parametrize('pattern, fragment', [
    ('(', 'not a regular expression'), ('a{2,1}', 'not a regular expression'),
    ('x' * 1001, 'at most 1000'), ('(?=a)', 'RE2'), ('(?!a)', 'RE2'), ('(?<=a)b', 'RE2'),
    ('(?<!a)b', 'RE2'), (r'(a)\1', 'RE2'), ('(?P<x>a)(?P=x)', 'RE2'), ('(?>a)', 'RE2'),
    ('(a)?(?(1)b|c)', 'RE2'), (r'a\Z', 'RE2'),
])
def test_a_bad_regex_is_refused(pattern: str, fragment: str) -> None:
    refused('host__regex', [('host__regex', pattern)], fragment)


# What the regex check promises, asked of InfluxDB itself: what it takes runs, what it
# refuses the server refuses too.
REGEX_HOSTS = ('web-1', 'db-2', 'Web-3')


@pytest.mark.parametrize('pattern, hosts', [
    (r'^web-\d$', ['web-1']), (r'(?i)^web', ['Web-3', 'web-1']), (r'2\z', ['db-2']),
    (r'(?P<x>db)-', ['db-2']), (r'\(?=', []),
])
def test_influxdb_runs_a_regex_the_check_takes(influx_db: Any, pattern: str,
                                               hosts: list[str]) -> None:
    from influxpy.quoting import quote_regex

    p.parse_tag_filters({'host__regex': pattern}, TAGS)
    influx_db.write('\n'.join(f'm,host={h} v=1 {i}' for i, h in enumerate(REGEX_HOSTS)).encode())
    results = influx_db.query(f'SELECT v FROM m WHERE host =~ {quote_regex(pattern)} '
                              'GROUP BY host')
    found = sorted(s['tags']['host'] for s in results[0].get('series', []))
    assert found == hosts


@pytest.mark.parametrize('pattern', ['(?=web)', '(?!a)', r'(w)\1', r'b-2\Z', '(?>web)'])
def test_influxdb_refuses_a_regex_the_check_refuses(influx_db: Any, pattern: str) -> None:
    from influxpy.exceptions import InfluxPyError
    from influxpy.quoting import quote_regex

    with pytest.raises(ParameterError):
        p.parse_tag_filters({'host__regex': pattern}, TAGS)
    influx_db.write(b'm,host=web-1 v=1 1')
    with pytest.raises(InfluxPyError, match='(?i)regexp|regex'):
        influx_db.query(f'SELECT v FROM m WHERE host =~ {quote_regex(pattern)}')


def test_a_plain_mapping_works_as_a_query_dict() -> None:
    expected = (TagFilter('host', 'in', ('a', 'b')), TagFilter('region', 'exact', 'eu'))
    assert p.parse_tag_filters({'host__in': ['a', 'b'], 'region': 'eu'}, TAGS) == expected
    assert p.parse_tag_filters(QueryDict('host__in=a&host__in=b&region=eu'), TAGS) == expected
    assert p.parse_tag_filters({'start': 'x', 'limit': 'y'}, TAGS) == ()  # others' names


# -- fields, granularity, downsamplers, fill --------------------------------------------

def test_fields_are_known_once_each_in_order() -> None:
    assert points().fields is None
    assert points([('fields', 'mem,cpu,mem')]).fields == ('mem', 'cpu')
    assert points([('fields', 'disk'), ('fields', 'cpu,disk')]).fields == ('disk', 'cpu')
    error = refused('fields', [('fields', 'cpu,gpu,tpu')], "'gpu', 'tpu'", 'cpu, mem, disk')
    assert error.errors[0]['valid'] == list(FIELDS)
    refused('fields', [('fields', 'cpu,,mem')], 'empty item')
    refused('fields', [('fields', '')], 'empty item')


M = 60 * S
H = 60 * M


@pytest.mark.parametrize('text, expected', [
    ('10s', Granularity('10s', ns=10 * S)), ('5m', Granularity('5m', ns=5 * M)),
    ('1h', Granularity('1h', ns=H)), ('1d', Granularity('1d', ns=24 * H)),
    ('1w', Granularity('1w', ns=7 * 24 * H)), ('500ms', Granularity('500ms', ns=S // 2)),
    ('1h30m', Granularity('90m', ns=90 * M)), ('60s', Granularity('1m', ns=M)),
    ('7d', Granularity('1w', ns=7 * 24 * H)), ('1ns', Granularity('1ns', ns=1)),
    ('minute', Granularity('minute', ns=M)), ('hour', Granularity('hour', ns=H)),
    ('day', Granularity('day', calendar='day')), ('week', Granularity('week', calendar='week')),
    ('month', Granularity('month', calendar='month')),
    ('seconds', Granularity('1s', ns=S)), ('10seconds', Granularity('10s', ns=10 * S)),
    ('minutes', Granularity('1m', ns=M)), ('10minutes', Granularity('10m', ns=10 * M)),
    ('hours', Granularity('1h', ns=H)), ('6hours', Granularity('6h', ns=6 * H)),
    ('days', Granularity('day', calendar='day')),
])
def test_a_granularity_is_a_duration_a_calendar_name_or_an_alias(
        text: str, expected: Granularity) -> None:
    assert p.parse_granularity(text) == expected
    assert points([('granularity', text)]).granularity == expected


@pytest.mark.parametrize('text', ['0s', '-5m', '5x', 'Hour', ' 5m', '5m ', '1.5h', 'month2',
                                  '300000w', 'm', '5', 'second', '١m'])
def test_a_bad_granularity_lists_the_valid_forms(text: str) -> None:
    error = refused('granularity', [('granularity', text)], 'is not a granularity')
    assert error.errors[0]['valid'] == list(p.GRANULARITIES)


def test_a_source_may_allow_fewer_granularities() -> None:
    allowed = ('minute', 'hour', 'day')
    assert points([('granularity', 'hour')], granularities_allowed=allowed).granularity == \
        Granularity('hour', ns=H)
    error = refused('granularity', [('granularity', '1h')], 'not available here',
                    granularities_allowed=allowed)
    assert error.errors[0]['valid'] == list(allowed)


def test_downsamplers_default_to_mean_and_take_percentiles() -> None:
    assert points([('granularity', '1h')]).downsamplers == (Downsampler('mean'),)
    query = points([('granularity', '1h'),
                    ('downsamplers', 'min,max,p95,p99.9,p050,p0,p100,min,p50')])
    assert query.downsamplers == (Downsampler('min'), Downsampler('max'),
                                  Downsampler('p95', 95.0), Downsampler('p99.9', 99.9),
                                  Downsampler('p50', 50.0), Downsampler('p0', 0.0),
                                  Downsampler('p100', 100.0))
    every = ','.join(DOWNSAMPLERS)
    assert [d.name for d in points([('max_points', '10'), ('downsamplers', every)])
            .downsamplers] == list(DOWNSAMPLERS)


@pytest.mark.parametrize('text, fragment', [
    ('avg', 'is not a downsampler'), ('p101', 'p0 to p100'), ('p', 'is not a downsampler'),
    ('p-1', 'is not a downsampler'), ('p1e2', 'is not a downsampler'),
    ('mean,,max', 'empty item'), ('MEAN', 'is not a downsampler'),
])
def test_a_bad_downsampler_is_refused(text: str, fragment: str) -> None:
    error = refused('downsamplers', [('granularity', '1h'), ('downsamplers', text)], fragment)
    if 'downsampler' in fragment:
        assert error.errors[0]['valid'] == [*DOWNSAMPLERS, 'pNN']


def test_a_source_may_allow_fewer_downsamplers() -> None:
    allowed = ('mean', 'min', 'max')
    pairs = [('granularity', '1h'), ('downsamplers', 'max,mean')]
    assert points(pairs, downsamplers_allowed=allowed).downsamplers == \
        (Downsampler('max'), Downsampler('mean'))
    for name in ('median', 'p95'):
        error = refused('downsamplers', [('granularity', '1h'), ('downsamplers', name)],
                        'not available here; use mean, min, max', downsamplers_allowed=allowed)
        assert error.errors[0]['valid'] == list(allowed)
    assert points([('granularity', '1h'), ('downsamplers', 'p95')],
                  downsamplers_allowed=('mean', 'pNN')).downsamplers == \
        (Downsampler('p95', 95.0),)


def test_downsamplers_and_fill_need_a_granularity_or_max_points() -> None:
    refused('downsamplers', [('downsamplers', 'mean')], 'granularity or max_points')
    refused('fill', [('fill', 'null')], 'granularity or max_points')
    assert points([('max_points', '100'), ('fill', 'null')]).fill == 'null'


def test_granularity_and_max_points_together_are_refused() -> None:
    refused('max_points', [('granularity', '1h'), ('max_points', '100')], 'not both')


@pytest.mark.parametrize('text, expected', [
    ('none', 'none'), ('null', 'null'), ('previous', 'previous'), ('linear', 'linear'),
    ('0', 0), ('-3', -3), ('+7', 7), ('1.5', 1.5), ('-0.25', -0.25), ('1e3', 1000.0),
    ('.5', 0.5), ('9223372036854775807', 2 ** 63 - 1), ('-9223372036854775808', -2 ** 63),
])
def test_fill_is_a_keyword_or_a_finite_number(text: str, expected: Any) -> None:
    fill = points([('granularity', '1h'), ('fill', text)]).fill
    assert fill == expected and type(fill) is type(expected)


@pytest.mark.parametrize('text', ['nan', 'inf', '-inf', '1e999', '0x10', '1_000', 'zero',
                                  '9223372036854775808', '1' * 5000, 'NONE', '1,5'])
def test_a_bad_fill_is_refused(text: str) -> None:
    refused('fill', [('granularity', '1h'), ('fill', text)])


# -- the rest ---------------------------------------------------------------------------

def test_defaults() -> None:
    assert points() == PointsQuery(limit=1000)
    assert points(default_limit=50).limit == 50


def test_tz_is_a_zone_name() -> None:
    assert points([('tz', 'Europe/Paris')]).tz == 'Europe/Paris'
    for bad in ('Europe', 'Mars/Base', '../../etc/passwd', '/etc/localtime', 'x' * 5000,
                'utc', 'Europe/Paris ', 'a\x00b'):
        refused('tz', [('tz', bad)], 'is not a time zone')


@pytest.mark.parametrize('name, value, expected', [
    ('order', 'desc', 'desc'), ('shape', 'columns', 'columns'), ('epoch', 'ms', 'ms'),
    ('format', 'csv', 'csv'), ('limit', '0', 0), ('limit', '100000', 100_000),
    ('max_points', '1', 1),
])
def test_each_simple_parameter(name: str, value: str, expected: Any) -> None:
    assert getattr(points([(name, value)]), name) == expected


@pytest.mark.parametrize('name, value', [
    ('order', 'DESC'), ('shape', 'table'), ('epoch', 'm'), ('format', 'xml'),
    ('limit', '-1'), ('limit', '100001'), ('limit', '1.5'), ('limit', 'ten'), ('limit', '٣'),
    ('limit', '1' * 5000), ('max_points', '0'), ('max_points', '100001'), ('limit', ' 1'),
])
def test_a_bad_simple_parameter_is_refused(name: str, value: str) -> None:
    refused(name, [(name, value)])


def test_limit_follows_the_maximum_given() -> None:
    assert points([('limit', '10')], max_limit=10).limit == 10
    refused('limit', [('limit', '11')], 'from 0 to 10', max_limit=10)


def test_the_points_cursor_is_decoded() -> None:
    cursor = Cursor(JAN_2024 + 1, 'host\x01a', True)
    assert points([('cursor', encode_cursor(cursor))]).cursor == cursor
    refused('cursor', [('cursor', encode_cursor(cursor) + 'x')], 'not a cursor')
    refused('cursor', [('cursor', encode_key('host\x01a'))], 'not a cursor')


# -- series and delete ------------------------------------------------------------------

def series(query: str, **kwargs: Any) -> SeriesQuery:
    return p.parse_series_query(QueryDict(query), tags=TAGS, default_limit=kwargs.pop(
        'default_limit', 100), max_limit=kwargs.pop('max_limit', 1000))


def test_the_series_query() -> None:
    assert series('') == SeriesQuery(limit=100)
    cursor = encode_key('host\x01a\x00region\x01eu')
    assert series(f'host__startswith=web&limit=0&cursor={cursor}&format=json') == \
        SeriesQuery((TagFilter('host', 'startswith', 'web'),), 0, 'host\x01a\x00region\x01eu')
    for query, parameter in (('start=now', 'start'), ('limit=1001', 'limit'),
                             ('cursor=abc', 'cursor'), ('format=xml', 'format'),
                             ('granularity=1h', 'granularity'), ('hst=a', 'hst')):
        with pytest.raises(ParameterError) as info:
            series(query)
        assert info.value.parameter == parameter
    with pytest.raises(ParameterError):
        series(f'cursor={encode_cursor(Cursor(0, "k", False))}')   # a points cursor


def test_the_delete_query() -> None:
    assert p.parse_delete_query(QueryDict('host=a&before=10'), tags=TAGS) == \
        ((TagFilter('host', 'exact', 'a'),), TimeRange(None, 10 * S - 1))
    assert p.parse_delete_query(QueryDict('start=now-1d'), tags=TAGS, now_ns=NOW) == \
        ((), TimeRange(NOW - 86_400 * S, None))
    for query, parameter in (('', 'filter'), ('limit=5&host=a', 'limit'),
                             ('host=a&fields=cpu', 'fields')):
        with pytest.raises(ParameterError) as info:
            p.parse_delete_query(QueryDict(query), tags=TAGS)
        assert info.value.parameter == parameter


# -- random input -----------------------------------------------------------------------

NAMES = st.sampled_from([*p.POINTS_PARAMETERS, *TAGS,
                         *(f'{t}__{lookup}' for t in TAGS for lookup in TAG_LOOKUPS)])
VALUES = st.one_of(st.text(), st.sampled_from(['now-1h', '1h', 'mean,p99', '10', '-1', '',
                                               'a,b', '2024-01-01T00:00:00Z', 'UTC', '(?=x)']))
QUERIES = st.dictionaries(st.one_of(NAMES, st.text()), st.lists(VALUES, min_size=1, max_size=3),
                          max_size=6)


@settings(max_examples=400, deadline=None)
@given(QUERIES)
def test_random_queries_raise_nothing_but_parameter_errors(query: dict[str, list[str]]) -> None:
    for parse in (lambda: p.parse_points_query(query, tags=TAGS, fields=FIELDS),
                  lambda: p.parse_points_query(query, tags=TAGS, fields=FIELDS, now_ns=MAX_NS,
                                               downsamplers_allowed=('mean',),
                                               granularities_allowed=('1h',)),
                  lambda: p.parse_series_query(query, tags=TAGS, default_limit=1,
                                               max_limit=10),
                  lambda: p.parse_delete_query(query, tags=TAGS)):
        try:
            parse()
        except ParameterError as error:
            assert isinstance(error.parameter, str) and error.message  # '' for '=x'


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from([MIN_NS, 0, NOW, MAX_NS]))
def test_random_text_for_each_parser_raises_nothing_but_parameter_errors(text: str,
                                                                         now: int) -> None:
    for parse in (lambda: t.parse_time(text, 'start', now),
                  lambda: t.parse_time('now-' + text, 'end', now)):
        try:
            assert MIN_NS <= parse() <= MAX_NS
        except ParameterError:
            pass
    for other in (lambda: p.parse_granularity(text), lambda: p.parse_fill(text),
                  lambda: p.parse_tz(text), lambda: p.parse_downsamplers(text.split(',')),
                  lambda: p.parse_tag_filters({'host__regex': text}, TAGS)):
        try:
            other()
        except ParameterError:
            pass


@settings(max_examples=300, deadline=None)
@given(st.integers(MIN_NS, MAX_NS), st.integers(-23 * 60 - 59, 23 * 60 + 59))
def test_any_instant_in_any_offset_reads_back_exactly(ns: int, offset_minutes: int) -> None:
    from datetime import UTC, datetime, timedelta, timezone

    seconds, nanos = divmod(ns, S)
    local = (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)).astimezone(
        timezone(timedelta(minutes=offset_minutes)))
    sign = '-' if offset_minutes < 0 else '+'
    hours, minutes = divmod(abs(offset_minutes), 60)
    text = f'{local:%Y-%m-%dT%H:%M:%S}.{nanos:09d}{sign}{hours:02d}:{minutes:02d}'
    assert t.parse_time(text, 'start') == ns
    whole, fraction = divmod(abs(ns), S)
    assert t.parse_time(f'{"-" if ns < 0 else ""}{whole}.{fraction:09d}', 'start') == ns
