"""The only code that talks HTTP to InfluxDB: one :class:`Connection` per server.

influxpy sends its own requests on a ``requests`` session because it needs bytes in
and streams out, retries that stop (``retries=0`` means none, not "forever"), a
deadline on the whole request, and errors that carry the server's text. The raw
``influxdb.InfluxDBClient`` stays available as ``connection.client``, on a session of
its own, for what influxpy does not cover.
"""

from __future__ import annotations

import base64
import gzip as gzip_module
import json
import logging
import random
import threading
import time
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import msgpack

from ..exceptions import (
    AuthenticationError,
    ConfigurationError,
    DatabaseNotFound,
    InfluxConnectionError,
    InfluxTimeoutError,
    ServerError,
)
from . import deadline as deadline_module
from .settings import DEFAULT_ALIAS, ConnectionSettings, parse_precision

if TYPE_CHECKING:
    import requests
    from influxdb import InfluxDBClient

log = logging.getLogger('influxpy')


def _basic_auth(username: str, password: str) -> str:
    """The Basic auth header in UTF-8, as InfluxDB compares it (requests sends Latin-1)."""
    token = base64.b64encode(f'{username}:{password}'.encode()).decode('ascii')
    return 'Basic ' + token


def _server_message(response: requests.Response) -> str:
    """The server's error text, from a JSON or msgpack body."""
    body: Any = None
    try:
        if response.headers.get('Content-Type', '').startswith('application/x-msgpack'):
            body = msgpack.unpackb(response.content, raw=False)
        else:
            body = response.json()
    except Exception:  # noqa: BLE001 - a body that is no JSON is shown as text
        body = None
    if isinstance(body, dict) and 'error' in body:
        return str(body['error'])
    return response.text.strip() or response.reason or 'no message'


def error_for_status(status: int, message: str, statement: str | None = None) -> ServerError:
    """The influxpy error for a server's status and message."""
    lowered = message.lower()
    if status in (401, 403) or 'authorization failed' in lowered or 'not authorized' in lowered:
        return AuthenticationError(message, status=status, statement=statement)
    if 'database not found' in lowered:
        return DatabaseNotFound(message, status=status, statement=statement)
    return ServerError(message, status=status, statement=statement)


class Connection:
    """One configured InfluxDB server and database; opened on first use.

    Safe to share between threads: ``requests`` sessions are, for the calls made here.
    """

    def __init__(self, settings: ConnectionSettings, alias: str = DEFAULT_ALIAS) -> None:
        self.settings = settings
        self.alias = alias
        self._client: InfluxDBClient | None = None
        self._session: requests.Session | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f'<Connection {self.alias!r} {self.settings.safe_url}>'

    @property
    def database(self) -> str | None:
        return self.settings.database

    @property
    def session(self) -> requests.Session:
        """The HTTP session influxpy's requests go through, opened on first use; its
        connections honour the whole-request deadline (see :mod:`.deadline`)."""
        with self._lock:
            if self._session is None:
                import requests

                session = requests.Session()
                deadline_module.install(session)
                self._session = session
            return self._session

    @property
    def client(self) -> InfluxDBClient:
        """The raw ``influxdb.InfluxDBClient``, for what influxpy does not cover (on a
        session of its own: its requests are the raw client's, not influxpy's)."""
        with self._lock:
            if self._client is None:
                from influxdb import InfluxDBClient

                s = self.settings
                self._client = InfluxDBClient(
                    host=s.host, port=s.port, username=s.username or '',
                    password=s.password or '', database=s.database, ssl=s.ssl,
                    verify_ssl=(s.ca_file or s.verify_ssl), timeout=s.timeout,
                    retries=max(s.retries, 1), path=s.path, gzip=s.gzip)
            return self._client

    def close(self) -> None:
        """Close pooled HTTP connections; the connection reopens if used again."""
        with self._lock:
            client, self._client = self._client, None
            session, self._session = self._session, None
        if session is not None:
            session.close()
        if client is not None:
            client.close()

    def require_database(self, database: str | None = None, *, who: str = '') -> str:
        """``database``, or the connection's; the one "no database" error otherwise
        (``who``: the model or command that needs one, named first)."""
        db = database or self.settings.database
        if not db:
            raise ConfigurationError(
                f'{who + ": " if who else ""}no database: give one in the URL of connection '
                f'{self.alias!r} ({self.settings.safe_url}/<database>), in Meta.database '
                'or as database=')
        return db

    # -- HTTP ---------------------------------------------------------------

    def request(self, method: str, endpoint: str, *, params: Mapping[str, Any] | None = None,
                data: bytes | Mapping[str, Any] | None = None,
                headers: Mapping[str, str] | None = None, stream: bool = False,
                statement: str | None = None) -> requests.Response:
        """Send one request with retries; map failures to influxpy's errors."""
        import requests

        s = self.settings
        url = f'{s.base_url}/{endpoint}'
        if s.username is not None:
            auth = _basic_auth(s.username, s.password or '')
            headers = {**(headers or {}), 'Authorization': auth}
        verify: bool | str = s.ca_file or s.verify_ssl
        session = self.session
        deadline = time.monotonic() + s.retry_max_time
        attempt = 0
        while True:
            retry_after: float | None = None
            # timeout bounds the whole request (a streamed one until its headers), and
            # no attempt outlives retry_max_time.
            watch = deadline_module.start(min(s.timeout, max(deadline - time.monotonic(), 0.01)))
            try:
                response = session.request(
                    method, url, params=params, data=data, headers=headers,
                    stream=stream, verify=verify, timeout=s.timeout)
            except requests.exceptions.RequestException as exc:
                if not watch.fired and isinstance(exc, requests.exceptions.SSLError):
                    raise InfluxConnectionError(
                        f'TLS handshake with {s.safe_url} failed: {_reason(exc)}') from None
                if watch.fired or isinstance(exc, requests.exceptions.Timeout):
                    error: Exception = InfluxTimeoutError(
                        f'InfluxDB at {s.safe_url} did not answer within {s.timeout:g} s')
                elif isinstance(exc, requests.exceptions.ConnectionError):
                    error = InfluxConnectionError(
                        f'cannot reach InfluxDB at {s.safe_url}: {_reason(exc)}')
                else:
                    raise
            else:
                if response.status_code < 300:
                    return response
                message = _server_message(response)
                retry_after = _retry_after(response.headers.get('Retry-After'))
                response.close()
                error = error_for_status(response.status_code, message, statement)
                if response.status_code < 500 and response.status_code != 429:
                    raise error  # a refusal that retrying will not change
            finally:
                deadline_module.stop(watch)
            if attempt >= s.retries:
                raise error
            attempt += 1
            # Exponential backoff with full jitter, unless the server said how long to wait.
            delay = retry_after if retry_after is not None else \
                min(s.retry_backoff * 2 ** attempt, 30.0) * random.random()
            if time.monotonic() + delay > deadline:
                raise error
            log.warning('retrying %s %s in %.2f s (%d of %d) after: %s', method, endpoint,
                        delay, attempt, s.retries, error)
            time.sleep(delay)

    def ping(self) -> str:
        """Check the server answers; return its version."""
        response = self.request('GET', 'ping')
        return response.headers.get('X-Influxdb-Version', 'unknown')

    def _query_form(self, statement: str, params: Mapping[str, Any] | None,
                    database: str | None, epoch: str | None) -> dict[str, Any]:
        """The /query form: the statement, database, time format and bind parameters."""
        form: dict[str, Any] = {'q': statement}
        db = database or self.settings.database
        if db:
            form['db'] = db
        if epoch:
            form['epoch'] = epoch
        if params:
            form['params'] = json.dumps(dict(params))
        return form

    def query(self, statement: str, *, params: Mapping[str, Any] | None = None,
              database: str | None = None, epoch: str | None = 'ns') -> list[dict[str, Any]]:
        """Run InfluxQL; return one result dict per statement (``series``, …).

        ``params`` are InfluxDB bind parameters (``$name`` in the statement).
        A statement the server refuses raises :class:`ServerError` with its message.
        """
        form = self._query_form(statement, params, database, epoch)
        response = self.request('POST', 'query', data=form, statement=statement,
                                headers={'Accept': 'application/x-msgpack'})
        body = _decode(response)
        results: list[dict[str, Any]] = body.get('results', [])
        for result in results:
            if 'error' in result:
                raise error_for_status(response.status_code, result['error'], statement)
        return results

    def query_chunks(self, statement: str, *, params: Mapping[str, Any] | None = None,
                     database: str | None = None, epoch: str | None = 'ns',
                     chunk_size: int = 10000) -> Iterator[dict[str, Any]]:
        """Stream a query's answer: yield each result chunk as the server sends it."""
        form = self._query_form(statement, params, database, epoch)
        form.update(chunked='true', chunk_size=chunk_size)
        response = self.request('POST', 'query', data=form, stream=True, statement=statement,
                                headers={'Accept': 'application/x-msgpack'})
        try:
            # Rows as tuples: smaller, and not tracked by the garbage collector.
            unpacker = msgpack.Unpacker(raw=False, use_list=False)
            for block in self._blocks(response):
                unpacker.feed(block)
                for body in unpacker:
                    for result in body.get('results', []):
                        if 'error' in result:
                            raise error_for_status(response.status_code, result['error'],
                                                   statement)
                        yield result
        finally:
            response.close()

    def _blocks(self, response: requests.Response) -> Iterator[bytes]:
        """A streamed body's blocks; the wait for each is bounded by ``timeout``."""
        import requests

        blocks = response.iter_content(chunk_size=65536)
        connection = getattr(response.raw, 'connection', None)
        while True:
            watch = deadline_module.watch_connection(connection, self.settings.timeout)
            try:
                block = next(blocks, None)
            except requests.exceptions.RequestException as exc:
                if watch.fired:
                    raise InfluxTimeoutError(
                        f'InfluxDB at {self.settings.safe_url} sent no chunk within '
                        f'{self.settings.timeout:g} s') from None
                raise InfluxConnectionError(
                    f'lost InfluxDB at {self.settings.safe_url}: {_reason(exc)}') from None
            finally:
                deadline_module.stop(watch)
            if block is None:
                return
            yield block

    def write(self, data: bytes, *, database: str | None = None,
              retention_policy: str | None = None, precision: str | None = None) -> None:
        """Write line protocol bytes; raise :class:`ServerError` with the server's text."""
        params = {'db': self.require_database(database),
                  'precision': parse_precision('precision',
                                               precision or self.settings.precision)}
        if retention_policy:
            params['rp'] = retention_policy
        headers = {'Content-Type': 'application/octet-stream'}
        if self.settings.gzip:
            data = gzip_module.compress(data, compresslevel=1)
            headers['Content-Encoding'] = 'gzip'
        self.request('POST', 'write', params=params, data=data, headers=headers)


def _decode(response: requests.Response) -> dict[str, Any]:
    if response.headers.get('Content-Type', '').startswith('application/x-msgpack'):
        return msgpack.unpackb(response.content, raw=False)  # type: ignore[no-any-return]
    return response.json()  # type: ignore[no-any-return]


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number or an HTTP date); None if absent."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _reason(exc: BaseException) -> str:
    """What actually failed, from the urllib3 error inside a requests error."""
    inner: Any = exc.args[0] if exc.args else exc
    inner = getattr(inner, 'reason', inner)
    return str(inner).rsplit(': ', 1)[-1] or type(exc).__name__


# -- aliases ----------------------------------------------------------------
