"""Naive datetimes in Django follow Django: read in the current time zone, with
Django's warning. The app installs this rule in ``AppConfig.ready``."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from django.conf import settings
from django.utils import timezone

from ...times import NaiveRule


class DjangoNaiveRule(NaiveRule):
    def zone(self) -> tzinfo:
        zone: tzinfo = timezone.get_current_timezone()
        return zone

    def message(self, what: str, value: Any, zone: tzinfo) -> str:
        active = ' while time zone support is active' if settings.USE_TZ else ''
        return (f'{what} received a naive datetime ({value}){active}: read in the current '
                f'time zone ({zone}).')
