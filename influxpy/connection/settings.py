"""Connection settings: the ``influxdb://`` URL, its options and their checks.

``influxdb://user:secret@db.example:8086/metrics?timeout=2&retries=1`` becomes a
:class:`ConnectionSettings`; a bad option is a ConfigurationError naming it, and no
repr, log line or error shows the password.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from ..exceptions import ConfigurationError
from ..times import PRECISION_NS

ENV_URL = 'INFLUX_DATABASE_URL'
DEFAULT_ALIAS = 'default'
SCHEMES = {'influxdb': False, 'influxdbs': True}  # scheme -> TLS
PRECISIONS = tuple(PRECISION_NS)
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


def parse_precision(name: str, value: Any) -> str:
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
    'precision': parse_precision,
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


