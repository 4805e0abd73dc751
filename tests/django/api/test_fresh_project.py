"""The API in a freshly generated Django project, served by ``runserver`` over real HTTP.

The project has its own settings (what a user writes, from the README), its own app with
a measurement, SQLite for users and tokens; requests go through ``requests`` with token
and basic auth, and the answers are checked with raw InfluxQL.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

SETTINGS = '''
INSTALLED_APPS += ['rest_framework', 'rest_framework.authtoken', 'drf_spectacular',
                   'drf_spectacular_sidecar', 'influxpy.contrib.django', 'meters']
INFLUXPY = {{'default': {{'URL': {url!r}}}}}
INFLUXPY_API = {{'MEASUREMENTS': ['meters.measurements.Meter']}}
INFLUXPY_STORAGE = {{'BACKEND': 'influxpy.contrib.django.storage.ORMStorage'}}
REST_FRAMEWORK = {{'DEFAULT_SCHEMA_CLASS': 'drf_spectacular.openapi.AutoSchema'}}
'''
MEASUREMENTS = '''
from influxpy import fields, models


class Meter(models.InfluxMeasurement):
    measurement = 'meters'
    site = fields.InfluxTag()
    kwh = fields.FloatField()
'''
URLS = '''
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path('admin/', admin.site.urls),
    path('api/v1/', include('influxpy.contrib.django.api.urls')),
]
'''


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return int(sock.getsockname()[1])


def _manage(project: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, 'manage.py', *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_fresh_project_over_real_http(influx_db: Any, influx_server: Any, tmp_path: Path) -> None:
    project = tmp_path / 'site'
    project.mkdir()
    subprocess.run([sys.executable, '-m', 'django', 'startproject', 'site_', str(project)],
                   check=True, capture_output=True, timeout=60)
    app = project / 'meters'
    app.mkdir()
    (app / '__init__.py').write_text('')
    (app / 'measurements.py').write_text(MEASUREMENTS)
    with open(project / 'site_' / 'settings.py', 'a', encoding='utf-8') as handle:
        handle.write(SETTINGS.format(url=f'{influx_server.url}/{influx_db.database}'))
    (project / 'site_' / 'urls.py').write_text(URLS)
    env = {k: v for k, v in os.environ.items() if not k.startswith('DJANGO_')}
    env.update(DJANGO_SETTINGS_MODULE='site_.settings', DJANGO_SUPERUSER_PASSWORD='s3cret',
               PYTHONPATH=os.pathsep.join([str(project), *sys.path]))
    _manage(project, env, 'migrate', '--noinput')
    _manage(project, env, 'createsuperuser', '--noinput', '--username', 'ops',
            '--email', 'ops@example.com')
    token = _manage(project, env, 'drf_create_token', 'ops').split()[2]
    port = _free_port()
    server = subprocess.Popen([sys.executable, 'manage.py', 'runserver', '--noreload',
                               f'127.0.0.1:{port}'], cwd=project, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f'http://127.0.0.1:{port}/api/v1'
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f'{base}/', timeout=2)
                break
            except requests.ConnectionError:
                assert server.poll() is None, server.stdout.read().decode()  # type: ignore
                assert time.monotonic() < deadline, 'runserver did not start'
                time.sleep(0.2)
        body = 'meters,site=north kwh=1.25 1700000000000000001\n' \
               'meters,site=south kwh=2.5 1700000000000000002\n'
        posted = requests.post(f'{base}/measurements/meters/points/', data=body,
                               headers={'Content-Type': 'text/plain',
                                        'Authorization': f'Token {token}'}, timeout=30)
        assert posted.status_code == 201, posted.text
        (result,) = influx_db.query('SELECT kwh, site FROM meters', epoch='ns')
        assert result['series'][0]['values'] == [[1700000000000000001, 1.25, 'north'],
                                                 [1700000000000000002, 2.5, 'south']]
        got = requests.get(f'{base}/measurements/meters/points/',
                           params={'site': 'south', 'epoch': 'ns'},
                           auth=('ops', 's3cret'), timeout=30)
        assert got.status_code == 200, got.text
        assert got.json()['series'] == [{
            'tags': {'site': 'south'}, 'first': 1700000000000000002,
            'last': 1700000000000000002,
            'points': [{'time': 1700000000000000002, 'kwh': 2.5}]}]
        anonymous = requests.get(f'{base}/measurements/meters/points/', timeout=30)
        assert anonymous.status_code == 404 and 'meters' in anonymous.json()['detail']
        bad = requests.get(f'{base}/measurements/meters/points/', params={'limit': 'x'},
                           auth=('ops', 's3cret'), timeout=30)
        assert bad.status_code == 400 and bad.json()['errors'][0]['parameter'] == 'limit'
        schema = requests.get(f'{base}/schema/', auth=('ops', 's3cret'), timeout=30)
        assert schema.status_code == 200 and 'openapi' in schema.text
        assert 'access-control-allow-origin' not in {k.lower() for k in got.headers}
    finally:
        server.terminate()
        server.wait(timeout=30)
