"""URL parsing and configuration: pure, no server needed."""

from __future__ import annotations

from pathlib import Path

import pytest

import influxpy
from influxpy.connection import ConnectionSettings, get_connection, parse_url
from influxpy.exceptions import ConfigurationError, InfluxPyError


def test_full_url_parses_every_part() -> None:
    s = parse_url('influxdbs://alice:s%40cret@db.example.org:9999/prefix/metrics'
                  '?timeout=2.5&retries=0&verify_ssl=false&precision=ms&gzip=true')
    assert (s.host, s.port, s.database, s.username, s.password) == (
        'db.example.org', 9999, 'metrics', 'alice', 's@cret')
    assert s.ssl and s.path == '/prefix'
    assert (s.timeout, s.retries, s.verify_ssl, s.precision, s.gzip) == (2.5, 0, False, 'ms', True)
    assert s.base_url == 'https://db.example.org:9999/prefix'


def test_defaults() -> None:
    s = parse_url('influxdb://localhost')
    assert s == ConnectionSettings(host='localhost', port=8086)
    assert s.database is None and s.timeout == 5.0 and s.retries == 3 and s.verify_ssl


def test_ipv6_host_and_encoded_database() -> None:
    s = parse_url('influxdb://[::1]:8087/my%20db')
    assert s.host == '::1' and s.port == 8087 and s.database == 'my db'
    assert s.base_url == 'http://[::1]:8087'


def test_keyword_options_override_the_query_string() -> None:
    assert parse_url('influxdb://h/db?timeout=9', timeout=1).timeout == 1.0


@pytest.mark.parametrize('url, words', [
    ('', 'empty'),
    ('http://localhost:8086/db', "unknown URL scheme 'http'"),
    ('influxdb://localhost:99999/db', '1 to 65535'),
    ('influxdb://localhost:0/db', 'port 0'),
    ('influxdb://localhost:abc/db', "'localhost:abc'"),
    ('influxdb://localhost/db?colour=blue', "unknown connection option 'colour'"),
    ('influxdb://localhost/db?timeout=soon', "timeout='soon'"),
    ('influxdb://localhost/db?timeout=-1', 'positive'),
    ('influxdb://localhost/db?retries=-2', 'retries'),
    ('influxdb://localhost/db?retries=1.5', 'whole number'),
    ('influxdb://localhost/db?verify_ssl=maybe', 'boolean'),
    ('influxdb://localhost/db?precision=ps', 'precision'),
    ('influxdb://localhost/db?timeout=1&timeout=2', 'twice'),
    ('influxdb://localhost/db#frag', 'fragment'),
])
def test_bad_urls_name_the_bad_part(url: str, words: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        influxpy.connect(url, alias='bad')
    assert words in str(info.value)
    assert isinstance(info.value, InfluxPyError)


def test_password_never_in_repr_or_str() -> None:
    conn = influxpy.connect('influxdb://bob:hunter2@localhost/db', alias='secret')
    try:
        for text in (repr(conn), str(conn), repr(conn.settings), str(conn.settings),
                     conn.settings.safe_url):
            assert 'hunter2' not in text
        assert 'bob:***@' in repr(conn)
    finally:
        influxpy.disconnect('secret')


def test_connect_is_lazy_and_aliases_are_kept() -> None:
    # Nothing listens on port 1: configuring must not touch the network.
    conn = influxpy.connect('influxdb://127.0.0.1:1/db', alias='lazy')
    try:
        assert get_connection('lazy') is conn
        assert conn._client is None
    finally:
        influxpy.disconnect('lazy')
    with pytest.raises(ConfigurationError, match="no connection named 'lazy'"):
        get_connection('lazy')


def test_default_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    influxpy.disconnect()
    monkeypatch.setenv('INFLUX_DATABASE_URL', 'influxdb://envhost:8123/envdb?timeout=3')
    try:
        conn = get_connection()
        assert (conn.settings.host, conn.settings.port, conn.database) == ('envhost', 8123, 'envdb')
        assert conn.settings.timeout == 3.0
        assert influxpy.connect().settings.host == 'envhost'
    finally:
        influxpy.disconnect()


def test_no_default_without_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    influxpy.disconnect()
    monkeypatch.delenv('INFLUX_DATABASE_URL', raising=False)
    with pytest.raises(ConfigurationError, match='INFLUX_DATABASE_URL'):
        get_connection()
    with pytest.raises(ConfigurationError, match='INFLUX_DATABASE_URL'):
        influxpy.connect()


def test_importing_influxpy_opens_nothing() -> None:
    import subprocess
    import sys
    code = ('import os, socket\n'
            'os.environ["INFLUX_DATABASE_URL"] = "influxdb://127.0.0.1:1/db"\n'
            'calls = []\n'
            'real = socket.socket.connect\n'
            'socket.socket.connect = lambda self, addr: calls.append(addr) or real(self, addr)\n'
            'import influxpy, influxpy.testing\n'
            'assert not calls, calls\n'
            'print("ok")\n')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == 'ok'


@pytest.mark.parametrize('secret', ['Kx7Qz/Vy4Rt', 'Kx7Qz?Vy4Rt', 'Kx7Qz#Vy4Rt', '12345/Vy4Rt'])
def test_unencoded_password_is_refused_without_echoing_it(secret: str) -> None:
    with pytest.raises(ConfigurationError, match='must be percent-encoded') as info:
        influxpy.connection.parse_url(f'influxdb://admin:{secret}@host/db')
    for piece in secret.replace('/', ' ').replace('?', ' ').replace('#', ' ').split():
        assert piece not in str(info.value)


def test_username_and_password_as_arguments() -> None:
    s = influxpy.connection.parse_url('influxdb://host/db', username='u', password='p/?#@')
    assert (s.username, s.password) == ('u', 'p/?#@')
    assert 'p/?#@' not in repr(s)


def test_ca_file_must_exist_and_not_be_combined_with_verify_off(tmp_path: Path) -> None:
    missing = tmp_path / 'missing.pem'
    with pytest.raises(ConfigurationError, match='ca_file=.*no such file'):
        influxpy.connection.parse_url('influxdbs://host/db', ca_file=str(missing))
    missing.write_text('x')
    with pytest.raises(ConfigurationError, match='ca_file and verify_ssl=false'):
        influxpy.connection.parse_url(f'influxdbs://host/db?verify_ssl=false&ca_file={missing}')
