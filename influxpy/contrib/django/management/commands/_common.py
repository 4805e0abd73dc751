"""What the influxpy management commands share."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError

from .....exceptions import InfluxPyError
from ...handlers import connections


def connect(using: str) -> None:
    """Configure ``using`` (and every ``INFLUXPY`` alias) from the settings."""
    try:
        connections.ensure_all()
        connections[using]
    except (InfluxPyError, ImproperlyConfigured) as exc:
        raise CommandError(str(exc)) from None


class TextOut:
    """A text stream over a command's ``stdout`` (which would add line endings)."""

    def __init__(self, wrapper: Any) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> int:
        self.wrapper.write(text, ending='')
        return len(text)

    def flush(self) -> None:
        self.wrapper.flush()
