"""The HTTP API (issue 13) against influxd's own HTTP API, over real HTTP, in one run.

    .venv/bin/python -m benchmarks.bench_api [--points 100000] [--csv-points 1000000]
                                             [--repeat 3]

Starts a throwaway influxd (or uses INFLUX_DATABASE_URL), writes ``--csv-points`` points
(one series, two float fields), then serves the API from a Django configured here
(``settings.configure``: no project needed; anonymous users may view and append through
``PUBLIC``, so no password hashing is timed) in a *separate process* with the standard
library's threaded WSGI server: the server neither shares the client's GIL nor its
memory, as influxd does not, and its peak RSS is its own. Best of ``--repeat``:

- GET ``--points`` raw points, ``shape=columns&epoch=ms&limit=N``, against influxd's
  ``/query?epoch=ms`` for the same points; the time until the whole body has arrived,
  decoded by neither (both answers are decoded afterwards and compared point by point).
  Target: at most 1.5x influxd's time.
- POST ``--points`` points as line protocol (text/plain) against the same body POSTed to
  influxd's ``/write``; both counted back. Target: at least half influxd's rate.
- ``format=csv`` of every point (``--csv-points``) from a fresh server process: its peak
  RSS growth during the download (VmHWM after minus VmRSS before, from /proc), the CSV's
  rows counted. Target: under 150 MB.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import orjson
import requests

from influxpy import fields, models

DATABASE = 'influxpy_bench_api'
START_NS = 1_700_000_000_000_000_000
STEP_NS = 1_000_000_007  # about a second, with nanoseconds that epoch=ms must floor
BATCH = 50_000


class Sample(models.InfluxMeasurement):
    """What the GET and CSV cases read."""

    measurement = 'api_read'
    host = fields.InfluxTag()
    value = fields.FloatField()
    other = fields.FloatField()


class Written(models.InfluxMeasurement):
    """What the POST case writes (dropped before every run)."""

    measurement = 'api_write'
    host = fields.InfluxTag()
    value = fields.FloatField()
    other = fields.FloatField()


def lines(measurement: str, count: int) -> Iterator[str]:
    for i in range(count):
        yield (f'{measurement},host=h1 value={i * 0.001!r},other={(i % 1000) / 7!r} '
               f'{START_NS + i * STEP_NS}')


# -- the server process ---------------------------------------------------------------

def __getattr__(name: str) -> Any:
    # ROOT_URLCONF is this module; its patterns can only be built once Django is set up.
    if name == 'urlpatterns':
        from django.urls import include, path
        return [path('api/', include('influxpy.contrib.django.api.urls'))]
    raise AttributeError(name)


def configure(influx_url: str) -> None:
    """Django for the API alone, reading and writing through ``influx_url``."""
    import django
    from django.conf import settings

    settings.configure(
        SECRET_KEY='influxpy-bench-only', USE_TZ=True, TIME_ZONE='UTC', DEBUG=False,
        ALLOWED_HOSTS=['127.0.0.1', 'localhost'],
        INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth',
                        'rest_framework', 'influxpy.contrib.django'],
        DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}},
        DEFAULT_AUTO_FIELD='django.db.models.BigAutoField',
        ROOT_URLCONF='benchmarks.bench_api', MIDDLEWARE=[],
        # Django refuses a body over 2.5 MB (its default) before the API's MAX_BODY (10 MB)
        # is looked at; 100,000 lines are about 6 MB.
        INFLUXPY={'default': {'URL': influx_url, 'OPTIONS': {'timeout': 300}}},
        INFLUXPY_API={'MEASUREMENTS': ['benchmarks.bench_api.Sample',
                                       'benchmarks.bench_api.Written'],
                      'READINGS': None,
                      'PUBLIC': [{'measurement': '*', 'tags': {}, 'rights': ['view', 'append']}]})
    django.setup()


def serve(influx_url: str) -> None:
    """Configure Django, serve the API on a free port, print the port, serve forever."""
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    configure(influx_url)
    httpd = make_server('127.0.0.1', 0, get_wsgi_application(), Server, Quiet)
    print(httpd.server_port, flush=True)
    httpd.serve_forever()


class APIServer:
    """The API served by a child process (see :func:`serve`)."""

    def __init__(self, influx_url: str) -> None:
        env = {**os.environ, 'PYTHONPATH': os.pathsep.join(
            p for p in (os.getcwd(), os.environ.get('PYTHONPATH')) if p)}
        self.process = subprocess.Popen(
            [sys.executable, '-c', 'import sys; from benchmarks.bench_api import serve; '
             'serve(sys.argv[1])', influx_url], stdout=subprocess.PIPE, env=env)
        assert self.process.stdout is not None
        port = self.process.stdout.readline().strip()
        if not port:
            raise SystemExit('the API server did not start')
        self.base = f'http://127.0.0.1:{int(port)}/api/measurements'

    def memory_kib(self, key: str) -> int:
        """VmRSS (now) or VmHWM (peak) of the server process, in KiB."""
        with open(f'/proc/{self.process.pid}/status') as status:
            for line in status:
                if line.startswith(key + ':'):
                    return int(line.split()[1])
        raise KeyError(key)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


# -- the cases ------------------------------------------------------------------------

def ok(response: requests.Response) -> requests.Response:
    if response.status_code >= 400:
        raise SystemExit(f'{response.request.method} {response.url}: {response.status_code} '
                         f'{response.text[:500]}')
    return response


def best(repeat: int, run: Callable[[], Any], before: Callable[[], Any] | None = None
         ) -> tuple[float, Any]:
    """The shortest time of ``repeat`` runs, and the last run's answer."""
    shortest, answer = float('inf'), None
    for _ in range(repeat):
        if before is not None:
            before()
        gc.collect()
        started = time.perf_counter()
        answer = run()
        shortest = min(shortest, time.perf_counter() - started)
    return shortest, answer


def check_get(api_body: bytes, influx_body: bytes, n: int) -> None:
    """The API gave exactly influxd's points: same times (ms), same values."""
    (series,) = orjson.loads(api_body)['series']
    columns = series['columns']
    (result,) = orjson.loads(influx_body)['results']
    (raw,) = result['series']
    assert raw['columns'] == ['time', 'value', 'other'], raw['columns']
    values = raw['values']
    assert len(values) == n and len(columns['time']) == n, (len(values), len(columns['time']))
    assert columns['time'] == [row[0] for row in values], 'the times differ'
    assert columns['value'] == [row[1] for row in values], 'the values differ'
    assert columns['other'] == [row[2] for row in values], 'the other values differ'
    assert values[-1][0] == (START_NS + (n - 1) * STEP_NS) // 1_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--points', type=int, default=100_000)
    parser.add_argument('--csv-points', type=int, default=1_000_000)
    parser.add_argument('--repeat', type=int, default=3, help='best of N runs per case')
    parser.add_argument('--skip', default='', help='comma-separated: get,post,csv')
    args = parser.parse_args()
    n, total = args.points, max(args.csv_points, args.points)
    skip = set(filter(None, args.skip.split(',')))

    import influxpy
    from influxpy.quoting import quote_ident
    from influxpy.testing import ExternalServer, start_server
    from influxpy.times import rfc3339

    url = os.environ.get('INFLUX_DATABASE_URL')
    server: Any = ExternalServer(url) if url else start_server()
    conn = influxpy.connect(f'{server.url}/{DATABASE}', timeout=300, retries=0)
    settings = conn.settings
    influx = settings.base_url
    auth = (settings.username, settings.password or '') if settings.username else None
    session = requests.Session()
    api: APIServer | None = None
    try:
        conn.query(f'DROP DATABASE {quote_ident(DATABASE)}')
        conn.query(f'CREATE DATABASE {quote_ident(DATABASE)}')
        started = time.perf_counter()
        batch: list[str] = []
        for line in lines(Sample.measurement, total):
            batch.append(line)
            if len(batch) == BATCH:
                conn.write('\n'.join(batch).encode())
                batch = []
        if batch:
            conn.write('\n'.join(batch).encode())
        print(f'wrote {total:,} points (one series, 2 float fields) in '
              f'{time.perf_counter() - started:.1f} s; server {server!r}; best of '
              f'{args.repeat}', flush=True)
        api = APIServer(f'{server.url}/{DATABASE}')
        print(f'{"case":<52} {"seconds":>8} {"points/s":>11} {"ratio":>8}')

        def row(name: str, seconds: float, points: int, ratio: str = '') -> None:
            print(f'{name:<52} {seconds:>8.3f} {points / seconds:>11,.0f} {ratio:>8}',
                  flush=True)

        if 'get' not in skip:
            points_url = f'{api.base}/{Sample.measurement}/points/'

            def api_get() -> bytes:
                response = session.get(points_url, params={
                    'shape': 'columns', 'epoch': 'ms', 'limit': n})
                ok(response)
                return response.content

            def influx_get() -> bytes:
                response = session.get(f'{influx}/query', auth=auth, params={
                    'db': DATABASE, 'epoch': 'ms',
                    'q': f'SELECT "value", "other" FROM "{Sample.measurement}" LIMIT {n}'})
                ok(response)
                return response.content

            api_get()  # the first request imports and connects: not timed
            influx_seconds, influx_body = best(args.repeat, influx_get)
            api_seconds, api_body = best(args.repeat, api_get)
            check_get(api_body, influx_body, n)
            row(f'influxd GET /query epoch=ms ({len(influx_body) >> 10:,} KiB)',
                influx_seconds, n)
            row(f'API GET shape=columns&epoch=ms ({len(api_body) >> 10:,} KiB)',
                api_seconds, n, f'{api_seconds / influx_seconds:.2f}x')
            print('  target: the API at most 1.5x influxd\'s time')

        if 'post' not in skip:
            body = ('\n'.join(lines(Written.measurement, n)) + '\n').encode()

            def drop() -> None:
                conn.query(f'DROP MEASUREMENT {quote_ident(Written.measurement)}')

            def count() -> int:
                (result,) = conn.query(f'SELECT count(value) FROM '
                                       f'{quote_ident(Written.measurement)}')
                return int(result['series'][0]['values'][0][1])

            def api_post() -> Any:
                response = session.post(f'{api.base}/{Written.measurement}/points/',
                                        data=body, headers={'Content-Type': 'text/plain'})
                ok(response)
                return response.json()

            def influx_post() -> None:
                response = session.post(f'{influx}/write', params={'db': DATABASE},
                                        data=body, auth=auth)
                ok(response)

            influx_seconds, _ = best(args.repeat, influx_post, drop)
            assert count() == n, 'influxd lost points'
            api_seconds, answer = best(args.repeat, api_post, drop)
            assert answer == {'written': n}, answer
            assert count() == n, 'the API lost points'
            row(f'influxd POST /write ({len(body) >> 10:,} KiB of line protocol)',
                influx_seconds, n)
            row('API POST text/plain', api_seconds, n,
                f'{influx_seconds / api_seconds:.2f}x')
            print('  target: the API at least 0.5x influxd\'s rate')

        if 'csv' not in skip:
            api.stop()
            api = APIServer(f'{server.url}/{DATABASE}')  # a fresh process: its own peak
            csv_url = f'{api.base}/{Sample.measurement}/points/'
            warm = session.get(csv_url, params={'format': 'csv', 'epoch': 'ms', 'limit': 10,
                                                'end': rfc3339(START_NS + 9 * STEP_NS)})
            ok(warm)
            assert warm.text.count('\n') == 11, warm.text
            gc.collect()
            rss_before = api.memory_kib('VmRSS')
            started = time.perf_counter()
            response = session.get(csv_url, params={'format': 'csv', 'epoch': 'ms'},
                                   stream=True)
            ok(response)
            newlines, size, last = 0, 0, b''
            for chunk in response.iter_content(1 << 16):
                newlines += chunk.count(b'\n')
                size += len(chunk)
                last = (last + chunk)[-200:]
            seconds = time.perf_counter() - started
            peak = api.memory_kib('VmHWM')
            assert newlines == total + 1, f'the CSV has {newlines - 1} rows, not {total}'
            final = last.rstrip(b'\n').rsplit(b'\n', 1)[-1].split(b',')
            assert int(final[0]) == (START_NS + (total - 1) * STEP_NS) // 1_000_000, final
            row(f'API GET format=csv ({size >> 20:,} MiB, {total:,} rows)', seconds, total)
            growth = max(peak - rss_before, 0) / 1024
            print(f'  server RSS: {rss_before / 1024:.0f} MB before, peak {peak / 1024:.0f} MB:'
                  f' {growth:.0f} MB more during the download (target: under 150 MB)')
    finally:
        if api is not None:
            api.stop()
        conn.query(f'DROP DATABASE {quote_ident(DATABASE)}')
        influxpy.disconnect()
        server.stop()


if __name__ == '__main__':
    main()
