"""What the transfer tests share: a model with every kind of field, and files.

Reading back is tests/readback.py's."""

from __future__ import annotations

from pathlib import Path

from influxpy import fields, models


class Reading(models.InfluxMeasurement):
    measurement = 'readings'
    sensor = fields.InfluxTag()
    site = fields.InfluxTag(null=True)
    temperature = fields.FloatField()
    count = fields.IntegerField(null=True)
    ok = fields.BooleanField(null=True)
    note = fields.StringField(null=True)
    humidity = fields.FloatField(null=True, db_name='humidity %')


def write_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding='utf-8')
    return path
