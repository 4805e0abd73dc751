"""The transport's retry policy, against a loopback HTTP server scripted to fail."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import influxpy
from influxpy.connection import Connection
from influxpy.exceptions import ServerError


class Scripted:
    """Answers each request with the next (status, headers) of ``script``; then 204."""

    def __init__(self) -> None:
        self.script: list[tuple[int, dict[str, str]]] = []
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get('Content-Length') or 0)
                self.rfile.read(length)
                outer.requests += 1
                status, headers = outer.script.pop(0) if outer.script else (204, {})
                self.send_response(status)
                body = b'' if status == 204 else b'{"error":"scripted failure"}'
                self.send_header('Content-Type', 'application/json')
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.port = self.server.server_address[1]


@pytest.fixture
def scripted() -> Iterator[Scripted]:
    server = Scripted()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def connect(server: Scripted, **options: object) -> Connection:
    return influxpy.connect(f'influxdb://127.0.0.1:{server.port}/db', alias='scripted',
                            retry_backoff=0.01, **options)


def test_5xx_is_retried_until_it_passes(scripted: Scripted) -> None:
    scripted.script = [(503, {}), (500, {})]
    try:
        connect(scripted, retries=3).write(b'm v=1 1')
        assert scripted.requests == 3
    finally:
        influxpy.disconnect('scripted')


def test_retries_are_bounded_by_count(scripted: Scripted) -> None:
    scripted.script = [(503, {})] * 10
    try:
        with pytest.raises(ServerError, match='scripted failure') as info:
            connect(scripted, retries=2).write(b'm v=1 1')
        assert info.value.status == 503 and scripted.requests == 3
    finally:
        influxpy.disconnect('scripted')


def test_retries_zero_means_none(scripted: Scripted) -> None:
    scripted.script = [(503, {})]
    try:
        with pytest.raises(ServerError):
            connect(scripted, retries=0).write(b'm v=1 1')
        assert scripted.requests == 1
    finally:
        influxpy.disconnect('scripted')


def test_a_4xx_is_never_retried(scripted: Scripted) -> None:
    scripted.script = [(400, {})]
    try:
        with pytest.raises(ServerError, match='scripted failure'):
            connect(scripted, retries=5).write(b'm v=1 1')
        assert scripted.requests == 1
    finally:
        influxpy.disconnect('scripted')


def test_429_honours_retry_after(scripted: Scripted) -> None:
    scripted.script = [(429, {'Retry-After': '0.3'})]
    try:
        started = time.monotonic()
        connect(scripted, retries=1).write(b'm v=1 1')
        assert time.monotonic() - started >= 0.3  # waited as told, not the tiny backoff
        assert scripted.requests == 2
    finally:
        influxpy.disconnect('scripted')


def test_retries_are_bounded_by_total_time(scripted: Scripted) -> None:
    scripted.script = [(503, {'Retry-After': '60'})]
    try:
        started = time.monotonic()
        with pytest.raises(ServerError):
            connect(scripted, retries=5, retry_max_time=1).write(b'm v=1 1')
        assert time.monotonic() - started < 30  # gave up instead of sleeping 60 s
        assert scripted.requests == 1
    finally:
        influxpy.disconnect('scripted')
