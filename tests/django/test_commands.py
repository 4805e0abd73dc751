"""The management commands, on the real InfluxDB."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from influxpy import schema
from influxpy.contrib.django.handlers import connections, get_storage, storages
from influxpy.contrib.django.storage import DeviceReading

from ..readback import stored

INFLUX_STORAGE = {
    'BACKEND': 'influxpy.contrib.django.storage.InfluxStorage',
    'OPTIONS': {'model': 'testapp.Weather', 'measurement': 'weather',
                'retention_policy': {'name': 'raw', 'duration': '30d', 'default': True},
                'tiers': [{'resolution': '1h', 'functions': ['mean', 'max'], 'keep': '365d'}]},
}
T0 = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def influx_storage(influx_settings: str) -> Any:
    with override_settings(INFLUXPY_STORAGE=INFLUX_STORAGE):
        yield get_storage()
    storages.reset()


def command(*args: str, **options: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_sync_creates_what_the_measurements_and_the_storage_declare(influx_storage: Any) -> None:
    out, _ = command('influxpy_sync', dry_run=True)
    assert 'Would create retention policy raw' in out and 'Dry run:' in out
    assert 'CREATE RETENTION POLICY "keep_90d"' in out          # Sensor's tier
    assert 'CREATE RETENTION POLICY "keep_365d"' in out         # the storage's tier
    assert {rp.name for rp in schema.list_retention_policies()} == {'autogen'}
    out, _ = command('influxpy_sync')
    assert 'change(s) made' in out
    names = {rp.name for rp in schema.list_retention_policies()}
    assert names == {'autogen', 'raw', 'keep_90d', 'keep_365d'}
    queries = [cq.name for cq in schema.list_continuous_queries()]
    assert any(q.startswith('cq_weather_1h_') for q in queries)
    assert any(q.startswith('cq_sensors_1h_') for q in queries)
    out, _ = command('influxpy_sync')
    assert 'nothing to change' in out
    # The storage writes to its retention policy, now that it exists.
    influx_storage.store_reading('a', {'temperature': 1.5}, time=datetime.now(UTC))
    assert influx_storage.health_check()
    assert len(influx_storage.query_readings()) == 1


def test_sync_of_one_app(influx_settings: str) -> None:
    out, _ = command('influxpy_sync', 'testapp', dry_run=True)
    assert 'sensors' in out and 'weather' not in out
    with pytest.raises(CommandError, match="No installed app with label 'nope'"):
        command('influxpy_sync', 'nope')


def test_export_then_import_through_the_storage(influx_storage: Any, tmp_path: Path) -> None:
    command('influxpy_sync', 'influxpy')
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    readings = [DeviceReading('a', now + timedelta(minutes=i), {'temperature': i / 4, 'pulses': i})
                for i in range(30)]
    influx_storage.store_readings(readings)
    target = tmp_path / 'weather.csv'
    _, err = command('influxpy_export', 'weather', output=str(target),
                     retention_policy='raw')
    assert '30 rows exported' in err
    text = target.read_text()
    assert text.splitlines()[0].startswith('time,') and 'device' in text.splitlines()[0]
    assert influx_storage.delete_readings('a', start=now) == 30
    out, _ = command('influxpy_import', str(target), storage=True, no_progress=True)
    assert '30 points written, 0 refused' in out
    assert influx_storage.query_readings() == [
        DeviceReading('a', r.time, {'temperature': r.values['temperature'], 'humidity': None,
                              'pulses': r.values['pulses']}) for r in readings]
    bad = tmp_path / 'bad.csv'
    bad.write_text(text.splitlines()[0] + '\n' + text.splitlines()[1].replace(',0', ',x', 1)
                   + '\n')
    with pytest.raises(CommandError, match='1 line'):
        command('influxpy_import', str(bad), storage=True, no_progress=True)


def test_export_to_stdout_and_inspectdb(influx_settings: str) -> None:
    connections['default'].write(b'rooms,room=kitchen temp=21.5 1704067200000000000\n')
    out, _ = command('influxpy_export', 'rooms')
    assert out.splitlines() == ['time,room,temp', '2024-01-01T00:00:00Z,kitchen,21.5']
    out, _ = command('influxpy_inspectdb', 'rooms')
    assert 'class Rooms(models.InfluxMeasurement):' in out and "measurement = 'rooms'" in out
    with pytest.raises(CommandError, match='export a measurement'):
        command('influxpy_export')


def test_commands_report_configuration_problems() -> None:
    with override_settings(INFLUXPY={'default': {'URL': 'mysql://x'}}), \
            pytest.raises(CommandError, match='unknown URL scheme'):
        command('influxpy_inspectdb')


def test_the_influx_storage_reads_raw_points_even_with_tiers(influx_db: Any) -> None:
    """A tier would lack the newest hour; the storage reads the raw points, so the
    tier's policy need not even exist (nothing synced here)."""
    from influxpy.contrib.django.storage import InfluxStorage
    storage = InfluxStorage(model='testapp.Weather', measurement='weather_tiered',
                            tiers=[{'resolution': '1h', 'functions': ['mean', 'max']}])
    try:
        storage.store_readings([{'device': 'a', 'time': T0 + timedelta(minutes=m),
                                 'temperature': float(m)} for m in range(0, 120, 10)])
        hourly = storage.downsample('hour', 'max', fields='temperature')
        assert [(r.time, r.values['temperature']) for r in hourly] == [
            (T0, 50.0), (T0 + timedelta(hours=1), 110.0)]
    finally:
        storage.close()



def _closed_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return int(sock.getsockname()[1])


def test_a_dead_server_is_reported_as_such_and_leaves_no_file(tmp_path: Path) -> None:
    url = f'influxdb://admin:s3cret-pw@127.0.0.1:{_closed_port()}/db'
    csv_in = tmp_path / 'in.csv'
    csv_in.write_text('time,host,v\n1,a,1\n', encoding='utf-8')
    out = tmp_path / 'out.csv'
    with override_settings(INFLUXPY={'default': {'URL': url, 'OPTIONS': {'retries': 0}}}):
        with pytest.raises(CommandError) as exported:
            command('influxpy_export', 'm', output=str(out))
        with pytest.raises(CommandError) as imported:
            command('influxpy_import', str(csv_in), measurement='m', tags='host',
                    no_progress=True)
    connections.reset()
    for error in (exported, imported):
        text = str(error.value)
        assert text.startswith('cannot reach InfluxDB at ') and '127.0.0.1' in text
        assert 's3cret' not in text and 'None' not in text
    assert list(tmp_path.iterdir()) == [csv_in]


def test_import_into_the_storage_refuses_what_store_reading_refuses(
        influx_settings: str, tmp_path: Path) -> None:
    plain = {'BACKEND': 'influxpy.contrib.django.storage.InfluxStorage',
             'OPTIONS': {'model': 'testapp.Weather', 'measurement': 'weather'}}
    with override_settings(INFLUXPY_STORAGE=plain):
        storage = get_storage()
        with pytest.raises(Exception) as refused:  # the storage's own answer ...
            storage.store_reading('a', {'pulses': 99999999999}, time=T0)
        path = tmp_path / 'in.csv'
        path.write_text('time,device,pulses,temperature\n'
                        '2024-01-01T00:00:00Z,a,99999999999,\n'
                        '2024-01-01T00:00:01Z,a,12,\n'
                        '2024-01-01T00:00:02Z,,1,\n', encoding='utf-8')
        with pytest.raises(CommandError, match='2 line'):
            command('influxpy_import', str(path), storage=True, no_progress=True)
        storages.reset()
    points = stored(connections['default'], 'weather', database=influx_settings)
    assert [list(p) for p in points] == [['time', 'device', 'pulses']]
    assert [list(p.values())[1:] for p in points] == [['a', 12]]
    assert 'outside' in str(refused.value)


def test_import_of_a_dot_influx_file_needs_no_target(influx_settings: str,
                                                     tmp_path: Path) -> None:
    # Line protocol names its measurements: .influx is one of its extensions, as for the CLI
    path = tmp_path / 'rooms.influx'
    path.write_text('rooms,room=hall temp=19.25 1704067200000000001\n')
    command('influxpy_import', str(path), no_progress=True)
    (result,) = connections['default'].query('SELECT temp, room FROM rooms', epoch='ns')
    assert result['series'][0]['values'] == [[1704067200000000001, 19.25, 'hall']]
