"""What the transfer tests share: a model with every kind of field, and reading back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from influxpy import fields, models
from influxpy.connection import Connection


class Reading(models.InfluxMeasurement):
    measurement = 'readings'
    sensor = fields.InfluxTag()
    site = fields.InfluxTag(null=True)
    temperature = fields.FloatField()
    count = fields.IntegerField(null=True)
    ok = fields.BooleanField(null=True)
    note = fields.StringField(null=True)
    humidity = fields.FloatField(null=True, db_name='humidity %')


def query_rows(conn: Connection, statement: str) -> list[dict[str, Any]]:
    (result,) = conn.query(statement)
    out = []
    for series in result.get('series', []):
        out += [dict(zip(series['columns'], values)) for values in series['values']]
    return out


def write_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding='utf-8')
    return path




def measurements(conn: Connection) -> list[str]:
    return [row['name'] for row in query_rows(conn, 'SHOW MEASUREMENTS')]
