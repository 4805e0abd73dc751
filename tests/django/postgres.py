"""A throwaway PostgreSQL cluster for the ORM storage's tests.

``initdb`` and ``pg_ctl`` (on PATH, or Debian's ``/usr/lib/postgresql/*/bin``) start a
cluster in a temporary directory on a free loopback port; as root, the cluster runs as
the ``postgres`` user (PostgreSQL refuses to run as root). Without the binaries,
``DATABASE_URL`` (``postgres://user:password@host:port/name``) names a server to use.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from typing import Any
from urllib.parse import unquote, urlsplit

from influxpy.testing import free_port

INSTALL_HINT = ("install PostgreSQL ('apt-get install postgresql') or set DATABASE_URL="
                'postgres://user:password@host:5432/name')


def find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f'/usr/lib/postgresql/*/bin/{name}'), reverse=True)
    return candidates[0] if candidates else None


class PostgresCluster:
    """``start()`` a cluster, ``settings()`` for Django, ``stop()`` it."""

    def __init__(self) -> None:
        self.initdb = find_binary('initdb')
        self.pg_ctl = find_binary('pg_ctl')
        self.directory: str | None = None
        self.port = 0
        self.user: dict[str, Any] = {}

    @property
    def available(self) -> bool:
        return bool(self.initdb and self.pg_ctl)

    def _run(self, *args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, timeout=120, **self.user)

    def start(self) -> PostgresCluster:
        assert self.initdb and self.pg_ctl
        self.directory = tempfile.mkdtemp(prefix='influxpy-pg-')
        if os.getuid() == 0:
            try:
                account = pwd.getpwnam('postgres')
            except KeyError:
                account = pwd.getpwnam('nobody')
            os.chown(self.directory, account.pw_uid, account.pw_gid)
            self.user = {'user': account.pw_uid, 'group': account.pw_gid, 'extra_groups': []}
        data = os.path.join(self.directory, 'data')
        self._run(self.initdb, '-D', data, '-U', 'influxpy', '--auth=trust', '-E', 'UTF8',
                  '--locale=C', '--no-sync')
        self.port = free_port()
        options = (f'-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} '
                   '-c fsync=off -c synchronous_commit=off -c full_page_writes=off')
        self._run(self.pg_ctl, '-D', data, '-o', options, '-l',
                  os.path.join(self.directory, 'postgres.log'), '-w', '-t', '60', 'start')
        return self

    def settings(self) -> dict[str, Any]:
        return {'HOST': '127.0.0.1', 'PORT': str(self.port), 'USER': 'influxpy',
                'PASSWORD': '', 'NAME': 'postgres'}

    def stop(self) -> None:
        if self.directory is None:
            return
        try:
            self._run(self.pg_ctl, '-D', os.path.join(self.directory, 'data'), '-m',
                      'immediate', '-w', 'stop')
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None


def settings_from_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme not in ('postgres', 'postgresql'):
        raise ValueError(f'DATABASE_URL must be a postgres:// URL, not {parts.scheme}://')
    return {'HOST': parts.hostname or 'localhost', 'PORT': str(parts.port or 5432),
            'USER': unquote(parts.username or ''), 'PASSWORD': unquote(parts.password or ''),
            'NAME': unquote(parts.path.lstrip('/')) or 'postgres'}
