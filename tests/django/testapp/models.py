from django.db import models

from influxpy.contrib.django.models import AbstractReading


class Weather(AbstractReading):
    """A wider reading: nullable float and integer columns."""

    temperature = models.FloatField(null=True)
    humidity = models.FloatField(null=True)
    pulses = models.IntegerField(null=True)
