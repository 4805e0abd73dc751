"""The pytest plugin and the throwaway server themselves."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import influxpy
from influxpy.connection import Connection
from influxpy.testing import InfluxServer


def test_each_test_gets_a_fresh_default_database(influx_db: Connection) -> None:
    assert influxpy.get_connection() is influx_db
    names = [row[0] for row in influx_db.query('SHOW DATABASES')[0]['series'][0]['values']]
    assert influx_db.database in names
    assert not influx_db.query('SHOW MEASUREMENTS')[0].get('series')


def test_server_stops_and_cleans_up() -> None:
    server = InfluxServer().start()
    directory, process = server.directory, server.process
    assert directory and os.path.isdir(directory) and process is not None
    assert 'InfluxDB starting' in server.log()
    server.stop()
    assert process.poll() is not None
    assert not os.path.exists(directory)


def test_restart_keeps_data() -> None:
    with InfluxServer() as server:
        conn = influxpy.connect(server.url + '/keep', alias='restart')
        try:
            conn.query('CREATE DATABASE keep')
            conn.write(b'm v=7 1')
            server.restart()
            assert conn.query('SELECT v FROM m')[0]['series'][0]['values'] == [[1, 7.0]]
        finally:
            influxpy.disconnect('restart')


def test_plugin_drops_databases_and_shows_the_log_on_failure(
        influx_server: Any, tmp_path: Path) -> None:
    """Run a user's test file through the plugin in a separate pytest process."""
    if os.environ.get('INFLUX_DATABASE_URL'):
        pytest.fail('this test starts its own server; unset INFLUX_DATABASE_URL to run it')
    (tmp_path / 'test_user.py').write_text(textwrap.dedent('''
        import influxpy
        def test_writes(influx_db):
            influx_db.write(b'm v=1 1')
            open('dbname.txt', 'w').write(influx_db.database)
        def test_fails(influx_db):
            assert False, 'on purpose'
    '''))
    env = {k: v for k, v in os.environ.items() if k != 'PYTEST_ADDOPTS'}
    run = subprocess.run([sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider', '-q',
                          'test_user.py'], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert '1 failed, 1 passed' in run.stdout, run.stdout + run.stderr
    assert 'influxd log (last lines)' in run.stdout
    assert (tmp_path / 'dbname.txt').read_text().startswith('test_')


def test_without_influxd_or_docker_the_error_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from influxpy.testing import ServerStartError, server
    monkeypatch.setattr(server.shutil, 'which', lambda name: None)
    monkeypatch.setattr(server, '_docker_answers', lambda: False)
    with pytest.raises(ServerStartError, match="apt-get install influxdb.*docker compose"):
        server.start_server()


def test_without_influxd_a_docker_engine_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    # The selection only: this machine has no Docker engine to run influxdb:1.8 on.
    from influxpy.testing import server
    started: list[Any] = []
    monkeypatch.setattr(server.shutil, 'which', lambda name: None)
    monkeypatch.setattr(server, '_docker_answers', lambda: True)
    monkeypatch.setattr(server.DockerInfluxServer, 'start',
                        lambda self: started.append(self) or self)
    chosen = server.start_server(auth=True)
    assert started == [chosen] and isinstance(chosen, server.DockerInfluxServer)
    assert chosen.auth and chosen.kind == 'docker'


def test_plugin_uses_the_server_named_by_the_environment(tmp_path: Path) -> None:
    """With INFLUX_DATABASE_URL set, the plugin starts no server: tests use that one."""
    with InfluxServer() as external:
        (tmp_path / 'test_user.py').write_text(textwrap.dedent('''
            def test_on_the_external_server(influx_server, influx_db):
                assert influx_server.kind == 'external'
                influx_db.write(b'm v=1 1')
                open('dbname.txt', 'w').write(influx_db.database)
        '''))
        env = {k: v for k, v in os.environ.items() if k != 'PYTEST_ADDOPTS'}
        env['INFLUX_DATABASE_URL'] = f'{external.url}/ignored'
        run = subprocess.run([sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider', '-q',
                              'test_user.py'], cwd=tmp_path, capture_output=True, text=True,
                             env=env)
        assert '1 passed' in run.stdout, run.stdout + run.stderr
        name = (tmp_path / 'dbname.txt').read_text()
        conn = influxpy.connect(external.url + '/x', alias='external')
        try:
            databases = [r[0] for r in conn.query('SHOW DATABASES')[0]['series'][0]['values']]
            assert name.startswith('test_') and name not in databases  # used, then dropped
            assert 'ignored' not in databases
        finally:
            influxpy.disconnect('external')


PROJECT_SETTINGS = '''
INSTALLED_APPS += ['influxpy.contrib.django']
USE_TZ = True
INFLUXPY = {{
    'default': {{'URL': {production!r}, 'OPTIONS': {{'timeout': 2, 'retries': 1}}}},
    'archive': {{'URL': {archive!r}}},
}}
INFLUXPY_STORAGE = {{
    'BACKEND': 'influxpy.contrib.django.storage.InfluxStorage',
    'OPTIONS': {{'model': 'influxpy.Reading'}},
}}
'''
PROJECT_TEST = '''
import influxpy
from influxpy import fields, models
from influxpy.contrib.django.storage import readings


class Archived(models.InfluxMeasurement):
    measurement = 'archived'
    v = fields.FloatField()

    class Meta:
        using = 'archive'


def test_ingest(influx_db):
    readings.store_reading('boiler-1', {'value': 71.5})
    Archived(v=1.0).save()
    influxpy.Writer  # the public API is there
    names = influx_db.query('SHOW MEASUREMENTS')[0]['series'][0]['values']
    assert sorted(n[0] for n in names) == ['archived', 'influxpy_reading']
    assert len(readings.query_readings('boiler-1')) == 1
'''


def test_in_a_django_project_influx_db_redirects_the_settings_servers(
        influx_db: Connection, influx_server: Any, tmp_path: Path) -> None:
    # A fresh project with the README's settings, naming a "production" database: its
    # test using influx_db and the storage must never write there.
    for name in ('production', 'archive'):
        influx_db.query(f'CREATE DATABASE {name}')
    subprocess.run([sys.executable, '-m', 'django', 'startproject', 'plant', str(tmp_path)],
                   check=True, capture_output=True, timeout=60)
    with open(tmp_path / 'plant' / 'settings.py', 'a', encoding='utf-8') as handle:
        handle.write(PROJECT_SETTINGS.format(production=f'{influx_server.url}/production',
                                             archive=f'{influx_server.url}/archive'))
    (tmp_path / 'test_ingest.py').write_text(PROJECT_TEST, encoding='utf-8')
    env = {**os.environ, 'DJANGO_SETTINGS_MODULE': 'plant.settings',
           'INFLUX_DATABASE_URL': influx_server.url}
    done = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider',
                           'test_ingest.py'], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert '1 passed' in done.stdout
    for name in ('production', 'archive'):
        (shown,) = influx_db.query('SHOW MEASUREMENTS', database=name)
        assert not shown.get('series'), f'the test wrote into {name}'
