"""Reading what the server stored with raw InfluxQL: independent of influxpy's read path."""

from __future__ import annotations

from typing import Any

from influxpy.connection import Connection
from influxpy.quoting import quote_ident


def stored(conn: Connection, measurement: str, *, rp: str | None = None,
           database: str | None = None) -> list[dict[str, Any]]:
    """Every point of ``measurement`` as a dict of column -> value (time in epoch ns)."""
    source = quote_ident(measurement)
    if rp:
        source = f'{quote_ident(database or conn.database or "")}.{quote_ident(rp)}.{source}'
    (result,) = conn.query(f'SELECT * FROM {source}', database=database)
    rows = []
    for series in result.get('series', []):
        for values in series['values']:
            rows.append(dict(zip(series['columns'], values)))
    return rows


def measurements(conn: Connection) -> list[str]:
    (result,) = conn.query('SHOW MEASUREMENTS')
    return [row[0] for series in result.get('series', []) for row in series['values']]
