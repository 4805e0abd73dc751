"""The HTTP API on an influxpy measurement, through DRF's APIClient, checked from outside
(raw InfluxQL, the csv module, hand counts)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from influxpy.times import rfc3339

from .conftest import T0, S, raw

BASE = '/some/prefix/api'
POINTS = f'{BASE}/measurements/probes/points/'


def get(client: Any, url: str, **params: Any) -> Any:
    response = client.get(url, params)
    assert response['Content-Type'].startswith('application/json'), response.content[:200]
    return response.status_code, json.loads(response.content)


def test_root_and_measurements(probes: Any, admin_client: Any) -> None:
    status, body = get(admin_client, f'{BASE}/')
    assert status == 200 and body['measurements'].endswith('/some/prefix/api/measurements/')
    status, body = get(admin_client, f'{BASE}/measurements/')
    assert status == 200 and [m['name'] for m in body['measurements']] == ['probes']
    (probe,) = body['measurements']
    assert probe['tags'] == ['host', 'region']
    assert probe['fields'] == [{'name': 'cpu', 'type': 'float'},
                               {'name': 'hits', 'type': 'integer'},
                               {'name': 'note', 'type': 'string'}]
    status, body = get(admin_client, f'{BASE}/measurements/nope/')
    assert status == 404 and 'nope' in body['detail']


def test_raw_points_equal_raw_influxql(probes: Any, admin_client: Any) -> None:
    status, body = get(admin_client, POINTS, host='b', fields='cpu')
    assert status == 200
    expected = raw(probes, "SELECT cpu FROM probes WHERE host = 'b'")
    (series,) = body['series']
    assert series['tags'] == {'host': 'b'}
    assert [(p['time'], p['cpu']) for p in series['points']] == [
        (rfc3339(t), v) for t, v in expected]
    assert series['points'][1]['time'] == '2023-11-14T22:13:30.000000001Z'
    assert body['count'] == 10 and body['next'] is None and body['previous'] is None


def test_columns_and_epoch(probes: Any, admin_client: Any) -> None:
    status, body = get(admin_client, POINTS, shape='columns', epoch='ns', host='a')
    (series,) = body['series']
    expected = raw(probes, "SELECT cpu, hits, note FROM probes WHERE host = 'a'")
    assert series['columns'] == {'time': [r[0] for r in expected],
                                 'cpu': [r[1] for r in expected],
                                 'hits': [r[2] for r in expected],
                                 'note': [r[3] for r in expected]}
    status, body = get(admin_client, POINTS, shape='columns', epoch='ms', host='b')
    assert body['series'][0]['columns']['time'][1] == (T0 + 10 * S + 1) // 10**6


def test_next_links_walk_everything(probes: Any, admin_client: Any) -> None:
    url, seen, pages = POINTS + '?limit=3&fields=cpu&epoch=ns', [], 0
    while url:
        status, body = get(admin_client, url)
        assert status == 200
        pages += 1
        seen += sorted((p['time'], s['tags']['host'])
                       for s in body['series'] for p in s['points'])
        url = body['next']
    assert pages == 7 and len(seen) == 20 and len(set(seen)) == 20
    assert [t for t, _ in seen] == sorted(t for t, _ in seen)


def test_downsampled_names_and_values(probes: Any, admin_client: Any) -> None:
    status, body = get(admin_client, POINTS, host='a', granularity='30s',
                       downsamplers='mean,max', fields='cpu', start=rfc3339(T0),
                       end=rfc3339(T0 + 95 * S))
    assert status == 200, body
    expected = raw(probes, "SELECT mean(cpu), max(cpu) FROM probes WHERE host = 'a' AND "
                   f"time >= {T0} AND time <= {T0 + 95 * S} GROUP BY time(30s) fill(none)")
    (series,) = body['series']
    assert [(p['time'], p['mean_cpu'], p['max_cpu']) for p in series['points']] == [
        (rfc3339(t), m, x) for t, m, x in expected]
    assert body['granularity'] == '30s' and body['downsamplers'] == ['mean', 'max']


def test_csv_by_format_and_by_accept(probes: Any, admin_client: Any) -> None:
    expected = raw(probes, 'SELECT cpu, host FROM probes')
    for response in (admin_client.get(POINTS, {'format': 'csv', 'fields': 'cpu'}),
                     admin_client.get(POINTS, {'fields': 'cpu'}, HTTP_ACCEPT='text/csv')):
        assert response.status_code == 200
        assert response['Content-Type'].startswith('text/csv')
        text = b''.join(response.streaming_content).decode()
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ['time', 'host', 'region', 'cpu']
        got = sorted((r[0], r[1], float(r[3])) for r in rows[1:])
        assert got == sorted((rfc3339(t), h, v) for t, v, h in expected)


@pytest.mark.parametrize('params, parameter', [
    ({'granularity': 'fortnight'}, 'granularity'),
    ({'start': 'yesterday'}, 'start'),
    ({'limit': '-1'}, 'limit'),
    ({'limt': '5'}, 'limt'),
    ({'host__like': 'a'}, 'host__like'),
    ({'nosuchtag': 'a'}, 'nosuchtag'),
    ({'fields': 'cpu,ghost'}, 'fields'),
    ({'tz': 'Mars/Olympus'}, 'tz'),
    ({'host__regex': '('}, 'host__regex'),
    ({'cursor': 'forged'}, 'cursor'),
    ({'order': 'sideways'}, 'order'),
])
def test_bad_parameters_are_400_naming_them(probes: Any, admin_client: Any,
                                            params: dict[str, str], parameter: str) -> None:
    status, body = get(admin_client, POINTS, **params)
    assert status == 400, body
    assert parameter in json.dumps(body)


def test_post_json_then_read_back_from_outside(probes: Any, admin_client: Any) -> None:
    body = {'points': [{'time': '2024-01-01T00:00:00.123456789Z', 'tags': {'host': 'c'},
                        'fields': {'cpu': 0.1 + 0.2, 'hits': 2**62}}]}
    response = admin_client.post(POINTS, body, format='json')
    assert response.status_code == 201, response.content
    assert json.loads(response.content) == {'written': 1}
    assert raw(probes, "SELECT cpu, hits FROM probes WHERE host = 'c'") == [
        [1704067200123456789, 0.30000000000000004, 2**62]]


def test_post_invalid_writes_nothing(probes: Any, admin_client: Any) -> None:
    body = {'points': [{'time': '2024-01-01T00:00:00Z', 'tags': {'host': 'c'},
                        'fields': {'cpu': 1.0}},
                       {'time': '2024-01-01T00:00:01Z', 'tags': {'host': 'c'},
                        'fields': {'hits': 'many'}}]}
    response = admin_client.post(POINTS, body, format='json')
    assert response.status_code == 400
    errors = json.loads(response.content)['errors']
    assert [e['index'] for e in errors] == [1] and errors[0]['field'] == 'hits'
    assert raw(probes, "SELECT cpu FROM probes WHERE host = 'c'") == []


def test_delete_needs_a_filter_and_deletes_what_it_names(probes: Any,
                                                         admin_client: Any) -> None:
    response = admin_client.delete(POINTS)
    assert response.status_code == 400
    response = admin_client.delete(POINTS + '?host=b')
    assert response.status_code == 200, response.content
    assert raw(probes, "SELECT count(cpu) FROM probes WHERE host = 'b'") == []
    assert raw(probes, "SELECT count(cpu) FROM probes WHERE host = 'a'")[0][1] == 10


def test_anonymous_sees_nothing_by_default(probes: Any, db: Any) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    status, body = get(client, f'{BASE}/measurements/')
    assert status == 200 and body['measurements'] == []
    status, body = get(client, POINTS)
    assert status == 404
    response = client.post(POINTS, {'points': []}, format='json')
    assert response.status_code == 404


def test_writing_the_same_body_twice_is_idempotent(probes: Any, admin_client: Any) -> None:
    body = b'probes,host=c cpu=1.5 1704067200000000001\nprobes,host=c hits=7i 1704067200000000001\n'
    for _ in range(2):
        response = admin_client.generic('POST', POINTS, body, content_type='text/plain')
        assert response.status_code == 201, response.content
    # one point, its fields merged (InfluxDB's rule), however often it is sent
    assert raw(probes, "SELECT cpu, hits FROM probes WHERE host = 'c'") == [
        [1704067200000000001, 1.5, 7]]


def test_throttling_from_rest_framework_settings(probes: Any, admin_client: Any) -> None:
    from django.core.cache import cache
    from django.test import override_settings

    cache.clear()
    throttled = {'DEFAULT_SCHEMA_CLASS': 'drf_spectacular.openapi.AutoSchema',
                 'DEFAULT_THROTTLE_CLASSES': ['rest_framework.throttling.UserRateThrottle'],
                 'DEFAULT_THROTTLE_RATES': {'user': '2/minute'}}
    with override_settings(REST_FRAMEWORK=throttled):
        statuses = [admin_client.get(POINTS, {'limit': '1'}).status_code for _ in range(3)]
        response = admin_client.get(POINTS)
    assert statuses == [200, 200, 429]
    assert response.status_code == 429 and 'throttled' in json.loads(response.content)['detail']
    cache.clear()


def test_a_server_down_is_503_naming_the_unwritten_points(db: Any, admin_client: Any) -> None:
    import socket

    from django.test import override_settings

    from .conftest import API

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    down = {'default': {'URL': f'influxdb://127.0.0.1:{port}/gone',
                        'OPTIONS': {'retries': 0, 'timeout': 2}}}
    with override_settings(INFLUXPY=down, INFLUXPY_API=API):
        response = admin_client.generic(
            'POST', POINTS, b'probes,host=c cpu=1 1\nprobes,host=c cpu=2 2\n',
            content_type='text/plain')
    assert response.status_code == 503, response.content
    body = json.loads(response.content)
    assert body['errors'] == [{'written': [], 'unwritten': [0, 1], 'unknown': []}]


def test_readings_on_influxdb_down_are_503_naming_each_point(db: Any,
                                                             admin_client: Any) -> None:
    import socket

    from django.test import override_settings

    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    down = {'default': {'URL': f'influxdb://127.0.0.1:{port}/gone',
                        'OPTIONS': {'retries': 0, 'timeout': 2}}}
    storage = {'BACKEND': 'influxpy.contrib.django.storage.InfluxStorage',
               'OPTIONS': {'model': 'testapp.Weather'}}
    with override_settings(INFLUXPY=down, INFLUXPY_STORAGE=storage,
                           INFLUXPY_API={'MEASUREMENTS': [], 'READINGS': 'readings'}):
        response = admin_client.post(
            '/some/prefix/api/measurements/readings/points/',
            [{'time': '2024-01-01T00:00:00Z', 'device': 'x', 'pulses': 1},
             {'time': '2024-01-01T00:00:01Z', 'device': 'y', 'pulses': 2}], format='json')
    assert response.status_code == 503, response.content
    assert json.loads(response.content)['errors'] == [
        {'written': [], 'unwritten': [0, 1], 'unknown': []}]


def test_body_size_is_the_api_setting_not_djangos(probes: Any, admin_client: Any) -> None:
    from django.test import override_settings

    from .conftest import API

    # 40,000 points, about 3 MB: over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB),
    # under MAX_BODY (10 MiB by default)
    lines = ''.join(f'probes,host=big{i % 7:020d} cpu={i}.5 {T0 + i}\n' for i in range(40_000))
    assert len(lines) > 2.5 * 2**20
    response = admin_client.generic('POST', POINTS, lines.encode(), content_type='text/plain')
    assert response.status_code == 201, response.content[:300]
    assert raw(probes, "SELECT count(cpu) FROM probes WHERE host =~ /^big/")[0][1] == 40_000
    with override_settings(INFLUXPY_API={**API, 'MAX_BODY': 1000}):
        response = admin_client.generic('POST', POINTS, lines.encode(),
                                        content_type='text/plain')
    assert response.status_code == 413
    assert 'MAX_BODY' in json.loads(response.content)['detail']


def test_refused_credentials_are_401_json(probes: Any, db: Any) -> None:
    import base64

    from django.contrib.auth.models import User
    from rest_framework.test import APIClient

    User.objects.create_user('eve', password='right')
    client = APIClient()
    wrong = base64.b64encode(b'eve:wrong').decode()
    response = client.get(POINTS, HTTP_AUTHORIZATION=f'Basic {wrong}')
    assert response.status_code == 401
    assert response['WWW-Authenticate'] == 'Token'
    assert 'Invalid username/password' in json.loads(response.content)['detail']
    response = client.get(POINTS, HTTP_AUTHORIZATION='Token not-a-token')
    assert response.status_code == 401 and 'token' in json.loads(response.content)['detail']


def test_a_tag_sent_as_a_field_is_refused_not_moved(probes: Any, admin_client: Any) -> None:
    body = (b'probes,host=c cpu=1.5 1704067200000000001\n'
            b'probes,host=c region="eu" 1704067200000000002\n')
    response = admin_client.generic('POST', POINTS, body, content_type='text/plain')
    assert response.status_code == 400, response.content
    (error,) = json.loads(response.content)['errors']
    assert (error['index'], error['line'], error['field']) == (1, 2, 'region')
    assert raw(probes, "SELECT cpu FROM probes WHERE host = 'c'") == []


def test_series_pages_go_forward_and_back(probes: Any, admin_client: Any) -> None:
    probes.client.write_points([f'probes,host=h{i} cpu=1 {T0}' for i in range(5)],
                               protocol='line', time_precision='n', database=probes.database)
    series_url = f'{BASE}/measurements/probes/series/'
    pages, url = [], f'{series_url}?limit=3&host__startswith=h'
    while url:
        status, body = get(admin_client, url)
        assert status == 200, body
        pages.append([s['tags']['host'] for s in body['series']])
        last, url = body, body['next']
    assert pages == [['h0', 'h1', 'h2'], ['h3', 'h4']]
    status, body = get(admin_client, last['previous'])
    assert [s['tags']['host'] for s in body['series']] == ['h0', 'h1', 'h2']
    assert body['previous'] is None and body['next'] is not None
    status, body = get(admin_client, body['next'])
    assert [s['tags']['host'] for s in body['series']] == ['h3', 'h4'] and body['next'] is None
