"""The command line, in-process (``main([...])``) and as ``python -m influxpy``."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import textwrap
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from influxpy import schema
from influxpy.cli.commands import main
from influxpy.cli.demo import run_demo
from influxpy.connection import Connection, connect, disconnect


def _url(conn: Connection) -> str:
    return conn.settings.base_url.replace('http://', 'influxdb://', 1) + f'/{conn.database}'


def _count(conn: Connection, statement: str) -> Any:
    (result,) = conn.query(statement)
    return result['series'][0]['values'][0][1] if result.get('series') else 0


MODELS = '''
from influxpy import fields, models
from influxpy.schema import Tier


class Room(models.InfluxMeasurement):
    measurement = 'rooms'
    room = fields.InfluxTag()
    temperature = fields.FloatField()

    class Meta:
        tiers = [Tier('1h', ['mean', 'max'])]
'''


def test_sync_dry_run_then_for_real_then_nothing(influx_db: Connection, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / f'cli_models_{uuid.uuid4().hex[:8]}.py'
    path.write_text(textwrap.dedent(MODELS), encoding='utf-8')
    url = _url(influx_db)
    assert main(['sync', f'{path}:Room', '--dry-run', '--url', url]) == 0
    out = capsys.readouterr().out
    assert 'create retention policy keep_inf' in out
    assert 'CREATE CONTINUOUS QUERY' in out and 'dry run: 2 change(s) not made' in out
    assert 'keep_inf' not in [rp.name for rp in schema.list_retention_policies()]

    influx_db.write(b'rooms,room=a temperature=20 0\nrooms,room=a temperature=22 60000000000\n')
    assert main(['--url', url, 'sync', f'{path}:Room', '--backfill']) == 0
    out = capsys.readouterr().out
    assert 'backfill rooms_1h' in out
    assert 'keep_inf' in [rp.name for rp in schema.list_retention_policies()]
    (result,) = influx_db.query('SELECT mean_temperature, max_temperature FROM '
                                'keep_inf.rooms_1h')
    assert result['series'][0]['values'] == [[0, 21.0, 22.0]]
    assert main(['sync', str(path), '--url', url]) == 0  # a module alone: all its models
    assert capsys.readouterr().out == 'Room: nothing to change\n'


def test_inspectdb_prints_a_module(influx_db: Connection,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    influx_db.write(b'cpu,host=a value=1.5 1\nmem free=3i 1\n')
    assert main(['inspectdb', _url(influx_db), 'cpu']) == 0
    out = capsys.readouterr().out
    assert "class Cpu(models.InfluxMeasurement):\n    measurement = 'cpu'\n" in out
    assert 'value = fields.FloatField(null=True)' in out and 'Mem' not in out
    compile(out, 'generated', 'exec')


def test_inspectdb_of_a_missing_database_exits_2(influx_db: Connection,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    url = _url(influx_db).rsplit('/', 1)[0] + '/no_such_database'
    assert main(['inspectdb', '--url', url]) == 2
    captured = capsys.readouterr()
    assert captured.out == ''
    assert captured.err.startswith("influxpy: error: database 'no_such_database' does not exist")
    assert 'Traceback' not in captured.err and captured.err.count('\n') == 1


def test_import_reports_bad_lines_and_export_writes_csv(
        influx_db: Connection, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / 'data.csv'
    source.write_text('time,host,v\n'
                      '2024-01-01T00:00:00Z,a,1.5\n'
                      '2024-01-01T00:00:01Z,a,oops\n'
                      'noon,a,2\n'
                      '2024-01-01T00:00:03Z,b\n'
                      '2024-01-01T00:00:04Z,b,0.1\n', encoding='utf-8')
    url = _url(influx_db)
    status = main(['import', str(source), '--measurement', 'm', '--tags', 'host', '--url', url])
    assert status == 1
    captured = capsys.readouterr()
    assert captured.out == 'read 5 lines: 2 points written, 3 refused\n'
    lines = captured.err.splitlines()
    assert [line.split(':')[1] for line in lines] == ['3', '4', '5']
    assert lines[0] == f"{source}:3: 'oops' is not a number (float field 'v')"
    assert _count(influx_db, 'SELECT count(v) FROM m') == 2

    out = tmp_path / 'out.csv'
    assert main(['export', 'm', '-o', str(out), '--url', url]) == 0
    assert out.read_text(encoding='utf-8') == ('time,host,v\n2024-01-01T00:00:00Z,a,1.5\n'
                                               '2024-01-01T00:00:04Z,b,0.1\n')
    assert capsys.readouterr().err.startswith('2 rows exported (tags: host')
    assert main(['export', '--query', 'SELECT v FROM m WHERE host = \'b\'', '--epoch', 's',
                 '--url', url]) == 0
    assert capsys.readouterr().out == 'time,v\n1704067204,0.1\n'


def test_errors_are_one_line_and_exit_2(influx_db: Connection, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    url = _url(influx_db)
    assert main(['sync', 'no_such_module_xyz:Model', '--url', url]) == 2
    assert "cannot import 'no_such_module_xyz'" in capsys.readouterr().err
    assert main(['import', str(tmp_path / 'missing.csv'), '--measurement', 'm',
                 '--url', url]) == 2
    assert 'cannot read' in capsys.readouterr().err
    assert main(['export', 'm', '--query', 'SELECT 1', '--url', url]) == 2
    assert 'a measurement (export NAME) or a query' in capsys.readouterr().err
    monkeypatch.delenv('INFLUX_DATABASE_URL', raising=False)
    assert main(['inspectdb']) == 2
    assert 'no server: pass --url' in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(['frobnicate'])
    assert info.value.code == 2


def _sample_weather(path: Path) -> int:
    """Days of vega's seattle-weather.csv layout, Jan to Jul 2015."""
    with open(path, 'w', newline='', encoding='utf-8') as handle:
        writer = csv.writer(handle)
        writer.writerow(['date', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather'])
        day = datetime(2015, 1, 1, tzinfo=UTC)
        n = 0
        while day < datetime(2015, 8, 1, tzinfo=UTC):
            writer.writerow([day.strftime('%Y/%m/%d'), n % 7 * 1.5, 5 + n / 10, n / 20,
                             3.5, 'rain' if n % 3 else 'sun'])
            day += timedelta(days=1)
            n += 1
    return n


def test_demo_weather_tour_in_process(influx_db: Connection, tmp_path: Path) -> None:
    sample = tmp_path / 'seattle-weather.csv'
    days = _sample_weather(sample)
    out = io.StringIO()
    output = tmp_path / 'weekly.csv'
    assert run_demo(_url(influx_db), output=str(output), weather_csv=str(sample), out=out,
                    progress=False) == 0
    text = out.getvalue()
    assert f'{days:,} points written' in text
    assert '/* influxpy: tier 1w */' in text
    # Weeks from Monday: 2015-02-02..08 are days 32..38, temp_max 5 + n/10, mean 8.5.
    assert re.search(r'\n +2015-02-02 +8\.5 ', text)
    assert 'GROUP BY time(1w, 4d)' in text
    assert 'qs.raw_tier()): identical.' in text
    assert f'rows written to {output}' in text
    assert text.count('InfluxQL: ') >= 6
    with open(output, encoding='utf-8') as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= days // 7 and rows[1]['city'] == 'Seattle'


def test_help_and_demo_as_a_subprocess(influx_server: Any, tmp_path: Path) -> None:
    database = f'cli_demo_{uuid.uuid4().hex[:8]}'
    env = {**os.environ, 'INFLUX_DATABASE_URL': f'{influx_server.url}/{database}'}
    done = subprocess.run([sys.executable, '-m', 'influxpy', '--help'], capture_output=True,
                          text=True, env=env, timeout=60)
    assert done.returncode == 0
    for command in ('sync', 'inspectdb', 'import', 'export', 'demo'):
        assert command in done.stdout
    output = tmp_path / 'demo.csv'
    try:
        done = subprocess.run([sys.executable, '-m', 'influxpy', 'demo', '-o', str(output)],
                              capture_output=True, text=True, env=env, timeout=120)
    finally:
        connect(influx_server.url, alias='cleanup').query(f'DROP DATABASE "{database}"')
        disconnect('cleanup')
    assert done.returncode == 0, done.stderr
    assert 'identical.' in done.stdout and 'DIFFERENT' not in done.stdout
    assert 'starting a throwaway' not in done.stdout  # the configured server was used
    assert output.stat().st_size > 0 and done.stderr == ''


def test_export_to_a_file_from_a_dead_server_leaves_no_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    out = tmp_path / 'out.csv'
    assert main(['export', 'm', '-o', str(out),
                 '--url', f'influxdb://127.0.0.1:{port}/db?retries=0']) == 2
    assert 'cannot reach InfluxDB at' in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
