"""The same HTTP requests on the readings of every storage give the same JSON.

The storage's readings are the API's measurement ``readings`` (tag ``device``). Each
request runs against the ORM storage on SQLite, on PostgreSQL and against InfluxStorage
on a real influxd; the answers must be byte-for-byte equal JSON, and a few are also
checked against hand-computed values.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import override_settings

from influxpy.times import rfc3339

from .test_readings_source import DATA, ROWS

POINTS = '/some/prefix/api/measurements/readings/points/'
SERIES = '/some/prefix/api/measurements/readings/series/'
START, END = rfc3339(ROWS[0][0]), rfc3339(ROWS[-1][0])
REQUESTS: list[tuple[str, dict[str, str]]] = [
    (POINTS, {}),
    (POINTS, {'device': 'a1', 'fields': 'temperature,pulses'}),
    (POINTS, {'device__in': 'a2,é', 'order': 'desc', 'limit': '2'}),
    (POINTS, {'device__startswith': 'a', 'after': START, 'before': END}),
    (POINTS, {'device__regex': '^(b|é)$', 'epoch': 'us', 'shape': 'columns'}),
    (POINTS, {'granularity': 'hour', 'downsamplers': 'mean,max,count',
              'tz': 'Europe/Paris'}),
    (POINTS, {'granularity': '90m', 'downsamplers': 'sum,min,spread', 'fill': 'null',
              'start': START, 'end': END}),
    (POINTS, {'granularity': 'day', 'tz': 'Europe/Paris', 'fields': 'temperature'}),
    (POINTS, {'max_points': '3', 'fields': 'temperature'}),
    (POINTS, {'limit': '0'}),
    (POINTS, {'limit': '3'}),
    (POINTS, {'device__ne': 'a1', 'limit': '1', 'epoch': 'ns'}),
    (SERIES, {}),
    (SERIES, {'device__contains': 'a', 'limit': '1'}),
    (POINTS, {'granularity': 'hour', 'downsamplers': 'median'}),   # 400 on every storage
    (POINTS, {'devise': 'a1'}),                                    # 400: no such tag
]
BACKENDS = {
    'sqlite': {'BACKEND': 'influxpy.contrib.django.storage.ORMStorage',
               'OPTIONS': {'model': 'testapp.Weather', 'database': 'default'}},
    'postgresql': {'BACKEND': 'influxpy.contrib.django.storage.ORMStorage',
                   'OPTIONS': {'model': 'testapp.Weather', 'database': 'pg'}},
    'influxdb': {'BACKEND': 'influxpy.contrib.django.storage.InfluxStorage',
                 'OPTIONS': {'model': 'testapp.Weather'}},
}


def _walk(client: Any, url: str, params: dict[str, str]) -> list[Any]:
    """The answer, and every page after it by ``next``, then back by ``previous``."""
    response = client.get(url, params)
    body = json.loads(response.content)
    out = [response.status_code, body]
    seen = 0
    while response.status_code == 200 and body.get('next') and seen < 20:
        response = client.get(body['next'])
        body = json.loads(response.content)
        out.append(body)
        seen += 1
    while response.status_code == 200 and body.get('previous') and seen < 40:
        response = client.get(body['previous'])
        body = json.loads(response.content)
        out.append(body)
        seen += 1
    return out


@pytest.mark.django_db(databases=['default', 'pg'])
def test_same_requests_same_json_on_every_storage(request: pytest.FixtureRequest,
                                                  admin_client: Any) -> None:
    request.getfixturevalue('influx_settings')
    answers: dict[str, list[Any]] = {}
    for name, storage in BACKENDS.items():
        with override_settings(INFLUXPY_STORAGE=storage,
                               INFLUXPY_API={'MEASUREMENTS': [], 'READINGS': 'readings'}):
            from influxpy.contrib.django.storage import get_storage

            get_storage().store_readings({'device': d, 'time': w, 'values': v}
                                         for d, w, v in DATA)
            answers[name] = [_walk(admin_client, url, params) for url, params in REQUESTS]
    for i, (url, params) in enumerate(REQUESTS):
        assert answers['sqlite'][i] == answers['postgresql'][i] == answers['influxdb'][i], \
            (url, params)
    sqlite = answers['sqlite']
    status, body = sqlite[0][:2]
    assert status == 200
    got = sorted((p['time'], s['tags']['device'], p['temperature'], p['humidity'],
                  p['pulses']) for s in body['series'] for p in s['points'])
    assert got == sorted((rfc3339(t), d, v['temperature'], v['humidity'], v['pulses'])
                         for t, d, v in ROWS)
    # the walk over limit=3 pages visits every reading once, and comes back
    pages = sqlite[10][1:]
    forward = [p for page in pages[:4] for s in page['series'] for p in s['points']]
    assert len(forward) == len(ROWS)
    assert sqlite[14][0] == 400 and 'median' in json.dumps(sqlite[14][1])
    assert sqlite[15][0] == 400 and 'devise' in json.dumps(sqlite[15][1])
    chosen = sqlite[8][1]
    assert chosen['granularity'] is not None
    assert all(len(s['points']) <= 3 for s in chosen['series'])


@pytest.mark.django_db(transaction=True)
def test_live_server_over_real_http_answers_as_the_test_client(
        request: pytest.FixtureRequest, live_server: Any) -> None:
    """The same requests through a real HTTP server (pytest-django's live_server) and
    ``requests``, with basic auth, on the ORM storage and on InfluxStorage."""
    import requests
    from django.contrib.auth.models import User
    from rest_framework.test import APIClient

    request.getfixturevalue('influx_settings')
    User.objects.create_superuser('live', 'live@example.com', 'pw')
    client = APIClient()
    client.login(username='live', password='pw')
    for name in ('sqlite', 'influxdb'):
        with override_settings(INFLUXPY_STORAGE=BACKENDS[name],
                               INFLUXPY_API={'MEASUREMENTS': [], 'READINGS': 'readings'}):
            from influxpy.contrib.django.storage import get_storage

            get_storage().store_readings({'device': d, 'time': w, 'values': v}
                                         for d, w, v in DATA)
            for url, params in REQUESTS[:8]:
                over_http = requests.get(live_server.url + url, params=params,
                                         auth=('live', 'pw'), timeout=60)
                in_process = client.get(url, params)
                assert over_http.status_code == in_process.status_code, (name, url, params)
                got, want = over_http.json(), json.loads(in_process.content)
                for body in (got, want):  # links name the host they were asked on
                    for key in ('next', 'previous'):
                        if body.get(key):
                            body[key] = body[key].split('/some/prefix/')[1]
                assert got == want, (name, url, params)
            get_storage().delete_readings(before='2100-01-01T00:00:00Z')
