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

It also holds :class:`SeriesPermission`, the per-series rights the HTTP API enforces.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from ...exceptions import InfluxPyError
from ...fields import check_name, check_tag_value
from .api.types import RIGHTS


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


# -- per-series permissions ------------------------------------------------------------

ALL_MEASUREMENTS = '*'


def selector_error(value: Any) -> str | None:
    """What is wrong with a tag selector (None if nothing): a dict of tag key → value,
    both non-empty strings that line protocol and InfluxQL can carry."""
    if not isinstance(value, dict):
        return (f'a selector is a JSON object of tag values such as {{"region": "eu"}} '
                f'({{}} for every series), not {type(value).__name__}')
    for key, tag in value.items():
        try:
            check_name('selector', 'tag key', key)
        except InfluxPyError as exc:
            return str(exc)
        if not isinstance(tag, str) or not tag:
            return (f'selector: the value of tag {key!r} must be a non-empty string, '
                    f'not {tag!r}')
        try:
            check_tag_value('selector', key, tag)
        except InfluxPyError as exc:
            return str(exc)
    return None


def validate_selector(value: Any) -> None:
    problem = selector_error(value)
    if problem is not None:
        raise DjangoValidationError(problem, code='invalid_selector')


def validate_measurement(value: Any) -> None:
    if value == ALL_MEASUREMENTS:
        return
    try:
        check_name('permission', 'measurement', value)
    except InfluxPyError as exc:
        raise DjangoValidationError(str(exc), code='invalid_measurement') from None


class SeriesPermission(models.Model):
    """Rights on the series of a measurement, for one user or one group.

    ``measurement`` is a measurement's name or ``'*'`` (every measurement); ``tags`` selects
    series: ``{}`` every series, ``{"region": "eu"}`` those whose ``region`` is ``eu`` (all
    the tags given must match). A user may do what any permission of theirs or of their
    groups grants; superusers everything.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                             blank=True, related_name='series_permissions')
    group = models.ForeignKey('auth.Group', on_delete=models.CASCADE, null=True, blank=True,
                              related_name='series_permissions')
    measurement = models.CharField(
        max_length=255, default=ALL_MEASUREMENTS, validators=[validate_measurement],
        help_text="A measurement's name, or * for every measurement.")
    tags = models.JSONField(
        'tag selector', default=dict, blank=True, validators=[validate_selector],
        help_text='The series it covers, as a JSON object of tag values: {} for every '
                  'series, {"region": "eu"} for those tagged region=eu.')
    can_view = models.BooleanField('view', default=True)
    can_append = models.BooleanField('append', default=False)
    can_delete = models.BooleanField('delete', default=False)

    class Meta:
        verbose_name = 'series permission'
        verbose_name_plural = 'series permissions'
        ordering = ('measurement', 'pk')
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False, group__isnull=True)
                           | models.Q(user__isnull=True, group__isnull=False)),
                name='influxpy_seriespermission_user_or_group',
                violation_error_message='A series permission is for a user or for a group: '
                                        'give exactly one.'),
        ]

    @property
    def rights(self) -> list[str]:
        return [right for right in RIGHTS if getattr(self, f'can_{right}')]

    def clean(self) -> None:
        if (self.user_id is None) == (self.group_id is None):
            message = ('give a user or a group, not both' if self.user_id is not None
                       else 'give a user or a group')
            raise DjangoValidationError({'user': message, 'group': message})
        if self.tags is None:       # blank=True (for {}) lets None past the field checks
            raise DjangoValidationError({'tags': 'give a selector: {} for every series, '
                                                 '{"region": "eu"} for some'})
        if not self.rights:
            raise DjangoValidationError('grant at least one right (view, append or delete)')

    def __str__(self) -> str:
        who = (f'user {self.user}' if self.user_id is not None
               else f'group {self.group}' if self.group_id is not None else 'nobody')
        where = ('every measurement' if self.measurement == ALL_MEASUREMENTS
                 else self.measurement)
        tags = self.tags if isinstance(self.tags, dict) else {}
        series = (', '.join(f'{k}={v}' for k, v in sorted(tags.items()))
                  or 'every series')
        return f'{who}: {"/".join(self.rights) or "nothing"} on {where} ({series})'
