"""Random query strings and bodies at the API (hypothesis): never a 500, every refusal JSON
with a ``detail`` (naming the parameter when one is wrong), and for a user limited to
``{'region': 'eu'}`` nothing of host b (no region) is ever shown, deleted or written over,
checked by raw InfluxQL.

The examples of a test share one database (the fixtures are per test): the invariants are
about what must never change, so they hold after any sequence of requests.
"""

from __future__ import annotations

import gzip
import json
import os
from typing import Any
from urllib.parse import quote_from_bytes, urlencode

import pytest
from django.contrib.auth.models import User
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from influxpy.contrib.django.api.params import POINTS_PARAMETERS
from influxpy.contrib.django.api.types import TAG_LOOKUPS
from influxpy.contrib.django.models import SeriesPermission

from .conftest import T0, S, raw

POINTS = '/some/prefix/api/measurements/probes/points/'
SERIES = '/some/prefix/api/measurements/probes/series/'
# FUZZ_EXAMPLES=1500 for a longer hunt.
FUZZ = settings(deadline=None, max_examples=int(os.environ.get('FUZZ_EXAMPLES', 150)),
                database=None,
                # The fixtures are shared by the examples on purpose (see the docstring).
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
B_TIMES = [T0 + i * 10 * S + 1 for i in range(10)]   # host b's points (conftest)

TAGS = ('host', 'region')
keys = st.one_of(
    st.sampled_from([*POINTS_PARAMETERS, 'precision', 'filter']),
    st.sampled_from(TAGS),
    st.builds(lambda tag, lookup: f'{tag}__{lookup}',
              st.sampled_from([*TAGS, 'cpu', 'nosuch', '']),
              st.sampled_from([*TAG_LOOKUPS, 'like', 'iexact', '', 'in__in'])),
    st.text(max_size=12))
nasty = st.text(alphabet=st.sampled_from('\x00\'"\n\r\t\\,=&%.*+?()[]{}|$^ /:;#é€\u2028'),
                max_size=12)
values = st.one_of(
    st.sampled_from([
        'a', 'b', 'eu', '', '.*', 'b|a', 'a,b', ',', "b' OR '1'='1", '/b/', '30s', '1h',
        '0s', '1ns', '500ms', 'month', 'week', 'day', 'hours', 'csv', 'json', 'columns',
        'rows', 'desc', 'asc', 's', 'ms', 'ns', 'mean', 'mean,max', 'p99', 'p100', 'p0',
        'median,spread,stddev,mode,first,last,count,sum', 'previous', 'linear', 'null',
        'none', '1.5', 'nan', 'inf', '-inf', '1e309', '0', '-1', '1', '2', '100000',
        '100001', 'now', 'now-1h', 'now+1h30m', 'now-', 'now-99999999999h',
        '2023-11-14T22:13:20Z', '2023-11-14T22:13:20.000000001Z', '9999-12-31T23:59:59Z',
        '0001-01-01T00:00:00Z', '1700000000', '1700000000.123456789', '-1700000000',
        'Europe/Paris', 'UTC', 'cpu', 'cpu,hits,note', 'cpu,cpu', str(2**63), str(-2**63),
        '9' * 40, 'ey', 'eyJ0IjoxfQ', 'AAAA']),
    st.integers().map(str),
    st.text(max_size=30),
    nasty)
pairs = st.lists(st.tuples(keys, values), max_size=6)
raw_query = st.binary(max_size=40).map(lambda b: quote_from_bytes(b, safe='=&'))

# Cursors of real pages (of the superuser: the eu user must not see more through them),
# filled in by the fixture before the examples run.
CURSORS: list[str] = []
cursors = st.integers(0, 50).map(lambda i: CURSORS[i % len(CURSORS)] if CURSORS else 'x')
time_values = st.one_of(st.sampled_from([
    '2023-11-14T22:13:20Z', '2023-11-14T22:13:30.000000001Z', '2023-11-14T22:14:00Z',
    '2023-11-14T23:13:20+01:00', '1700000000', '1700000015.5', '1700000050', 'now',
    'now-1h', 'now-10000w', '0', '9999-12-31T23:59:59Z', '1677-09-21T00:12:43.145224192Z',
    '1677-09-21T00:12:43.145224191Z', '2262-04-11T23:47:16.854775807Z', '-9223372036',
    '9223372036.854775807', 'now+10000w', '1970-01-01T00:00:00Z']),
    st.integers(T0 // S - 50, T0 // S + 150).map(str))
tag_filter_values = st.sampled_from(['a', 'b', 'eu', '', 'a,b', 'b,a,', '.*', '^b$', 'b|a',
                                     'e', 'u', 'x', "b'", 'b\\', '(?i)B'])
PLAUSIBLE = {
    **{name: time_values for name in ('start', 'end', 'after', 'before')},
    'fields': st.sampled_from(['cpu', 'hits', 'cpu,hits', 'note', 'cpu,note,hits']),
    'granularity': st.sampled_from(['10s', '30s', '1m', '1h', '1ns', 'day', 'week', 'month',
                                    'minutes', 'hour', '7s', '1000w', '100000d',
                                    '1h30m', '1us']),
    'downsamplers': st.sampled_from(['mean', 'max,min', 'p50', 'count,sum', 'first,last',
                                     'median', 'mode', 'spread,stddev', 'p99.9']),
    'fill': st.sampled_from(['none', 'null', 'previous', 'linear', '0', '-1.5']),
    'tz': st.sampled_from(['UTC', 'Europe/Paris', 'Asia/Kathmandu', 'America/St_Johns']),
    'max_points': st.sampled_from(['1', '2', '5', '100']),
    'order': st.sampled_from(['asc', 'desc']), 'limit': st.sampled_from(['0', '1', '3', '50']),
    'shape': st.sampled_from(['rows', 'columns']), 'format': st.sampled_from(['json', 'csv']),
    'epoch': st.sampled_from(['s', 'ms', 'us', 'ns']), 'cursor': cursors,
    **{tag: tag_filter_values for tag in TAGS},
    **{f'{tag}__{lookup}': tag_filter_values for tag in TAGS for lookup in TAG_LOOKUPS},
}
plausible = st.sets(st.sampled_from(sorted(PLAUSIBLE)), max_size=5).flatmap(
    lambda chosen: st.fixed_dictionaries({key: PLAUSIBLE[key] for key in sorted(chosen)}))
DELETABLE = [key for key in sorted(PLAUSIBLE) if key not in POINTS_PARAMETERS
             or key in ('start', 'end', 'after', 'before')]
plausible_delete = st.sets(st.sampled_from(DELETABLE), max_size=4).flatmap(
    lambda chosen: st.fixed_dictionaries({key: PLAUSIBLE[key] for key in sorted(chosen)}))
delete_strings = st.one_of(plausible_delete.map(urlencode), plausible_delete.map(urlencode),
                           pairs.map(urlencode), raw_query)
# Mostly plausible queries (to reach the sources), some wholly random ones.
query_strings = st.one_of(plausible.map(urlencode), plausible.map(urlencode),
                          plausible.map(urlencode), pairs.map(urlencode), raw_query)


def _limited(probes: Any) -> APIClient:
    user = User.objects.create_user('eu')
    SeriesPermission.objects.create(user=user, measurement='probes', tags={'region': 'eu'},
                                    can_view=True, can_append=True, can_delete=True)
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def eu_client(probes: Any, admin_client: APIClient) -> APIClient:
    CURSORS.clear()
    for url, query in ((POINTS, {'limit': 1}), (POINTS, {'limit': 3, 'order': 'desc'}),
                       (POINTS, {'limit': 1, 'granularity': '30s'}), (SERIES, {'limit': 1})):
        page = json.loads(admin_client.get(url, query).content)
        CURSORS.append(QueryDict(page['next'].partition('?')[2])['cursor'])
    return _limited(probes)


def _b_rows(conn: Any) -> list[dict[str, Any]]:
    """Every point outside region eu, as its non-null columns (a delete of a's series may
    drop the region column from the answer; that is no change to b)."""
    (result,) = conn.query("SELECT * FROM probes WHERE region != 'eu'", epoch='ns')
    return [{k: v for k, v in zip(series['columns'], row, strict=True) if v is not None}
            for series in result.get('series', []) for row in series['values']]


def answer(response: Any, query: str) -> Any:
    """The JSON (or CSV rows) of a response, after the checks every response passes."""
    status = response.status_code
    assert status < 500, (query, response.content[:500])
    assert 200 <= status < 300 or 400 <= status < 500, status
    if status < 300 and response['Content-Type'].startswith('text/csv'):
        return b''.join(response.streaming_content).decode()
    assert response['Content-Type'].startswith('application/json'), query
    body = json.loads(response.content)
    if status >= 400:
        assert isinstance(body.get('detail'), str) and body['detail'], body
        sent = set(QueryDict(query))
        for error in body.get('errors', []):
            if 'parameter' in error:     # a bad parameter: named, and one that was sent
                # or ``filter`` (a delete's), ``downsamplers`` (its default: mean of text)
                assert error['parameter'] in sent | {'filter', 'downsamplers'}, (query, body)
                assert body['detail'].startswith(error['parameter']), body
    return body


def assert_no_b(found: Any) -> None:
    if isinstance(found, str):      # CSV: the host column never says b, no b time in it
        lines = found.splitlines()
        if lines:
            header = lines[0].split(',')
            host = header.index('host')
            assert all(line.split(',')[host] != 'b' for line in lines[1:]), found[:300]
        text = found
    else:
        for series in found.get('series', []):
            assert series['tags'].get('host') != 'b', series['tags']
            assert series['tags'].get('region', 'eu') == 'eu', series['tags']
        text = json.dumps(found.get('series', []))   # not the links: they echo the query
    assert not any(str(t) in text for t in B_TIMES)
    assert '.000000001Z' not in text


@FUZZ
@given(query=query_strings, url=st.sampled_from([POINTS, SERIES]))
def test_random_reads_of_a_limited_user(probes: Any, eu_client: APIClient, query: str,
                                        url: str) -> None:
    found = answer(eu_client.get(f'{url}?{query}'), query)
    assert_no_b(found)


@FUZZ
@given(query=query_strings, url=st.sampled_from([POINTS, SERIES]))
def test_random_reads_of_the_superuser(probes: Any, admin_client: APIClient, query: str,
                                       url: str) -> None:
    answer(admin_client.get(f'{url}?{query}'), query)


@FUZZ
@given(query=delete_strings)
def test_random_deletes_of_a_limited_user(probes: Any, eu_client: APIClient,
                                          query: str) -> None:
    before = _b_rows(probes)
    body = answer(eu_client.delete(f'{POINTS}?{query}'), query)
    assert _b_rows(probes) == before and len(before) == 10
    if 'deleted' in body:
        assert isinstance(body['deleted'], int) and body['deleted'] >= 0


# -- bodies -------------------------------------------------------------------------------

names = st.one_of(st.sampled_from(['time', 'host', 'region', 'cpu', 'hits', 'note']),
                  st.text(max_size=8))
tag_values = st.one_of(st.sampled_from(['a', 'b', 'c', 'eu', 'us', '', 'EU', 'eu ']),
                       nasty, st.text(max_size=8))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                    st.text(max_size=10), st.sampled_from([2**63, -2**63 - 1, 1e308]))
times = st.one_of(st.integers(min_value=-2**64, max_value=2**64),
                  st.sampled_from(['2024-01-01T00:00:00Z', '2023-11-14T22:13:20.000000001Z',
                                   str(T0 + 1), '2024-01-01', 'now', '']),
                  st.floats(), st.text(max_size=10), st.none())
region_tags = st.fixed_dictionaries({}, optional={'host': tag_values, 'region': tag_values})
points = st.fixed_dictionaries(
    {}, optional={'time': times,
                  'tags': st.one_of(region_tags, st.dictionaries(names, tag_values, max_size=3),
                                    scalars),
                  'fields': st.one_of(st.dictionaries(names, scalars, max_size=3), scalars),
                  'extra': scalars})
flat = st.dictionaries(names, st.one_of(scalars, tag_values), max_size=5)
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=12)
json_bodies = st.one_of(
    st.builds(lambda p: {'points': p}, st.lists(points, max_size=4)),
    st.lists(flat, max_size=4), json_values).map(lambda v: json.dumps(v).encode())


def _csv(rows: list[list[str]]) -> bytes:
    return '\n'.join(','.join(row) for row in rows).encode()


csv_bodies = st.lists(st.lists(st.one_of(names, tag_values, scalars.map(str)), max_size=5),
                      max_size=5).map(_csv)
line_parts = st.one_of(
    st.sampled_from(['probes', 'probes,host=b', 'probes,host=c,region=eu',
                     'probes,region=eu,host=b', 'other,host=b', 'probes,host=b,region=eu\\,x',
                     'probes,host=b,region=us', 'probes,host=a,region=eu', 'cpu=1',
                     'cpu=1.5,hits=2i', 'note="x y"', 'hits=1', 'cpu=t', '1700000000',
                     str(T0 + 1), '-1', '9' * 25, '#', '', ' ', ',', '=', '\\', '"']),
    nasty)
line_bodies = st.lists(st.lists(line_parts, min_size=1, max_size=4).map(' '.join),
                       max_size=5).map(lambda lines: '\n'.join(lines).encode())
bodies = st.one_of(json_bodies, csv_bodies, line_bodies, st.binary(max_size=120))

# Nearly valid points (most get through the parsing to the rights and the server).
good_hosts = st.sampled_from(['a', 'b', 'c', 'd e', 'b,x'])
good_tags = st.one_of(
    st.fixed_dictionaries({'host': good_hosts, 'region': st.just('eu')}),
    st.fixed_dictionaries({'host': good_hosts},
                          optional={'region': st.sampled_from(['eu', 'us', 'eu,x', 'EU'])}))
good_fields = st.fixed_dictionaries({}, optional={
    'cpu': st.floats(allow_nan=False, allow_infinity=False),
    'hits': st.integers(-2**63, 2**63 - 1), 'note': st.text(max_size=8)})
good_times = st.one_of(st.integers(T0 - 10 * S, T0 + 200 * S),
                       st.sampled_from([T0 + 1, T0 + 10 * S + 1]))
good_points = st.lists(st.tuples(good_times, good_tags, good_fields), min_size=1, max_size=4)


def _good_json(found: list[tuple[int, dict[str, str], dict[str, Any]]]) -> bytes:
    return json.dumps({'points': [{'time': t, 'tags': tags, 'fields': fields}
                                  for t, tags, fields in found]}).encode()


def _good_lines(found: list[tuple[int, dict[str, str], dict[str, Any]]]) -> bytes:
    def escape(text: str) -> str:
        return text.replace(',', '\\,').replace(' ', '\\ ').replace('=', '\\=')

    def value(v: Any) -> str:
        if isinstance(v, str):
            return '"' + v.replace('\\', '\\\\').replace('"', '\\"') + '"'
        return f'{v}i' if isinstance(v, int) else repr(v)

    lines = []
    for t, tags, fields in found:
        tagset = ''.join(f',{k}={escape(v)}' for k, v in sorted(tags.items()))
        fieldset = ','.join(f'{k}={value(v)}' for k, v in fields.items()) or 'cpu=1.0'
        lines.append(f'probes{tagset} {fieldset} {t}')
    return '\n'.join(lines).encode()


good_bodies = st.one_of(
    st.tuples(good_points.map(_good_json), st.just('application/json')),
    st.tuples(good_points.map(_good_lines), st.just('text/plain')))
content_types = st.one_of(
    st.sampled_from(['application/json', 'text/csv', 'text/plain',
                     'application/x-influx-line-protocol', 'text/plain; charset=utf-8',
                     'text/csv; charset=latin-1', 'application/json; charset=ascii',
                     'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded',
                     'application/octet-stream', '', 'text/csv; header=absent', ';;', '*/*']),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30))
encodings = st.sampled_from(['gzip', 'gzip-corrupt', 'gzip-twice', None, 'identity', 'br',
                             'GZIP', 'gzip, identity', ''])
precisions = st.sampled_from([None, 'ns', 'us', 'ms', 's', 'h', 'n', '', 'ns\x00'])


def post(client: APIClient, body: bytes, content_type: str, encoding: str | None,
         precision: str | None) -> Any:
    headers = {}
    if encoding == 'gzip-corrupt':
        headers['HTTP_CONTENT_ENCODING'] = 'gzip'
    elif encoding == 'gzip-twice':
        body, headers['HTTP_CONTENT_ENCODING'] = gzip.compress(gzip.compress(body)), 'gzip'
    elif encoding is not None:
        if encoding.lower() == 'gzip':
            body = gzip.compress(body)
        headers['HTTP_CONTENT_ENCODING'] = encoding
    url = POINTS if precision is None else f'{POINTS}?{urlencode({"precision": precision})}'
    return client.generic('POST', url, body, content_type=content_type, **headers), url


random_writes = st.tuples(bodies, content_types, encodings, precisions)
nearly_valid_writes = st.tuples(good_bodies, st.sampled_from([None, 'gzip']),
                                st.sampled_from([None, 'ns'])).map(
    lambda w: (w[0][0], w[0][1], w[1], w[2]))
writes = st.one_of(random_writes, nearly_valid_writes)


@FUZZ
@given(write=writes)
def test_random_writes_of_a_limited_user(probes: Any, eu_client: APIClient,
                                         write: tuple[bytes, str, str | None, str | None]
                                         ) -> None:
    body, content_type, encoding, precision = write
    before = _b_rows(probes)
    response, url = post(eu_client, body, content_type, encoding, precision)
    found = answer(response, url.partition('?')[2])
    if response.status_code == 201:
        assert isinstance(found['written'], int) and found['written'] >= 0
    assert _b_rows(probes) == before and len(before) == 10
    measurements = raw(probes, 'SHOW MEASUREMENTS')
    assert measurements == [['probes']]
    assert raw(probes, "SHOW SERIES WHERE region != 'eu'") == [['probes,host=b']]
    assert raw(probes, 'SHOW TAG VALUES WITH KEY = region') == [['region', 'eu']]


@FUZZ
@given(write=writes)
def test_random_writes_of_the_superuser(probes: Any, admin_client: APIClient,
                                        write: tuple[bytes, str, str | None, str | None]
                                        ) -> None:
    body, content_type, encoding, precision = write
    response, url = post(admin_client, body, content_type, encoding, precision)
    answer(response, url.partition('?')[2])


@pytest.mark.parametrize('query, parameter', [
    ('granularity=fortnight', 'granularity'), ('limit=1e3', 'limit'), ('epoch=ps', 'epoch'),
    ('start=2024-13-01T00:00:00Z', 'start'), ('host__regex=%28%3F%3D', 'host__regex'),
    ('downsamplers=p101', 'downsamplers'), ('fill=sideways', 'fill'),
    ('shape=tree', 'shape'), ('host=a%00', 'host'), ('max_points=-5', 'max_points'),
    ('region__startswith=e&region__startswith=u', 'region__startswith'),
])
def test_a_bad_parameter_is_named(eu_client: APIClient, query: str, parameter: str) -> None:
    response = eu_client.get(f'{POINTS}?{query}')
    body = answer(response, query)
    assert response.status_code == 400
    assert body['errors'][0]['parameter'] == parameter
    assert body['detail'].startswith(f'{parameter}: ')
