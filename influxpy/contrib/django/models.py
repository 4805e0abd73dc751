"""The reading tables of the ORM storage.

A reading model has a ``device`` (a ``CharField``: the series it belongs to), a
``time`` (a ``DateTimeField``) and numeric value columns (``FloatField`` or an
integer field). The InfluxDB storage maps the same declaration to a measurement:
``device`` becomes a tag, each value column a field of the same type, and the table
name (``Meta.db_table``) the measurement's name. Inherit :class:`AbstractReading` to
declare your own columns::

    class Weather(AbstractReading):
        temperature = models.FloatField(null=True)
        humidity = models.FloatField(null=True)
"""

from __future__ import annotations

from django.db import models


class AbstractReading(models.Model):
    """``device`` and ``time``, unique together: storing a reading again replaces it."""

    device = models.CharField(max_length=255)
    time = models.DateTimeField()

    class Meta:
        abstract = True
        ordering = ('time', 'device')
        constraints = [
            models.UniqueConstraint(fields=('device', 'time'),
                                    name='%(app_label)s_%(class)s_device_time'),
        ]

    def __str__(self) -> str:
        return f'{self.device} @ {self.time.isoformat()}'


class Reading(AbstractReading):
    """The default reading: one float ``value`` per device and time."""

    value = models.FloatField()

    class Meta(AbstractReading.Meta):
        db_table = 'influxpy_reading'
