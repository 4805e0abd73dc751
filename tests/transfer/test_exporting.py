"""Exports against the real server: exact times and floats, and a round trip."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from influxpy.connection import Connection
from influxpy.lineprotocol import quote_string_value
from influxpy.transfer import TransferError, export_csv, format_time, import_file

from ..readback import rows
from .helpers import write_file


def test_export_import_round_trip(influx_db: Connection, tmp_path: Path) -> None:
    values = [0.1 + 0.2, 1e-300, 5e-324, -1.7976931348623157e308, 1 / 3, 2.0]
    lines = []
    for i, value in enumerate(values):
        tags = 'host=a\\ b,region=eu' if i % 2 else 'host=c'
        text = quote_string_value('say "hi",\\n \\' if i == 0 else f'n{i}')
        ok = 'true' if i % 2 else 'false'
        lines.append(f'src,{tags} v={value!r},ok={ok},s={text} {1_700_000_000_123_456_789 + i}')
    influx_db.write(('\n'.join(lines) + '\n').encode())
    out = io.StringIO()
    exported = export_csv(out, measurement='src')
    assert exported.rows == len(values) and exported.tags == ['host', 'region']
    text = out.getvalue()
    assert text.splitlines()[0] == 'time,host,region,ok,s,v'
    assert '2023-11-14T22:13:20.123456789Z' in text
    path = write_file(tmp_path, 'src.csv', text)
    report = import_file(path, measurement='copy', tags=exported.tags)
    assert (report.written, report.refused) == (len(values), 0)
    original = rows(influx_db, 'SELECT * FROM src')
    assert rows(influx_db, 'SELECT * FROM copy') == original
    assert [row['v'] for row in original] == values

    epoch = io.StringIO()
    export_csv(epoch, query='SELECT max(v) AS m FROM src GROUP BY host', epoch='ns')
    assert epoch.getvalue().splitlines() == [
        'time,host,m', f'{1_700_000_000_123_456_789 + 5},a b,2.0',
        f'{1_700_000_000_123_456_789 + 4},c,{1 / 3!r}']


def test_export_of_a_missing_measurement(influx_db: Connection) -> None:
    with pytest.raises(TransferError, match="'nope' has no data"):
        export_csv(io.StringIO(), measurement='nope')


def test_format_time() -> None:
    assert format_time(0) == '1970-01-01T00:00:00Z'
    assert format_time(1_500_000_000) == '1970-01-01T00:00:01.5Z'
    assert format_time(-1) == '1969-12-31T23:59:59.999999999Z'
