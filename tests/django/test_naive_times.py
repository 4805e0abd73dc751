"""Naive datetimes in Django: one rule for models, storages and the import command.

Expected instants are computed by hand here and read back with raw InfluxQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from influxpy.contrib.django.handlers import connections, get_storage
from influxpy.exceptions import ValidationError
from influxpy.times import settings

from ..readback import rows
from .test_commands import command, influx_storage  # noqa: F401 - a fixture
from .testapp.measurements import Sensor

# Two zones without DST, so the instant of a local noon is known by hand: Kolkata is
# always UTC+05:30, São Paulo UTC-03:00 (since 2019). The day is recent, for the storage's
# 30-day retention policy.
DAY = (datetime.now(UTC) - timedelta(days=2)).date()
NAIVE_NOON = datetime(DAY.year, DAY.month, DAY.day, 12)
DAY_NS = int(datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC).timestamp()) * 1_000_000_000
HOUR_NS = 3600 * 1_000_000_000
ZONES = [('Asia/Kolkata', DAY_NS + 13 * HOUR_NS // 2),  # 12:00 - 05:30 = 06:30 UTC
         ('America/Sao_Paulo', DAY_NS + 15 * HOUR_NS)]  # 12:00 + 03:00 = 15:00 UTC
NAIVE = 'received a naive datetime .* while time zone support is active'


def raw(statement: str) -> list[list[Any]]:
    return [list(row.values()) for row in rows(connections['default'], statement)]


@pytest.mark.parametrize('zone, expected_ns', ZONES)
def test_storage_import_and_models_read_naive_times_in_the_current_zone(
        influx_storage: Any, tmp_path: Path, zone: str, expected_ns: int) -> None:  # noqa: F811
    command('influxpy_sync', 'influxpy')
    csv = tmp_path / 'naive.csv'
    csv.write_text(f'time,device,pulses\n{NAIVE_NOON.isoformat()},imported,2\n')
    with override_settings(TIME_ZONE=zone):
        with pytest.warns(RuntimeWarning, match=NAIVE) as stored:
            get_storage().store_reading('stored', {'pulses': 1}, time=NAIVE_NOON)
        out, _ = command('influxpy_import', str(csv), storage=True, no_progress=True)
        with pytest.warns(RuntimeWarning, match=f'Sensor.time {NAIVE}'):
            Sensor(device='model', level=1.0, time=NAIVE_NOON).save()
    # The same instant, whichever way the naive time came in.
    assert raw('SELECT pulses, device FROM weather') == [[expected_ns, 2, 'imported'],
                                                          [expected_ns, 1, 'stored']]
    assert raw('SELECT level, device FROM raw.sensors') == [[expected_ns, 1.0, 'model']]
    assert f'read in the current time zone ({zone})' in str(stored[0].message)
    assert '1 point written, 0 refused' in out
    assert f'1 time without a time zone was read in {zone}' in out


def test_strict_mode_refuses_naive_times_in_the_storage_too(
        influx_storage: Any, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    command('influxpy_sync', 'influxpy')
    monkeypatch.setattr(settings, 'naive_datetime', 'error')
    with pytest.raises(ValidationError, match='testapp.Weather reading received a naive '
                                              'datetime .* which strict mode refuses'):
        influx_storage.store_reading('a', {'pulses': 1}, time=NAIVE_NOON)
    assert raw('SELECT pulses FROM weather') == []
