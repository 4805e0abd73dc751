"""Connections: URL configuration, aliases, and the only code that talks HTTP.

A connection is configured by a URL such as
``influxdb://user:secret@db.example:8086/metrics?timeout=2&retries=1`` and opened
lazily: nothing touches the network until the first query or write.

The transport is the ``requests`` session of an ``influxdb.InfluxDBClient`` (the raw
client stays available as ``connection.client``); influxpy sends its own requests on
that session because it needs bytes in and streams out, retries that stop
(``retries=0`` means none, not "forever"), and errors that carry the server's text.
"""

from __future__ import annotations

import base64
import gzip as gzip_module
import json
import logging
import os
import random
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import msgpack

from . import deadline as deadline_module
from .exceptions import (
    AuthenticationError,
    ConfigurationError,
    DatabaseNotFound,
    InfluxConnectionError,
    InfluxTimeoutError,
    ServerError,
)

if TYPE_CHECKING:
    import requests
    from influxdb import InfluxDBClient

log = logging.getLogger('influxpy')

ENV_URL = 'INFLUX_DATABASE_URL'
DEFAULT_ALIAS = 'default'
SCHEMES = {'influxdb': False, 'influxdbs': True}  # scheme -> TLS
PRECISIONS = ('ns', 'u', 'ms', 's', 'm', 'h')
_TRUE = {'1', 'true', 'yes', 'on'}
_FALSE = {'0', 'false', 'no', 'off'}


def _parse_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigurationError(f'option {name}={value!r} is not a boolean (use true or false)')


def _parse_timeout(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f'option {name}={value!r} is not a number of seconds') from None
    if not number > 0 or number == float('inf'):
        raise ConfigurationError(f'option {name}={value!r} must be a positive number of seconds')
    return number


def _parse_retries(name: str, value: Any) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise ConfigurationError(f'option {name}={value!r} is not a whole number') from None
    if number < 0:
        raise ConfigurationError(f'option {name}={value!r} must be 0 (no retries) or more')
    return number


def _parse_precision(name: str, value: Any) -> str:
    if value not in PRECISIONS:
        raise ConfigurationError(
            f'option {name}={value!r} is not a precision; use one of {", ".join(PRECISIONS)}')
    return str(value)


def _parse_path(name: str, value: Any) -> str | None:
    return str(value) if value not in (None, '') else None


# Each option of the URL's query string, with the function that checks it.
OPTIONS = {
    'timeout': _parse_timeout,
    'retries': _parse_retries,
    'retry_max_time': _parse_timeout,
    'retry_backoff': _parse_timeout,
    'verify_ssl': _parse_bool,
    'ca_file': _parse_path,
    'precision': _parse_precision,
    'gzip': _parse_bool,
}


@dataclass(frozen=True)
class ConnectionSettings:
    """Where a connection goes and how; ``repr`` never shows the password."""

    host: str = 'localhost'
    port: int = 8086
    database: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ssl: bool = False
    path: str = ''
    timeout: float = 5.0
    retries: int = 3
    retry_max_time: float = 30.0  # seconds: no retry starts after this
    retry_backoff: float = 0.1  # seconds: the first retry waits up to twice this
    verify_ssl: bool = True
    ca_file: str | None = None
    precision: str = 'ns'
    gzip: bool = False

    @property
    def base_url(self) -> str:
        scheme = 'https' if self.ssl else 'http'
        host = f'[{self.host}]' if ':' in self.host else self.host
        return f'{scheme}://{host}:{self.port}{self.path}'

    @property
    def safe_url(self) -> str:
        """The URL with the password replaced by ``***``: for reprs, logs and errors."""
        scheme = 'influxdbs' if self.ssl else 'influxdb'
        user = ''
        if self.username is not None:
            user = quote(self.username, safe='') + (':***' if self.password else '') + '@'
        host = f'[{self.host}]' if ':' in self.host else self.host
        db = '/' + quote(self.database, safe='') if self.database else ''
        return f'{scheme}://{user}{host}:{self.port}{self.path}{db}'

    def __repr__(self) -> str:
        return f'ConnectionSettings({self.safe_url!r})'


def _check_options(options: Mapping[str, Any]) -> dict[str, Any]:
    checked = {}
    for name, value in options.items():
        if name not in OPTIONS:
            raise ConfigurationError(
                f'unknown connection option {name!r}; valid options: {", ".join(OPTIONS)}')
        checked[name] = OPTIONS[name](name, value)
    return checked


def parse_url(url: str, **options: Any) -> ConnectionSettings:
    """Parse ``influxdb[s]://[user[:password]@]host[:port][/path]/[database][?options]``.

    Keyword options override those of the query string.

    >>> parse_url('influxdb://u:p@localhost:8086/metrics?timeout=2')
    ConnectionSettings('influxdb://u:***@localhost:8086/metrics')
    """
    if not isinstance(url, str) or not url.strip():
        raise ConfigurationError('the connection URL is empty')
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise ConfigurationError(f'malformed connection URL: {exc}') from None
    if parts.scheme not in SCHEMES:
        raise ConfigurationError(
            f'unknown URL scheme {parts.scheme!r}; use influxdb:// (HTTP) or influxdbs:// (HTTPS)')
    if '@' in parts.path + parts.query + parts.fragment:
        # A '/', '?' or '#' in the password cut the URL elsewhere: echo none of it.
        raise ConfigurationError(_ENCODE_PASSWORD)
    if parts.fragment:
        raise ConfigurationError('a connection URL has no #fragment')
    try:
        port = parts.port
    except ValueError:
        netloc = parts.netloc.rpartition('@')[2]  # never the userinfo
        raise ConfigurationError(
            f'port in {netloc!r} is not a number from 1 to 65535') from None
    if port == 0:
        raise ConfigurationError('port 0 is not a port a server listens on (use 1 to 65535)')
    segments = parts.path.split('/')[1:] if parts.path else []
    database = unquote(segments[-1]) if segments and segments[-1] else None
    prefix = '/'.join(segments[:-1])
    query: dict[str, str] = {}
    try:
        pairs = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise ConfigurationError(f'malformed options in connection URL: {parts.query!r}') from None
    for name, value in pairs:
        if name in query:
            raise ConfigurationError(f'option {name!r} is given twice in the connection URL')
        query[name] = value
    username = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    if options.get('username') is not None:
        username = str(options['username'])
    if options.get('password') is not None:
        password = str(options['password'])
    query.update((k, v) for k, v in options.items() if k not in ('username', 'password'))
    checked = _check_options(query)
    _check_tls(checked)
    return ConnectionSettings(
        host=parts.hostname or 'localhost',
        port=port or 8086,
        database=database,
        username=username,
        password=password,
        ssl=SCHEMES[parts.scheme],
        path='/' + prefix if prefix else '',
        **checked,
    )


_ENCODE_PASSWORD = ("malformed connection URL: the URL's password must be percent-encoded "
                    "(e.g. urllib.parse.quote), or pass password= separately")


def _check_tls(options: Mapping[str, Any]) -> None:
    """A CA file that is missing, or that would be ignored, is a configuration error."""
    ca_file = options.get('ca_file')
    if ca_file is None:
        return
    if options.get('verify_ssl') is False:
        raise ConfigurationError(
            'options ca_file and verify_ssl=false contradict each other: '
            'ca_file verifies the server with that CA; drop one of them')
    if not os.path.isfile(ca_file):
        raise ConfigurationError(f'option ca_file={ca_file!r}: no such file')
    if not os.access(ca_file, os.R_OK):
        raise ConfigurationError(f'option ca_file={ca_file!r}: file not readable')


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
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f'<Connection {self.alias!r} {self.settings.safe_url}>'

    @property
    def database(self) -> str | None:
        return self.settings.database

    @property
    def client(self) -> InfluxDBClient:
        """The raw ``influxdb.InfluxDBClient``, for what influxpy does not cover."""
        with self._lock:
            if self._client is None:
                import requests
                from influxdb import InfluxDBClient

                s = self.settings
                self._client = InfluxDBClient(
                    host=s.host, port=s.port, username=s.username or '',
                    password=s.password or '', database=s.database, ssl=s.ssl,
                    verify_ssl=(s.ca_file or s.verify_ssl), timeout=s.timeout,
                    retries=max(s.retries, 1), path=s.path, gzip=s.gzip,
                    session=requests.Session())
                deadline_module.install(self._client._session)
            return self._client

    @property
    def session(self) -> requests.Session:
        session: requests.Session = self.client._session
        return session

    def close(self) -> None:
        """Close pooled HTTP connections; the connection reopens if used again."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def _database(self, database: str | None) -> str:
        db = database or self.settings.database
        if not db:
            raise ConfigurationError(
                f'no database: give one in the URL of connection {self.alias!r} '
                f'({self.settings.safe_url}/<database>) or pass database=')
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
        params = {'db': self._database(database),
                  'precision': _parse_precision('precision', precision or self.settings.precision)}
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

_connections: dict[str, Connection] = {}
_registry_lock = threading.Lock()


def connect(url: str | None = None, alias: str = DEFAULT_ALIAS, **options: Any) -> Connection:
    """Configure (not open) the connection ``alias`` from a URL.

    With no URL, ``INFLUX_DATABASE_URL`` is read. Options (``timeout``, ``retries``,
    ``verify_ssl``, ``ca_file``, ``precision``, ``gzip``) may be given in the URL's query
    string or as keywords.

    >>> connect('influxdb://localhost:8086/metrics', timeout=2)
    <Connection 'default' influxdb://localhost:8086/metrics>
    """
    if url is None:
        url = os.environ.get(ENV_URL)
        if not url:
            raise ConfigurationError(f'no URL given to connect() and {ENV_URL} is not set')
    connection = Connection(parse_url(url, **options), alias)
    with _registry_lock:
        old = _connections.get(alias)
        _connections[alias] = connection
    if old is not None:
        old.close()
    return connection


def get_connection(alias: str = DEFAULT_ALIAS) -> Connection:
    """The connection configured as ``alias``; ``default`` falls back to the environment."""
    with _registry_lock:
        connection = _connections.get(alias)
    if connection is not None:
        return connection
    if alias == DEFAULT_ALIAS and os.environ.get(ENV_URL):
        return connect(os.environ[ENV_URL], alias)
    hint = f' or set {ENV_URL}' if alias == DEFAULT_ALIAS else ''
    raise ConfigurationError(
        f'no connection named {alias!r}: call influxpy.connect(url, alias={alias!r}){hint}')


def disconnect(alias: str = DEFAULT_ALIAS) -> None:
    """Forget the connection ``alias`` and close its HTTP pool."""
    with _registry_lock:
        connection = _connections.pop(alias, None)
    if connection is not None:
        connection.close()
