"""A declaration that cannot work: the tier keeps only strings, which it cannot average."""

from influxpy import fields, models
from influxpy.schema import Tier


class Broken(models.InfluxMeasurement):
    name = fields.InfluxTag()
    note = fields.StringField()

    class Meta:
        tiers = [Tier('1h', ['mean'])]
