"""influxpy measurements the API tests expose (``INFLUXPY_API['MEASUREMENTS']``)."""

from influxpy import fields, models


class Probe(models.InfluxMeasurement):
    measurement = 'probes'
    host = fields.InfluxTag()
    region = fields.InfluxTag(null=True)
    cpu = fields.FloatField(null=True)
    hits = fields.IntegerField(null=True)
    note = fields.StringField(null=True)
