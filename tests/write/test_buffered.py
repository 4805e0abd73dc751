"""The buffered writer on a real server, including one we break on purpose."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import influxpy
import influxpy.write.spool
from influxpy import fields, models
from influxpy.connection import Connection
from influxpy.exceptions import ValidationError, WriteError
from influxpy.testing import InfluxServer, free_port
from influxpy.write import BufferFull, Writer

from ..readback import rows, stored


class Tick(models.InfluxMeasurement):
    measurement = 'ticks'
    source = fields.InfluxTag()
    value = fields.FloatField()


def count(conn: Connection, measurement: str = 'ticks') -> int:
    (result,) = conn.query(f'SELECT count(value) FROM "{measurement}"')
    return int(result['series'][0]['values'][0][1]) if result.get('series') else 0


def wait_for(predicate: Any, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


def test_points_are_written_on_size_and_on_exit(influx_db: Connection) -> None:
    with Writer(batch_size=100, flush_interval=30) as w:
        w.add_many(Tick(source='a', value=float(i), time=i) for i in range(1050))
        assert wait_for(lambda: count(influx_db) >= 1000)  # ten full batches, no flush yet
    assert count(influx_db) == 1050 and w.written == 1050


def test_points_are_written_on_interval(influx_db: Connection) -> None:
    with Writer(batch_size=10_000, flush_interval=0.2) as w:
        w.add(Tick(source='a', value=1.0, time=1))
        assert wait_for(lambda: count(influx_db) == 1, seconds=5)


def test_a_point_without_time_is_stamped_when_added(influx_db: Connection) -> None:
    tick = Tick(source='a', value=2.0)
    with Writer() as w:
        w.add(tick)
        assert tick.time_ns is not None
    assert stored(influx_db, 'ticks')[0]['time'] == tick.time_ns


def test_invalid_points_are_refused_at_add(influx_db: Connection) -> None:
    with Writer() as w:
        with pytest.raises(ValidationError, match='Tick.value: nan'):
            w.add_many([Tick(source='a', value=1.0, time=1),
                        Tick(source='a', value=float('nan'), time=2)])
        w.add(Tick(source='b', value=3.0, time=3))
    assert [r['source'] for r in stored(influx_db, 'ticks')] == ['b']  # all or none


def test_a_refused_batch_is_kept_and_reported_and_later_points_go_on(
        influx_db: Connection) -> None:
    class Loose(models.InfluxMeasurement):
        measurement = 'ticks'
        source = fields.InfluxTag()
        value = fields.InfluxField()

    seen: list[tuple[Exception, list[Any]]] = []
    Loose.series.create(source='a', value=1.0, time=1)
    with Writer(batch_size=2, on_error=lambda exc, points: seen.append((exc, points))) as w:
        bad = [Loose(source='a', value='text', time=2), Loose(source='a', value='more', time=3)]
        w.add_many(bad)
        w.flush()
        w.add(Loose(source='a', value=4.0, time=4))
    assert [points for _, points in seen] == [bad] and w.failed == seen
    assert 'field type conflict' in str(seen[0][0])
    assert [r['time'] for r in stored(influx_db, 'ticks')] == [1, 4]


def test_back_pressure_raises_when_asked(influx_db: Connection) -> None:
    influxpy.connect(f'influxdb://127.0.0.1:{free_port()}/db?retries=0&timeout=0.2',
                     alias='away')
    w = Writer(using='away', batch_size=10, max_buffer=20, block=False, retry_interval=0.05,
               close_timeout=0.5)
    try:
        w.add_many(Tick(source='a', value=1.0, time=i) for i in range(20))
        with pytest.raises(BufferFull, match='20 points are waiting'):
            w.add(Tick(source='a', value=1.0, time=99))
        with pytest.raises(WriteError, match='20 points could not be written') as info:
            w.close()
        assert len(info.value.unwritten) == 20
    finally:
        influxpy.disconnect('away')


def test_a_silent_server_times_out_and_close_is_bounded() -> None:
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    influxpy.connect(f'influxdb://127.0.0.1:{port}/db?timeout=0.2&retries=1', alias='silent')
    try:
        w = Writer(using='silent', retry_interval=0.05, close_timeout=1.5)
        w.add(Tick(source='a', value=1.0, time=1))
        started = time.monotonic()
        with pytest.raises(WriteError, match='1 points could not be written'):
            w.close()
        assert time.monotonic() - started < 10  # bounded: no hang on a hung server
    finally:
        influxpy.disconnect('silent')
        listener.close()


@pytest.fixture
def breakable() -> Iterator[tuple[InfluxServer, Connection]]:
    with InfluxServer() as server:
        conn = influxpy.connect(f'{server.url}/outage?timeout=2&retries=0', alias='breakable')
        conn.query('CREATE DATABASE outage')
        try:
            yield server, conn
        finally:
            influxpy.disconnect('breakable')


@pytest.mark.slow
def test_server_stopped_mid_stream_loses_nothing(
        breakable: tuple[InfluxServer, Connection]) -> None:
    server, conn = breakable
    total = 200_000
    added = 0

    def produce(w: Writer) -> None:
        nonlocal added
        for start in range(0, total, 1000):
            w.add_many(Tick(source=f's{i % 5}', value=float(i), time=i)
                       for i in range(start, start + 1000))
            added = start + 1000

    with Writer(using='breakable', batch_size=5000, max_buffer=30_000, flush_interval=0.1,
                retry_interval=0.05, max_retry_interval=0.5, close_timeout=60) as w:
        producer = threading.Thread(target=produce, args=(w,))
        producer.start()
        assert wait_for(lambda: added >= 40_000)
        server.kill_process()  # the server goes away mid-stream
        time.sleep(1.0)
        stalled = added
        assert stalled < total  # back-pressure: add() blocked while the server was away
        server.restart()
        producer.join(timeout=60)
        assert not producer.is_alive()
    assert count(conn) == total


CHILD_START = '''
import sys, influxpy
from influxpy import fields, models
from influxpy.write import Writer

class Tick(models.InfluxMeasurement):
    measurement = 'ticks'
    source = fields.InfluxTag()
    value = fields.FloatField()

influxpy.connect(sys.argv[1], alias='default')
'''
CHILD = CHILD_START + '''w = Writer(batch_size=10_000, flush_interval=3600, spool=sys.argv[2])
for i in range(1_000_000):
    w.add(Tick(source='s', value=float(i), time=i))
    if i % 1000 == 999:
        print(i + 1, flush=True)
'''


@pytest.mark.slow
def test_a_killed_writer_is_replayed_from_its_spool(influx_db: Connection,
                                                    tmp_path: Path) -> None:
    spool = tmp_path / 'ticks.spool'
    script = tmp_path / 'child.py'
    script.write_text(textwrap.dedent(CHILD))
    url = f'{influx_db.settings.base_url.replace("http://", "influxdb://")}/{influx_db.database}'
    child = subprocess.Popen([sys.executable, str(script), url, str(spool)],
                             stdout=subprocess.PIPE, text=True)
    reported = 0
    assert child.stdout is not None
    for line in child.stdout:
        reported = int(line)
        if reported >= 35_000:
            break
    os.kill(child.pid, signal.SIGKILL)  # no chance to flush anything
    child.wait()
    before = count(influx_db)
    with Writer(spool=spool) as w:
        pass  # opening the spool replays what the dead writer had accepted
    after = count(influx_db)
    (result,) = influx_db.query('SELECT max(value) FROM ticks')
    highest = int(result['series'][0]['values'][0][1])
    # Only whole batches of 10,000 were sent; the partial one waited in the spool.
    assert before % 10_000 == 0 and before < reported
    assert after >= reported  # every point the dead writer reported accepted…
    assert after == highest + 1  # …and every one before the last: none missing
    assert spool.stat().st_size == 0  # and the spool is empty again
    del w


def test_a_spool_is_used_by_one_writer_at_a_time(influx_db: Connection, tmp_path: Path) -> None:
    with Writer(spool=tmp_path / 'one.spool'):
        with pytest.raises(influxpy.exceptions.InfluxPyError, match='used by another writer'):
            Writer(spool=tmp_path / 'one.spool')


def test_eight_threads_write_and_query_through_one_connection(influx_db: Connection) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            points = [Tick(source=f't{n}', value=float(i), time=n * 100_000 + i)
                      for i in range(3000)]
            if n % 2:
                Tick.series.bulk_create(points, batch_size=500)
            else:
                with Writer(batch_size=400) as w:
                    for point in points:
                        w.add(point)
            (result,) = influx_db.query('SELECT count(value), sum(value) FROM ticks '
                                        'WHERE source = $s', params={'s': f't{n}'})
            assert result['series'][0]['values'][0][1:] == [3000, sum(range(3000))]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert count(influx_db) == 8 * 3000


EXITING = '''
import sys, influxpy
from influxpy import fields, models
from influxpy.write import Writer

class Tick(models.InfluxMeasurement):
    measurement = 'ticks'
    source = fields.InfluxTag()
    value = fields.FloatField()

class Tock(models.InfluxMeasurement):
    measurement = 'tocks'
    value = fields.IntegerField()

influxpy.connect(sys.argv[1])
w = Writer(batch_size=100_000, flush_interval=3600)  # nothing would be sent before exit
w.add_many(Tick(source='s', value=float(i), time=i) for i in range(500))
w.add_many(Tock(value=i, time=i) for i in range(300))
# no close(): the interpreter's exit flushes
'''


def test_interpreter_exit_flushes_points_of_every_model(influx_db: Connection,
                                                        tmp_path: Path) -> None:
    script = tmp_path / 'exiting.py'
    script.write_text(textwrap.dedent(EXITING))
    url = f'{influx_db.settings.base_url.replace("http://", "influxdb://")}/{influx_db.database}'
    subprocess.run([sys.executable, str(script), url], check=True, timeout=60)
    assert count(influx_db, 'ticks') == 500
    assert count(influx_db, 'tocks') == 300


def spool_of(path: Path, url_alias: str, n: int, database: str) -> None:
    """A spool as a writer left it: ``n`` pending points, none done."""
    lines = [f'ticks,source=s value={float(i)} {i}' for i in range(n)]
    path.write_bytes(b''.join(
        (f'["{url_alias}", "{database}", null, "ns", "{line}"]\n').encode() for line in lines))


@pytest.mark.parametrize('damage', [
    b'garbage that is not json\n', b'\n', b'\0' * 4096, random.Random(11).randbytes(4096),
    b'["default", "db", null, "ns", "caf\xe9"]\n'])
def test_a_damaged_spool_replays_every_intact_point(influx_db: Connection, tmp_path: Path,
                                                    damage: bytes) -> None:
    spool = tmp_path / 'damaged.spool'
    spool_of(spool, 'default', 100, influx_db.database)
    intact = spool.read_bytes()
    middle = intact.index(b'\n', len(intact) // 2) + 1
    spool.write_bytes(intact[:middle] + damage + intact[middle:] + damage)
    with pytest.warns(influxpy.write.spool.SpoolCorruptWarning) if damage.strip() else \
            contextlib.nullcontext():
        w = Writer(spool=spool)
    w.close()
    (result,) = influx_db.query('SELECT count(value) FROM ticks')
    assert result['series'][0]['values'][0][1] == 100
    corrupt = tmp_path / 'damaged.spool.corrupt'
    if damage.strip():
        assert len(w.corrupt) >= 2 and [s for s, _ in w.corrupt][0] == middle
        moved = corrupt.read_bytes()  # moved aside, never deleted (blank lines hold nothing)
        assert all(part in moved for part in damage.split(b'\n') if part.strip())
    else:
        assert w.corrupt == [] and not corrupt.exists()
    with Writer(spool=spool) as again:  # the spool is usable again, nothing replays twice
        assert again.corrupt == []


def test_a_failed_constructor_releases_the_spool(tmp_path: Path, monkeypatch: Any) -> None:
    spool = tmp_path / 'one.spool'

    def broken(self: Any) -> None:
        raise OSError('disk error')
    monkeypatch.setattr(influxpy.write.spool.Spool, 'pending', broken)
    with pytest.raises(OSError, match='disk error'):
        Writer(spool=spool)
    monkeypatch.undo()
    Writer(spool=spool).close()  # not "used by another writer"


def test_an_error_retrying_cannot_fix_is_raised_and_reported(influx_db: Connection) -> None:
    # A URL without a database: every write fails the same way, the thread must not die.
    influxpy.connect(influx_db.settings.base_url.replace('http://', 'influxdb://'),
                     alias='nodb')
    reported: list[tuple[Exception, list[Any]]] = []
    w = Writer(using='nodb', on_error=lambda exc, points: reported.append((exc, points)))
    try:
        tick = Tick(source='a', value=1.0, time=1)
        w.add(tick)
        with pytest.raises(WriteError, match='the writer stopped on ConfigurationError'):
            w.flush(timeout=30)  # raises at once instead of returning False (or hanging)
        assert [points for _, points in reported] == [[tick]]
        with pytest.raises(WriteError, match='stopped'):
            w.add(Tick(source='a', value=2.0, time=2))
        with pytest.raises(WriteError, match='1 points could not be written') as info:
            w.close()
        assert info.value.unwritten == [tick]
        assert count(influx_db) == 0
    finally:
        influxpy.disconnect('nodb')


def test_a_spool_replayed_before_connect_waits_for_the_connection(
        influx_db: Connection, tmp_path: Path) -> None:
    spool = tmp_path / 'early.spool'
    spool_of(spool, 'later', 100, influx_db.database)
    w = Writer(spool=spool, retry_interval=0.05, max_retry_interval=0.2, flush_interval=0.1)
    try:
        time.sleep(0.5)  # the thread meets the missing connection and waits
        assert w._error is None
        influxpy.connect(influx_db.settings.base_url.replace('http://', 'influxdb://')
                         + f'/{influx_db.database}', alias='later')
        assert w.flush(timeout=30)
        w.close()
        assert count(influx_db) == 100
    finally:
        influxpy.disconnect('later')


class Blob(models.InfluxMeasurement):
    measurement = 'blobs'
    text = fields.StringField()
    more = fields.StringField(null=True)  # a string is at most 64 KiB: a huge point needs several
    most = fields.StringField(null=True)
    rest = fields.StringField(null=True)

    class Meta:
        using = 'small'


def test_a_batch_too_large_for_the_server_is_split_by_the_writer(tmp_path: Path) -> None:
    with InfluxServer(env={'INFLUXDB_HTTP_MAX_BODY_SIZE': '200000'}) as server:
        conn = influxpy.connect(f'{server.url}/small', alias='small')
        conn.query('CREATE DATABASE small')
        spool = tmp_path / 'big.spool'
        try:
            y = 'y' * 60_000
            huge = Blob(text=y, more=y, most=y, rest=y, time=10**9)  # 240 kB alone
            with Writer(batch_size=200, spool=spool, flush_interval=0.1) as w:
                w.add_many(Blob(text=f'{i:05}' + 'x' * 10_000, time=i) for i in range(100))
                w.add(huge)
            (result,) = conn.query('SELECT count("text") FROM blobs')
            assert result['series'][0]['values'][0][1] == 100
            # The one point larger than the server takes is reported and kept on disk.
            assert len(w.failed) == 1 and w.failed[0][1] == [huge]
            assert w.failed[0][0].status == 413  # type: ignore[attr-defined]
            failed = (tmp_path / 'big.spool.failed').read_bytes().splitlines()
            assert len(failed) == 1 and failed[0].count(b'y' * 60_000) == 4
            assert w.written == 100
        finally:
            influxpy.disconnect('small')


@pytest.fixture
def hung_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(8)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


@pytest.mark.parametrize('spooled', [True, False])
def test_close_with_a_timeout_does_not_wait_for_a_hung_request(tmp_path: Path, spooled: bool,
                                                               hung_port: int) -> None:
    port = hung_port
    influxpy.connect(f'influxdb://127.0.0.1:{port}/db?timeout=5&retries=3', alias='hung')
    spool = tmp_path / 'hung.spool' if spooled else None
    try:
        w = Writer(using='hung', spool=spool, flush_interval=0.05)
        w.add_many(Tick(source='a', value=1.0, time=i) for i in range(10))
        assert wait_for(lambda: w._in_flight == 10)
        done = threading.Event()
        outcome: list[Any] = []

        def close() -> None:
            try:
                outcome.append(w.close(timeout=0.5))
            except WriteError as exc:
                outcome.append(exc)
            done.set()
        threading.Thread(target=close, daemon=True).start()
        # The request's own retry cycle is 4 x 5 s; close() must not wait for it.
        assert done.wait(5), 'close(timeout=0.5) waited for the hung request'
        if spooled:
            assert outcome == [10]
            assert len(spool.read_bytes().splitlines()) == 10  # type: ignore[union-attr]
        else:
            (error,) = outcome
            assert isinstance(error, WriteError)
            assert len(error.unknown) == 10 and error.unwritten == []
    finally:
        influxpy.disconnect('hung')


def test_points_of_batches_in_flight_at_a_timeout_are_unknown_not_unwritten(
        breakable: tuple[InfluxServer, Connection]) -> None:
    server, conn = breakable
    assert server.process is not None

    class Timed(models.InfluxMeasurement):
        measurement = 'ticks'
        value = fields.FloatField()

        class Meta:
            using = 'breakable'
    points = [Timed(value=float(i), time=i) for i in range(20_000)]
    os.kill(server.process.pid, signal.SIGSTOP)  # requests are accepted, never answered
    try:
        with pytest.raises(WriteError) as info:
            Timed.series.bulk_create(points, batch_size=1000)
    finally:
        os.kill(server.process.pid, signal.SIGCONT)
    error = info.value
    assert len(error.unknown) + len(error.unwritten) == len(points)
    assert error.unknown  # the batches in flight when the timeout came
    unwritten = {p.time_ns for p in error.unwritten}
    time.sleep(2)  # let the resumed server apply what it had received
    on_server = {row['time'] for row in rows(conn, 'SELECT value FROM ticks')}
    assert not on_server & unwritten  # nothing reported unwritten was stored
    assert on_server <= {p.time_ns for p in error.unknown}


HUNG_CHILD = CHILD_START + '''w = Writer(flush_interval=0.05, spool=sys.argv[2])
w.add_many(Tick(source='s', value=1.0, time=i) for i in range(10))
while not w._in_flight:
    pass
print('in flight', flush=True)
'''


def test_the_exit_time_flush_does_not_wait_for_a_hung_request(tmp_path: Path,
                                                              hung_port: int) -> None:
    script = tmp_path / 'child.py'
    script.write_text(textwrap.dedent(HUNG_CHILD))
    spool = tmp_path / 'exit.spool'
    url = f'influxdb://127.0.0.1:{hung_port}/db?timeout=120&retries=0'
    child = subprocess.Popen([sys.executable, str(script), url, str(spool)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # The request would hang 120 s; the exit-time close gives up after its 10 s.
        out, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert 'in flight' in out
    assert '10 points stay in the spool' in err
    assert len(spool.read_bytes().splitlines()) == 10  # kept for the next writer
