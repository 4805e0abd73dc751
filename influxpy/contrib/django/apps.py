"""The app's configuration: registers checks and signal receivers, installs Django's rule
for naive datetimes, and does no I/O."""

from __future__ import annotations

from django.apps import AppConfig


class InfluxpyConfig(AppConfig):
    name = 'influxpy.contrib.django'
    label = 'influxpy'
    verbose_name = 'influxpy'
    default_auto_field = 'django.db.models.BigAutoField'

    def ready(self) -> None:
        from django.core.signals import request_finished, setting_changed

        from ... import times
        from . import checks  # noqa: F401 - registers the system checks
        from .handlers import close_after_request, reset_on_setting_changed
        from .naive import DjangoNaiveRule

        times.settings.naive_rule = DjangoNaiveRule()  # models, storages, commands alike

        setting_changed.connect(reset_on_setting_changed,
                                dispatch_uid='influxpy.reset_on_setting_changed')
        request_finished.connect(close_after_request, dispatch_uid='influxpy.close_after_request')
