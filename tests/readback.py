"""Reading what the server stored with raw InfluxQL: independent of influxpy's read path."""

from __future__ import annotations

from typing import Any

from influxpy.connection import Connection
from influxpy.quoting import quote_ident


def rows(conn: Connection, statement: str, *,
         database: str | None = None) -> list[dict[str, Any]]:
    """Every row of a raw InfluxQL answer as a dict of column -> value (time in epoch ns),
    series after series, in the server's order."""
    (result,) = conn.query(statement, database=database)
    out = []
    for series in result.get('series', []):
        for values in series.get('values', []):  # SHOW answers may have none
            out.append(dict(zip(series['columns'], values)))
    return out


def stored(conn: Connection, measurement: str, *, rp: str | None = None,
           database: str | None = None) -> list[dict[str, Any]]:
    """Every point of ``measurement`` as a dict of column -> value (time in epoch ns)."""
    source = quote_ident(measurement)
    if rp:
        source = f'{quote_ident(database or conn.database or "")}.{quote_ident(rp)}.{source}'
    return rows(conn, f'SELECT * FROM {source}', database=database)


def measurements(conn: Connection) -> list[str]:
    return [row['name'] for row in rows(conn, 'SHOW MEASUREMENTS')]
