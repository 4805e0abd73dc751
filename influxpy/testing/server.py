"""A throwaway, real InfluxDB for tests and demos.

``start_server()`` starts ``influxd`` on free loopback ports in a temporary directory
(configured through its environment variables, with an empty config file so no global
configuration leaks in), waits until ``/ping`` answers, and stops it by its own process
id. With no ``influxd`` on PATH but a Docker engine answering, it runs ``influxdb:1.8``
through the Docker SDK instead.

>>> with start_server() as server:
...     conn = influxpy.connect(server.url + '/mydb')
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from ..exceptions import InfluxPyError

DOCKER_IMAGE = 'influxdb:1.8'
ADMIN_USER = 'admin'


class ServerStartError(InfluxPyError, RuntimeError):
    """No InfluxDB could be started for tests; the message says what to install."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return int(sock.getsockname()[1])


def _base_env(http_port: int, auth: bool, extra: Mapping[str, str] | None) -> dict[str, str]:
    env = {
        'INFLUXDB_HTTP_BIND_ADDRESS': f'127.0.0.1:{http_port}',
        'INFLUXDB_REPORTING_DISABLED': 'true',
        'INFLUXDB_MONITOR_STORE_ENABLED': 'false',
        'INFLUXDB_HTTP_LOG_ENABLED': 'false',
        'INFLUXDB_DATA_QUERY_LOG_ENABLED': 'false',
        'INFLUXDB_HTTP_AUTH_ENABLED': 'true' if auth else 'false',
        # Bulk tests and benchmarks send large batches.
        'INFLUXDB_HTTP_MAX_BODY_SIZE': '0',
    }
    env.update(extra or {})
    return env


class InfluxServer:
    """A real ``influxd`` process of our own; a context manager.

    ``auth=True`` enables authentication and creates an admin user whose credentials
    are in ``url`` (``admin_password``).
    """

    kind = 'influxd'

    def __init__(self, *, auth: bool = False, tls: bool = False,
                 env: Mapping[str, str] | None = None, influxd: str | None = None,
                 startup_timeout: float = 30.0, keep_dir: bool = False) -> None:
        self.auth = auth
        self.tls = tls
        self.extra_env = dict(env or {})
        self.influxd = influxd or shutil.which('influxd')
        self.startup_timeout = startup_timeout
        self.keep_dir = keep_dir
        self.admin_password = os.urandom(9).hex() if auth else None
        self.host = '127.0.0.1'
        self.port = 0
        self.directory: str | None = None
        self.process: subprocess.Popen[bytes] | None = None

    # -- addresses ------------------------------------------------------------

    @property
    def http_url(self) -> str:
        return f'{"https" if self.tls else "http"}://{self.host}:{self.port}'

    @property
    def url(self) -> str:
        """``influxdb[s]://[admin:…@]127.0.0.1:PORT`` — append ``/database``."""
        user = f'{ADMIN_USER}:{self.admin_password}@' if self.auth else ''
        return f'{"influxdbs" if self.tls else "influxdb"}://{user}{self.host}:{self.port}'

    @property
    def log_path(self) -> str | None:
        return os.path.join(self.directory, 'influxd.log') if self.directory else None

    def log(self, lines: int = 60) -> str:
        """The last ``lines`` lines of the server's log."""
        if not self.log_path or not os.path.exists(self.log_path):
            return ''
        with open(self.log_path, encoding='utf-8', errors='replace') as handle:
            return ''.join(handle.readlines()[-lines:])

    # -- life cycle -----------------------------------------------------------

    def start(self) -> InfluxServer:
        if not self.influxd:
            raise ServerStartError('influxd is not on PATH (' + INSTALL_HINT + ')')
        last_error = ''
        for _ in range(3):  # a free port can be taken between probing and binding
            self.directory = tempfile.mkdtemp(prefix='influxpy-')
            self.port = free_port()
            open(os.path.join(self.directory, 'influxdb.conf'), 'w').close()
            if self.tls:
                self._make_certificate()
            self._spawn()
            if self._wait_ready():
                self._create_admin()
                return self
            last_error = self.log(20)
            self.stop()
        raise ServerStartError(f'influxd did not start; its log ends with:\n{last_error}')

    def _spawn(self) -> None:
        assert self.directory is not None and self.influxd is not None
        env = dict(os.environ)
        env.update(_base_env(self.port, self.auth, self.extra_env))
        env.update({
            'INFLUXDB_BIND_ADDRESS': f'127.0.0.1:{free_port()}',
            'INFLUXDB_META_DIR': os.path.join(self.directory, 'meta'),
            'INFLUXDB_DATA_DIR': os.path.join(self.directory, 'data'),
            'INFLUXDB_DATA_WAL_DIR': os.path.join(self.directory, 'wal'),
        })
        if self.tls:
            env.update({'INFLUXDB_HTTP_HTTPS_ENABLED': 'true',
                        'INFLUXDB_HTTP_HTTPS_CERTIFICATE': self.certificate,
                        'INFLUXDB_HTTP_HTTPS_PRIVATE_KEY': self.private_key})
        config = os.path.join(self.directory, 'influxdb.conf')
        with open(os.path.join(self.directory, 'influxd.log'), 'ab') as log_file:
            self.process = subprocess.Popen(
                [self.influxd, 'run', '-config', config], env=env,
                stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    @property
    def certificate(self) -> str:
        """The server's self-signed certificate (``tls=True``): pass it as ``ca_file``."""
        return os.path.join(self.directory or '', 'server.crt')

    @property
    def private_key(self) -> str:
        return os.path.join(self.directory or '', 'server.key')

    def _make_certificate(self) -> None:
        if not shutil.which('openssl'):
            raise ServerStartError('tls=True needs the openssl command (apt-get install openssl)')
        subprocess.run(
            ['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
             '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
             '-keyout', self.private_key, '-out', self.certificate],
            check=True, capture_output=True)

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                return False
            if _pings(self.http_url):
                return True
            time.sleep(0.05)
        return False

    def _create_admin(self) -> None:
        if not self.auth:
            return
        # With no user yet, InfluxDB lets the first admin be created without credentials.
        from ..quoting import quote_ident, quote_string
        statement = (f'CREATE USER {quote_ident(ADMIN_USER)} WITH PASSWORD '
                     f'{quote_string(self.admin_password or "")} WITH ALL PRIVILEGES')
        data = urllib.parse.urlencode({'q': statement}).encode()
        urllib.request.urlopen(f'{self.http_url}/query', data=data, timeout=10,
                               context=_unverified()).read()

    def stop(self) -> None:
        self.kill_process()
        if self.directory and not self.keep_dir:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def kill_process(self, *, graceful: bool = True) -> None:
        """End ``influxd`` but keep its data directory (``restart()`` brings it back)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        if graceful:
            process.terminate()
            try:
                process.wait(timeout=15)
                return
            except subprocess.TimeoutExpired:
                pass
        process.kill()
        process.wait()

    def restart(self) -> None:
        """Start again on the same port and data (for tests that break the server)."""
        self.kill_process()
        self._spawn()
        if not self._wait_ready():
            raise ServerStartError(f'influxd did not restart:\n{self.log(20)}')

    def __enter__(self) -> InfluxServer:
        return self if self.process is not None else self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f'<{type(self).__name__} {self.http_url}>'


class DockerInfluxServer(InfluxServer):
    """``influxdb:1.8`` in a container, for machines with Docker and no ``influxd``."""

    kind = 'docker'

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.container: Any = None

    def start(self) -> DockerInfluxServer:
        import docker  # the optional extra influxpy[docker]

        client = docker.from_env()
        self.port = free_port()
        env = _base_env(8086, self.auth, self.extra_env)
        env['INFLUXDB_HTTP_BIND_ADDRESS'] = ':8086'
        self.container = client.containers.run(
            DOCKER_IMAGE, detach=True, auto_remove=True, environment=env,
            ports={'8086/tcp': ('127.0.0.1', self.port)})
        if not self._wait_ready():
            logs = self.log(20)
            self.stop()
            raise ServerStartError(f'{DOCKER_IMAGE} did not start:\n{logs}')
        self._create_admin()
        return self

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + max(self.startup_timeout, 60)
        while time.monotonic() < deadline:
            if _pings(self.http_url):
                return True
            time.sleep(0.2)
        return False

    def log(self, lines: int = 60) -> str:
        if self.container is None:
            return ''
        return str(self.container.logs(tail=lines).decode('utf-8', 'replace'))

    def stop(self) -> None:
        container, self.container = self.container, None
        if container is not None:
            container.stop(timeout=10)

    def restart(self) -> None:
        if self.container is None:
            raise ServerStartError('the container is not running')
        self.container.restart(timeout=10)
        if not self._wait_ready():
            raise ServerStartError(f'{DOCKER_IMAGE} did not restart')


class ExternalServer:
    """A server someone else runs, named by ``INFLUX_DATABASE_URL``; never stopped."""

    kind = 'external'

    def __init__(self, url: str) -> None:
        from ..connection import parse_url

        settings = parse_url(url)
        user = ''
        if settings.username is not None:
            user = urllib.parse.quote(settings.username, safe='')
            if settings.password:
                user += ':' + urllib.parse.quote(settings.password, safe='')
            user += '@'
        scheme = 'influxdbs' if settings.ssl else 'influxdb'
        host = f'[{settings.host}]' if ':' in settings.host else settings.host
        self.url = f'{scheme}://{user}{host}:{settings.port}{settings.path}'
        self.settings = settings

    def log(self, lines: int = 60) -> str:
        return ''

    def stop(self) -> None:
        pass

    def __repr__(self) -> str:
        return f'<ExternalServer {self.settings.safe_url}>'


INSTALL_HINT = ("install InfluxDB 1.x: 'apt-get install influxdb' on Debian or Ubuntu, "
                "or run 'docker compose up -d' and set INFLUX_DATABASE_URL=influxdb://"
                "localhost:8086, or install influxpy[docker] with a Docker engine running")


def _unverified() -> ssl.SSLContext:
    """For our own throwaway server's self-signed certificate only."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _pings(http_url: str) -> bool:
    try:
        with urllib.request.urlopen(f'{http_url}/ping', timeout=1,
                                    context=_unverified()) as response:
            return bool(response.status == 204)
    except (urllib.error.URLError, OSError):
        return False


def _docker_answers() -> bool:
    try:
        import docker
    except ImportError:
        return False
    try:
        docker.from_env().ping()
    except Exception:  # noqa: BLE001 - any failure means "no engine here"
        return False
    return True


def start_server(**kwargs: Any) -> InfluxServer:
    """Start a throwaway InfluxDB: ``influxd`` if installed, else Docker's ``influxdb:1.8``."""
    if shutil.which('influxd') or kwargs.get('influxd'):
        return InfluxServer(**kwargs).start()
    if _docker_answers():
        return DockerInfluxServer(**kwargs).start()
    raise ServerStartError('no InfluxDB server can be started: ' + INSTALL_HINT)
