"""The transport against real servers: answers, errors, timeouts, auth, retries."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

import influxpy
from influxpy.connection import Connection
from influxpy.exceptions import (
    AuthenticationError,
    DatabaseNotFound,
    InfluxConnectionError,
    InfluxTimeoutError,
    ServerError,
)
from influxpy.testing import InfluxServer, free_port


def test_ping_reports_the_server_version(influx_db: Connection) -> None:
    assert influx_db.ping().startswith('1.')


def test_write_and_query_round_trip(influx_db: Connection) -> None:
    influx_db.write(b'm,host=a value=1.5 1000\nm,host=b value=2.5 2000\n')
    (result,) = influx_db.query('SELECT value, host FROM m WHERE host = $h', params={'h': 'b'})
    (series,) = result['series']
    assert series['columns'] == ['time', 'value', 'host']
    assert series['values'] == [[2000, 2.5, 'b']]


def test_query_chunks_streams_in_pieces(influx_db: Connection) -> None:
    influx_db.write(b''.join(b'm v=%d %d\n' % (i, i) for i in range(25)))
    chunks = list(influx_db.query_chunks('SELECT v FROM m', chunk_size=10))
    assert [len(c['series'][0]['values']) for c in chunks] == [10, 10, 5]
    assert [row[1] for c in chunks for row in c['series'][0]['values']] == list(range(25))


def test_server_error_text_reaches_the_user(influx_db: Connection) -> None:
    with pytest.raises(ServerError) as info:
        influx_db.query('SELEC nothing')
    assert 'error parsing query' in info.value.message
    assert info.value.status == 400
    assert 'SELEC nothing' in str(info.value)


def test_statement_error_inside_a_200_answer(influx_db: Connection) -> None:
    with pytest.raises(DatabaseNotFound, match='database not found'):
        influx_db.query('SELECT * FROM m', database='no_such_db')


def test_write_error_carries_the_server_message(influx_db: Connection) -> None:
    with pytest.raises(DatabaseNotFound):
        influx_db.write(b'm v=1 1', database='no_such_db')
    with pytest.raises(ServerError, match='unable to parse') as info:
        influx_db.write(b'm v= 1')
    assert info.value.status == 400


def test_unreachable_server_is_a_connection_error_within_the_timeout() -> None:
    conn = influxpy.connect(f'influxdb://127.0.0.1:{free_port()}/db?timeout=1&retries=0',
                            alias='down')
    try:
        started = time.monotonic()
        with pytest.raises(InfluxConnectionError, match='cannot reach InfluxDB') as info:
            conn.ping()
        assert time.monotonic() - started < 10  # no hang
        assert 'requests' not in type(info.value).__module__
    finally:
        influxpy.disconnect('down')


@pytest.fixture
def silent_server() -> Iterator[tuple[int, list[socket.socket]]]:
    """Accepts connections and never answers, like a hung server."""
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], accepted
    stop.set()
    thread.join()
    for sock in accepted:
        sock.close()
    listener.close()


def test_timeout_fires_and_is_its_own_error(silent_server: tuple[int, list[socket.socket]]) -> None:
    port, accepted = silent_server
    conn = influxpy.connect(f'influxdb://127.0.0.1:{port}/db?timeout=0.3&retries=0', alias='slow')
    try:
        started = time.monotonic()
        with pytest.raises(InfluxTimeoutError, match='did not answer within 0.3 s'):
            conn.query('SHOW DATABASES')
        assert time.monotonic() - started < 5
        assert len(accepted) == 1
    finally:
        influxpy.disconnect('slow')


def test_retries_are_counted_and_logged_without_password(
        silent_server: tuple[int, list[socket.socket]], caplog: pytest.LogCaptureFixture) -> None:
    port, accepted = silent_server
    conn = influxpy.connect(f'influxdb://u:topsecret@127.0.0.1:{port}/db?timeout=0.2&retries=2',
                            alias='retry')
    try:
        with caplog.at_level(logging.WARNING, logger='influxpy'):
            with pytest.raises(InfluxTimeoutError) as info:
                conn.query('SHOW DATABASES')
        assert len(accepted) == 3  # the first try and two retries
        assert len([r for r in caplog.records if 'retrying' in r.getMessage()]) == 2
        assert 'topsecret' not in caplog.text
        assert 'topsecret' not in str(info.value) and 'topsecret' not in repr(info.value)
    finally:
        influxpy.disconnect('retry')


@pytest.fixture(scope='module')
def auth_server() -> Iterator[InfluxServer]:
    with InfluxServer(auth=True) as server:
        yield server


def test_auth_server_accepts_the_right_credentials(auth_server: InfluxServer) -> None:
    conn = influxpy.connect(auth_server.url + '/authdb', alias='auth')
    try:
        conn.query('CREATE DATABASE authdb')
        conn.write(b'm v=1 1')
        assert conn.query('SELECT v FROM m')[0]['series'][0]['values'] == [[1, 1.0]]
    finally:
        influxpy.disconnect('auth')


@pytest.mark.parametrize('credentials', ['admin:wrong-password@', 'nobody:x@', ''])
def test_auth_server_refuses_wrong_credentials(auth_server: InfluxServer, credentials: str) -> None:
    conn = influxpy.connect(f'influxdb://{credentials}127.0.0.1:{auth_server.port}/authdb',
                            alias='badauth')
    try:
        with pytest.raises(AuthenticationError) as info:
            conn.query('SHOW DATABASES')
        assert info.value.status == 401
        assert 'wrong-password' not in str(info.value)
        with pytest.raises(AuthenticationError):
            conn.write(b'm v=1 1')
    finally:
        influxpy.disconnect('badauth')


def test_user_without_privilege_gets_an_auth_error(auth_server: InfluxServer) -> None:
    admin = influxpy.connect(auth_server.url + '/private', alias='admin')
    try:
        admin.query('CREATE DATABASE private')
        admin.query('CREATE DATABASE other')
        admin.query("CREATE USER reader WITH PASSWORD 'r3ader'")
        admin.query('GRANT READ ON private TO reader')
        reader = influxpy.connect(f'influxdb://reader:r3ader@127.0.0.1:{auth_server.port}/private',
                                  alias='reader')
        reader.query('SELECT * FROM m')
        with pytest.raises(AuthenticationError) as info:
            reader.write(b'm v=1 1')
        assert info.value.status == 403
        with pytest.raises(AuthenticationError):
            reader.query('SELECT * FROM m', database='other')
        admin.query("CREATE USER writer WITH PASSWORD 'wr1ter'")
        admin.query('GRANT ALL ON private TO writer')
        writer = influxpy.connect(f'influxdb://writer:wr1ter@127.0.0.1:{auth_server.port}/private',
                                  alias='writer')
        writer.write(b'm v=2 2')
        with pytest.raises(AuthenticationError, match='not authorized') as denied:
            writer.write(b'm v=3 3', database='other')
        assert denied.value.status == 403 and 'wr1ter' not in str(denied.value)
    finally:
        influxpy.disconnect('admin')
        influxpy.disconnect('reader')
        influxpy.disconnect('writer')


@pytest.fixture(scope='module')
def tls_server() -> Iterator[InfluxServer]:
    with InfluxServer(tls=True) as server:
        yield server


def test_tls_verifies_the_certificate_by_default(tls_server: InfluxServer) -> None:
    assert tls_server.url.startswith('influxdbs://')
    conn = influxpy.connect(tls_server.url + '/tls?retries=0', alias='tls')
    try:
        with pytest.raises(InfluxConnectionError, match='TLS handshake .* failed.*certificate'):
            conn.ping()
    finally:
        influxpy.disconnect('tls')


def test_tls_with_a_ca_file_or_verification_off(tls_server: InfluxServer) -> None:
    trusted = influxpy.connect(tls_server.url + '/tls', alias='trusted',
                               ca_file=tls_server.certificate)
    insecure = influxpy.connect(tls_server.url + '/tls?verify_ssl=false', alias='insecure')
    try:
        trusted.query('CREATE DATABASE tls')
        trusted.write(b'm v=1 1')
        with pytest.warns(Warning, match='Unverified HTTPS request'):
            assert insecure.query('SELECT v FROM m')[0]['series'][0]['values'] == [[1, 1.0]]
    finally:
        influxpy.disconnect('trusted')
        influxpy.disconnect('insecure')


@pytest.mark.parametrize('password', ['café-Kx7Qz', '€uro-Vy4Rt', 'a/b?c#d@e:f'])
def test_non_ascii_and_unencoded_passwords_work_as_arguments(auth_server: InfluxServer,
                                                            password: str) -> None:
    import urllib.parse
    import urllib.request

    from influxpy.quoting import quote_string
    admin = influxpy.connect(auth_server.url, alias='admin')
    user = 'u' + str(abs(hash(password)))
    try:
        admin.query(f'CREATE USER {user} WITH PASSWORD {quote_string(password)}')
        admin.query(f'GRANT ALL PRIVILEGES TO {user}')
        # The server itself takes these credentials (outside influxpy: parameters u and p).
        raw = urllib.parse.urlencode({'q': 'SHOW DATABASES', 'u': user, 'p': password})
        urllib.request.urlopen(f'{auth_server.http_url}/query?{raw}', timeout=10).read()
        conn = influxpy.connect(f'influxdb://127.0.0.1:{auth_server.port}', alias='utf8',
                                username=user, password=password, retries=0)
        assert [r.get('error') for r in conn.query('SHOW DATABASES')] == [None]
        wrong = influxpy.connect(f'influxdb://127.0.0.1:{auth_server.port}', alias='utf8bad',
                                 username=user, password=password + '€', retries=0)
        with pytest.raises(AuthenticationError) as info:
            wrong.query('SHOW DATABASES')
        assert password not in repr(info.value) and password not in str(info.value)
    finally:
        admin.query(f'DROP USER {user}')
        for alias in ('admin', 'utf8', 'utf8bad'):
            influxpy.disconnect(alias)


def test_tls_with_the_wrong_ca_file_fails_clearly(tls_server: InfluxServer) -> None:
    import requests.certs
    conn = influxpy.connect(tls_server.url + '/tls?retries=0', alias='wrongca',
                            ca_file=requests.certs.where())
    try:
        with pytest.raises(InfluxConnectionError, match='TLS handshake .* failed.*certificate'):
            conn.ping()
    finally:
        influxpy.disconnect('wrongca')


def _dripping_server(stop: threading.Event, head: bytes = b'') -> int:
    """A loopback HTTP server that sends ``head`` then one byte every 0.3 s, forever."""
    listener = socket.create_server(('127.0.0.1', 0))
    listener.settimeout(0.2)
    answer = b'HTTP/1.1 204 No Content\r\nX-Influxdb-Version: 1.6.7\r\n' + b'X-Pad: x\r\n' * 10000

    def serve() -> None:
        with listener:
            while not stop.is_set():
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                threading.Thread(target=drip, args=(client,), daemon=True).start()

    def drip(client: socket.socket) -> None:
        with client:
            if head:
                client.recv(65536)
                client.sendall(head)
            for byte in answer:
                if stop.wait(0.3):
                    return
                try:
                    client.sendall(bytes([byte]))
                except OSError:
                    return

    threading.Thread(target=serve, daemon=True).start()
    return int(listener.getsockname()[1])


def test_timeout_bounds_a_request_to_a_server_sending_one_byte_at_a_time() -> None:
    stop = threading.Event()
    port = _dripping_server(stop)
    conn = influxpy.connect(f'influxdb://127.0.0.1:{port}/db?timeout=1&retries=0', alias='drip')
    try:
        _times_out(conn.ping, 'ping()')
    finally:
        stop.set()
        influxpy.disconnect('drip')

def test_timeout_bounds_the_wait_for_each_chunk_of_a_stream() -> None:
    stop = threading.Event()
    head = (b'HTTP/1.1 200 OK\r\nContent-Type: application/x-msgpack\r\n'
            b'Transfer-Encoding: chunked\r\n\r\n')
    port = _dripping_server(stop, head)
    conn = influxpy.connect(f'influxdb://127.0.0.1:{port}/db?timeout=1&retries=0', alias='drip')
    try:
        _times_out(lambda: list(conn.query_chunks('SELECT * FROM m')), 'query_chunks()')
    finally:
        stop.set()
        influxpy.disconnect('drip')


def _times_out(call: Callable[[], object], what: str) -> None:
    """``call()`` in a thread must end, and with InfluxTimeoutError."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(30)  # a safety limit, not a speed assertion
    assert not worker.is_alive(), f'{what} still running against a dripping server'
    assert isinstance(outcome[0], InfluxTimeoutError), outcome

def test_influxpy_has_its_own_session_and_the_raw_client_another(
        influx_db: Connection) -> None:
    from influxpy.connection import deadline

    session = influx_db.session
    assert session is influx_db.session  # opened once
    assert influx_db.client._session is not session
    # influxpy's requests are bounded by the whole-request deadline; the raw client's not.
    pools = session.get_adapter('http://x').poolmanager.pool_classes_by_scheme
    assert pools['http'] is deadline._HTTPPool
    assert influx_db.ping()
    assert influx_db.client.ping()  # the raw client works on its own session
    influx_db.close()
    assert influx_db._session is None and influx_db._client is None
    assert influx_db.ping()  # reopens
