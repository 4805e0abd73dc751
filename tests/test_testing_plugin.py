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
