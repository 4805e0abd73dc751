"""influxpy measurements of the test app, found by ``influxpy_sync`` and the checks."""

from influxpy import fields, models
from influxpy.schema import RetentionPolicy, Tier


class Sensor(models.InfluxMeasurement):
    measurement = 'sensors'
    device = fields.InfluxTag()
    level = fields.FloatField()

    class Meta:
        retention_policy = RetentionPolicy('raw', '30d')
        tiers = [Tier('1h', ['mean', 'max'], keep='90d')]
