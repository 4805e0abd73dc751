"""Models the query tests share."""

from __future__ import annotations

from influxpy import fields, models


class Reading(models.InfluxMeasurement):
    """Every kind of column: tags, typed fields, an untyped field, a db_name."""

    measurement = 'reading'
    host = fields.InfluxTag()
    region = fields.InfluxTag(null=True)
    value = fields.FloatField(null=True)
    count = fields.IntegerField(null=True)
    note = fields.StringField(null=True)
    ok = fields.BooleanField(null=True)
    level = fields.InfluxField(null=True)
    spaced = fields.FloatField(null=True, db_name='db name')


class Archived(models.InfluxMeasurement):
    """A measurement in a named database and retention policy."""

    measurement = 'arch"ived'
    host = fields.InfluxTag()
    value = fields.FloatField()

    class Meta:
        database = 'metrics'
        retention_policy = 'two weeks'
