"""The permission matrix through HTTP: users × rights × selectors × endpoints, against a
hand-written table, with what is on the server afterwards read by raw InfluxQL.

``probes`` (conftest): host a (region eu) and host b (no region), ten points each.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from influxpy.contrib.django.models import SeriesPermission

from .conftest import API, T0, S, raw

BASE = '/some/prefix/api'
MEASUREMENTS = f'{BASE}/measurements/'
DETAIL = f'{MEASUREMENTS}probes/'
SERIES = f'{DETAIL}series/'
POINTS = f'{DETAIL}points/'
EVERYTHING = {'start': '2023-01-01T00:00:00Z'}   # a delete's filter that is no filter

# user -> their permissions: (measurement, tag selector, rights)
GRANTS: dict[str, list[tuple[str, dict[str, str], str]]] = {
    'eu': [('probes', {'region': 'eu'}, 'view')],
    'b': [('probes', {'host': 'b'}, 'view')],
    'star': [('*', {}, 'view')],
    'two': [('probes', {'region': 'eu'}, 'view append'), ('probes', {'host': 'b'}, 'view')],
    'eu_writer': [('probes', {'region': 'eu'}, 'view append delete')],
    'b_deleter': [('probes', {}, 'view'), ('probes', {'host': 'b'}, 'delete')],
    'elsewhere': [('other', {}, 'view append delete')],
    'blind': [('probes', {}, 'append delete')],          # write-only: sees nothing
    'inactive': [('*', {}, 'view append delete')],       # is_active=False
    'nobody': [],
}
GROUP_GRANTS = {'b_team': [('probes', {'host': 'b'}, 'view append delete')]}
MEMBERS = {'grouped': ['b_team'], 'nobody': []}
USERS = [*GRANTS, 'grouped', 'root', 'anonymous']

# user -> the hosts every read endpoint shows them; None: the measurement is a 404.
VIEW = {'root': 'ab', 'star': 'ab', 'eu': 'a', 'b': 'b', 'two': 'ab', 'eu_writer': 'a',
        'b_deleter': 'ab', 'grouped': 'b', 'elsewhere': None, 'blind': None,
        'inactive': None, 'nobody': None, 'anonymous': None}
# The new points tried, one by one; user -> the status of each (404: may see nothing).
NEW = [{'host': 'c', 'region': 'eu'}, {'host': 'b'}, {'host': 'c'}]
APPEND = {'root': (201, 201, 201), 'star': (403, 403, 403), 'eu': (403, 403, 403),
          'b': (403, 403, 403), 'two': (201, 403, 403), 'eu_writer': (201, 403, 403),
          'b_deleter': (403, 403, 403), 'grouped': (403, 201, 403),
          'blind': (201, 201, 201)}
# DELETE with a time bound only: user -> (status, the hosts left).
DELETE = {'root': (200, ''), 'b_deleter': (200, 'a'), 'grouped': (200, 'a'),
          'eu_writer': (200, 'b'), 'star': (403, 'ab'), 'eu': (403, 'ab'),
          'b': (403, 'ab'), 'two': (403, 'ab'), 'blind': (200, '')}


def _rights(text: str) -> dict[str, bool]:
    return {f'can_{right}': right in text.split() for right in ('view', 'append', 'delete')}


@pytest.fixture
def people(probes: Any, db: Any) -> Iterator[dict[str, Any]]:
    # A fast hasher: the default one takes half a second a user.
    with override_settings(PASSWORD_HASHERS=['django.contrib.auth.hashers.MD5PasswordHasher']):
        yield _people()


def _people() -> dict[str, Any]:
    users: dict[str, Any] = {}
    for name, grants in GRANTS.items():
        users[name] = User.objects.create_user(name, password='pw',
                                               is_active=name != 'inactive')
        for measurement, tags, rights in grants:
            SeriesPermission.objects.create(user=users[name], measurement=measurement,
                                            tags=tags, **_rights(rights))
    for name, grants in GROUP_GRANTS.items():
        group = Group.objects.create(name=name)
        for measurement, tags, rights in grants:
            SeriesPermission.objects.create(group=group, measurement=measurement, tags=tags,
                                            **_rights(rights))
    for name, groups in MEMBERS.items():
        if name not in users:
            users[name] = User.objects.create_user(name, password='pw')
        users[name].groups.set(Group.objects.filter(name__in=groups))
    users['root'] = User.objects.create_superuser('root', 'root@example.com', 'pw')
    users['anonymous'] = AnonymousUser()
    return users


def client_of(people: dict[str, Any], name: str) -> APIClient:
    client = APIClient()
    if name != 'anonymous':
        client.force_authenticate(User.objects.get(username=name))
    return client


def body_of(response: Any) -> Any:
    if response.get('Content-Type', '').startswith('text/csv'):
        text = b''.join(response.streaming_content).decode()
        return list(csv.DictReader(io.StringIO(text)))
    assert response['Content-Type'].startswith('application/json'), response.content[:200]
    return json.loads(response.content)


def hosts_of(body: dict[str, Any]) -> str:
    return ''.join(sorted({s['tags']['host'] for s in body['series']}))


def remaining(conn: Any) -> dict[str, int]:
    """Points per host on the server (raw InfluxQL)."""
    rows = raw(conn, 'SELECT cpu, host FROM probes')
    out: dict[str, int] = {}
    for _, _, host in rows:
        out[host] = out.get(host, 0) + 1
    return out


# -- reads --------------------------------------------------------------------------------

@pytest.mark.parametrize('name', USERS)
def test_reads(people: dict[str, Any], probes: Any, name: str) -> None:
    client, hosts = client_of(people, name), VIEW[name]
    listing = body_of(client.get(MEASUREMENTS))
    assert [m['name'] for m in listing['measurements']] == ([] if hosts is None else ['probes'])
    detail = client.get(DETAIL)
    assert detail.status_code == (404 if hosts is None else 200)
    if hosts is None:
        for url, params in ((SERIES, {}), (POINTS, {}), (POINTS, {'format': 'csv'}),
                            (POINTS, {'granularity': '30s'})):
            response = client.get(url, params)
            assert response.status_code == 404, (url, params)
            assert 'probes' in body_of(response)['detail']
        return
    assert hosts_of(body_of(client.get(SERIES))) == hosts

    page = body_of(client.get(POINTS, {'fields': 'cpu', 'epoch': 'ns'}))
    got = sorted((s['tags']['host'], p['time'], p['cpu'])
                 for s in page['series'] for p in s['points'])
    expected = sorted((h, t, v) for t, v, h in raw(probes, 'SELECT cpu, host FROM probes')
                      if h in hosts)
    assert got == expected and len(got) == 10 * len(hosts)

    window = {'start': str(T0 // S), 'end': str(T0 // S + 95)}
    page = body_of(client.get(POINTS, {'fields': 'cpu', 'epoch': 'ns', 'granularity': '30s',
                                       **window}))
    got = sorted((s['tags']['host'], p['time'], p['mean_cpu'])
                 for s in page['series'] for p in s['points'])
    expected = sorted(
        (h, t, v) for h in hosts for t, v in raw(
            probes, f"SELECT mean(cpu) FROM probes WHERE host = '{h}' AND time >= {T0} AND "
                    f"time <= {T0 + 95 * S} GROUP BY time(30s) fill(none)"))
    assert got == expected and len(got) == 4 * len(hosts)

    rows = body_of(client.get(POINTS, {'format': 'csv', 'fields': 'cpu'}))
    assert ''.join(sorted({r['host'] for r in rows})) == hosts and len(rows) == 10 * len(hosts)


EU_CRAFTED = [({'host': 'b'}, ''), ({'host__regex': '.*'}, 'a'), ({'region__ne': 'eu'}, ''),
              ({'host__in': 'a,b'}, 'a'), ({'host__ne': 'a'}, ''), ({'region': ''}, ''),
              ({'region__regex': '.*'}, 'a'), ({'host__startswith': ''}, 'a'),
              ({'host__regex': 'b|a|'}, 'a'),
              ({'host__in': "a' OR host = 'b"}, '')]


@pytest.mark.parametrize('params, hosts', EU_CRAFTED)
def test_crafted_filters_never_widen(people: dict[str, Any], params: dict[str, str],
                                     hosts: str) -> None:
    client = client_of(people, 'eu')
    for url in (SERIES, POINTS):
        response = client.get(url, params)
        assert response.status_code == 200, body_of(response)
        assert hosts_of(body_of(response)) == hosts, (url, params)
    rows = body_of(client.get(POINTS, {**params, 'format': 'csv'}))
    assert ''.join(sorted({r['host'] for r in rows})) == hosts


def _cursor(link: str) -> str:
    return parse_qs(urlsplit(link).query)['cursor'][0]


def test_a_cursor_of_the_superusers_page_shows_only_eu(people: dict[str, Any]) -> None:
    root, eu = client_of(people, 'root'), client_of(people, 'eu')
    first = body_of(root.get(POINTS, {'limit': 3, 'fields': 'cpu'}))
    assert hosts_of(first) == 'ab' and first['next']
    seen = 0
    url: str | None = f"{POINTS}?limit=3&fields=cpu&cursor={_cursor(first['next'])}"
    while url:
        page = body_of(eu.get(url))
        assert hosts_of(page) in ('a', '')
        seen += sum(len(s['points']) for s in page['series'])
        url = page['next']
    assert 0 < seen < 10     # a's points after the superuser's first page, and no more
    series = body_of(root.get(SERIES, {'limit': 1}))
    assert series['series'][0]['tags'] == {'host': 'a', 'region': 'eu'} and series['next']
    page = body_of(eu.get(SERIES, {'limit': 1, 'cursor': _cursor(series['next'])}))
    assert page['series'] == []


def test_two_permissions_are_a_union_and_filters_narrow_it(people: dict[str, Any]) -> None:
    client = client_of(people, 'two')
    assert hosts_of(body_of(client.get(POINTS, {'host': 'b'}))) == 'b'
    assert hosts_of(body_of(client.get(POINTS, {'region': 'eu'}))) == 'a'
    assert hosts_of(body_of(client.get(POINTS, {'host__regex': '.*'}))) == 'ab'


# -- writes -------------------------------------------------------------------------------

def _json(tags: dict[str, str], time: int) -> dict[str, Any]:
    return {'points': [{'time': time, 'tags': tags, 'fields': {'cpu': 0.5}}]}


def _line(tags: dict[str, str], time: int) -> str:
    return f"probes,{','.join(f'{k}={v}' for k, v in sorted(tags.items()))} cpu=0.5 {time}"


def _at(conn: Any, time: int) -> list[list[Any]]:
    return raw(conn, f'SELECT cpu, host, region FROM probes WHERE time = {time}')


@pytest.mark.parametrize('name', USERS)
def test_appends(people: dict[str, Any], probes: Any, name: str) -> None:
    client, statuses = client_of(people, name), APPEND.get(name, (404, 404, 404))
    for i, (tags, status) in enumerate(zip(NEW, statuses, strict=True)):
        for j, kind in enumerate(('json', 'line')):
            time = T0 + 3600 * S + (2 * i + j) * S
            if kind == 'json':
                response = client.post(POINTS, _json(tags, time), format='json')
            else:
                response = client.post(POINTS, _line(tags, time), content_type='text/plain')
            body = body_of(response)
            assert response.status_code == status, (kind, tags, body)
            written = _at(probes, time)
            if status == 201:
                assert body == {'written': 1}
                assert written == [[time, 0.5, tags['host'], tags.get('region')]]
            else:
                assert written == [] and 'detail' in body
                if status == 403 and 201 in statuses:    # some append right: which series
                    assert f"host={tags['host']}" in body['detail']
                elif status == 403:
                    assert body['detail'] == "you may not append points of 'probes'"
    assert remaining(probes) == {'a': 10, 'b': 10, **{
        h: n for h, n in (('b', 10 + 2 * (statuses[1] == 201)),
                          ('c', 2 * ((statuses[0] == 201) + (statuses[2] == 201)))) if n}}


@pytest.mark.parametrize('kind', ['json', 'line'])
def test_a_write_with_one_point_outside_writes_nothing(people: dict[str, Any], probes: Any,
                                                       kind: str) -> None:
    client, time = client_of(people, 'eu_writer'), T0 + 7200 * S
    inside, outside = {'host': 'c', 'region': 'eu'}, {'host': 'd', 'region': 'us'}
    if kind == 'json':
        points = [_json(inside, time)['points'][0], _json(outside, time + 1)['points'][0],
                  _json(inside, time + 2)['points'][0]]
        response = client.post(POINTS, {'points': points}, format='json')
    else:
        text = '\n'.join([_line(inside, time), _line(outside, time + 1),
                          _line(inside, time + 2)])
        response = client.post(POINTS, text, content_type='text/plain')
    body = body_of(response)
    assert response.status_code == 403 and 'nothing was written' in body['detail']
    assert [e['index'] for e in body['errors']] == [1]
    assert 'host=d,region=us' in body['detail']
    assert remaining(probes) == {'a': 10, 'b': 10}
    assert raw(probes, f'SELECT cpu FROM probes WHERE time >= {time}') == []


# -- deletes ------------------------------------------------------------------------------

@pytest.mark.parametrize('name', USERS)
def test_deletes_by_time_only(people: dict[str, Any], probes: Any, name: str) -> None:
    status, left = DELETE.get(name, (404, 'ab'))
    response = client_of(people, name).delete(POINTS + f"?start={EVERYTHING['start']}")
    body = body_of(response)
    assert response.status_code == status, body
    assert remaining(probes) == {h: 10 for h in left}
    if status == 200:
        assert body == {'deleted': 10 * (2 - len(left))}


@pytest.mark.parametrize('query, left', [
    ('host=a', {'a': 10, 'b': 10}), ('host__ne=b', {'a': 10, 'b': 10}),
    ('region=eu', {'a': 10, 'b': 10}), ('host__regex=.*', {'a': 10}),
    ('host__in=a,b', {'a': 10}), (f'host=b&before={T0 // S + 50}', {'a': 10, 'b': 5}),
])
def test_a_delete_filter_never_widens_the_delete_right(people: dict[str, Any], probes: Any,
                                                       query: str, left: dict[str, int]
                                                       ) -> None:
    response = client_of(people, 'b_deleter').delete(f'{POINTS}?{query}')
    assert response.status_code == 200, body_of(response)
    assert remaining(probes) == left


def test_a_delete_without_a_filter_is_refused(people: dict[str, Any], probes: Any) -> None:
    response = client_of(people, 'b_deleter').delete(POINTS)
    assert response.status_code == 400 and 'filter' in body_of(response)['detail']
    assert remaining(probes) == {'a': 10, 'b': 10}


# -- anonymous users and PUBLIC -----------------------------------------------------------

def _public(*grants: dict[str, Any]) -> Any:
    return override_settings(INFLUXPY_API={**API, 'PUBLIC': list(grants)})


@pytest.mark.parametrize('name, hosts', [('anonymous', 'b'), ('inactive', 'b'),
                                         ('eu', 'ab'), ('elsewhere', 'b'), ('blind', 'b')])
def test_public_view_is_granted_to_everyone(people: dict[str, Any], probes: Any, name: str,
                                            hosts: str) -> None:
    client = client_of(people, name)
    with _public({'measurement': 'probes', 'tags': {'host': 'b'}, 'rights': ['view']}):
        assert [m['name'] for m in body_of(client.get(MEASUREMENTS))['measurements']] == [
            'probes']
        assert hosts_of(body_of(client.get(POINTS))) == hosts
        assert hosts_of(body_of(client.get(SERIES))) == hosts
        if name in ('anonymous', 'inactive'):
            response = client.post(POINTS, _json({'host': 'b'}, T0), format='json')
            assert response.status_code == 403
            assert client.delete(POINTS + '?host=b').status_code == 403
    assert remaining(probes) == {'a': 10, 'b': 10}


def test_public_append_and_star(people: dict[str, Any], probes: Any) -> None:
    client, time = APIClient(), T0 + 3600 * S
    with _public({'measurement': '*', 'tags': {}, 'rights': ['view']},
                 {'measurement': 'probes', 'tags': {'host': 'b'}, 'rights': ['append']}):
        assert hosts_of(body_of(client.get(POINTS))) == 'ab'
        response = client.post(POINTS, _json({'host': 'b'}, time), format='json')
        assert response.status_code == 201
        response = client.post(POINTS, _json({'host': 'c'}, time + 1), format='json')
        assert response.status_code == 403
    with _public({'measurement': 'other', 'tags': {}, 'rights': ['view']}):
        assert client.get(POINTS).status_code == 404
    assert remaining(probes) == {'a': 10, 'b': 11}


# -- real credentials ---------------------------------------------------------------------

def _basic(name: str, password: str) -> str:
    return 'Basic ' + base64.b64encode(f'{name}:{password}'.encode()).decode()


def test_token_authentication(people: dict[str, Any], probes: Any) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=people['eu'])}")
    assert hosts_of(body_of(client.get(POINTS))) == 'a'
    assert client.post(POINTS, _json({'host': 'c', 'region': 'eu'}, T0),
                       format='json').status_code == 403
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=people['eu_writer'])}")
    response = client.post(POINTS, _line({'host': 'c', 'region': 'eu'}, T0),
                           content_type='text/plain')
    assert response.status_code == 201
    response = client.post(POINTS, _line({'host': 'c'}, T0 + 1), content_type='text/plain')
    assert response.status_code == 403
    assert remaining(probes) == {'a': 10, 'b': 10, 'c': 1}
    client.credentials(HTTP_AUTHORIZATION='Token not-a-token')
    response = client.get(POINTS)
    assert response.status_code == 401 and 'detail' in body_of(response)
    assert response['WWW-Authenticate'] == 'Token'   # no browser login prompt


def test_basic_authentication(people: dict[str, Any], probes: Any) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=_basic('b', 'pw'))
    assert hosts_of(body_of(client.get(POINTS))) == 'b'
    client.credentials(HTTP_AUTHORIZATION=_basic('grouped', 'pw'))
    assert client.delete(POINTS + '?start=2023-01-01T00:00:00Z').status_code == 200
    assert remaining(probes) == {'a': 10}
    for name, password in (('b', 'wrong'), ('inactive', 'pw'), ('ghost', 'pw')):
        client.credentials(HTTP_AUTHORIZATION=_basic(name, password))
        response = client.get(POINTS)
        assert response.status_code == 401, name
        assert 'detail' in body_of(response)


def test_session_authentication(people: dict[str, Any]) -> None:
    client = APIClient()
    assert client.login(username='two', password='pw')
    assert hosts_of(body_of(client.get(POINTS))) == 'ab'
    client.logout()
    assert client.get(POINTS).status_code == 404
