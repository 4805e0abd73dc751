"""InfluxStorage while InfluxDB is away: the caller gets its readings back, and with a
``spool`` nothing is lost (a real influxd, stopped and started again)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from influxpy.contrib.django.handlers import connections, get_storage, storages
from influxpy.contrib.django.storage import DeviceReading
from influxpy.exceptions import WriteError
from influxpy.testing.server import InfluxServer

T0 = datetime(2024, 3, 1, tzinfo=UTC)


@pytest.fixture
def outage_server() -> Iterator[InfluxServer]:
    with InfluxServer() as server:
        yield server


def _storage(server: InfluxServer, **options: Any) -> Any:
    settings = {
        'INFLUXPY': {'default': {'URL': f'{server.url}/plant',
                                 'OPTIONS': {'retries': 0, 'timeout': 2}}},
        'INFLUXPY_STORAGE': {'BACKEND': 'influxpy.contrib.django.storage.InfluxStorage',
                             'OPTIONS': {'model': 'testapp.Weather', 'measurement': 'weather',
                                         **options}},
    }
    return override_settings(**settings)


def _readings(n: int) -> list[dict[str, Any]]:
    return [{'device': f'd{i % 3}', 'time': T0 + timedelta(seconds=i),
             'temperature': i + 0.5} for i in range(n)]


def _count(server: InfluxServer) -> int:
    import requests
    answer = requests.get(f'{server.http_url}/query', timeout=10, params={
        'db': 'plant', 'q': 'SELECT count(temperature) FROM weather'}).json()
    series = answer['results'][0].get('series')
    return int(series[0]['values'][0][1]) if series else 0


def test_unwritten_holds_the_callers_readings(outage_server: InfluxServer) -> None:
    with _storage(outage_server):
        storage = get_storage()
        try:
            connections['default'].query('CREATE DATABASE plant')
            outage_server.kill_process()
            given = _readings(5)
            with pytest.raises(WriteError) as info:
                storage.store_readings(given)
            unwritten = info.value.unwritten + info.value.unknown
            assert all(isinstance(r, DeviceReading) for r in unwritten)
            assert sorted((r.device, r.time, r.values['temperature']) for r in unwritten) == \
                sorted((g['device'], g['time'], g['temperature']) for g in given)
        finally:
            storages.reset()
            connections.reset()


def test_with_a_spool_an_outage_loses_no_reading(outage_server: InfluxServer,
                                                  tmp_path: Path) -> None:
    spool = str(tmp_path / 'readings.spool')
    with _storage(outage_server, spool=spool):
        storage = get_storage()
        try:
            connections['default'].query('CREATE DATABASE plant')
            storage.store_readings(_readings(10))
            assert storage.flush(timeout=30)
            assert _count(outage_server) == 10
            outage_server.kill_process()
            # While the server is away, storing returns: the readings are on disk.
            assert storage.store_readings(_readings(60)[10:]) == 50
            storage.store_reading('d9', {'temperature': 1.25}, time=T0 - timedelta(days=1))
            assert not storage.flush(timeout=0.5)
            outage_server.restart()
            assert storage.flush(timeout=60)
            assert _count(outage_server) == 61
        finally:
            storages.reset()
            connections.reset()
