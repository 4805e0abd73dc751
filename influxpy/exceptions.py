"""Every error influxpy raises derives from :class:`InfluxPyError`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class InfluxPyError(Exception):
    """Root of influxpy's errors."""


class ConfigurationError(InfluxPyError, ValueError):
    """A connection URL, option or setting is wrong (raised at ``connect()``)."""


class ValidationError(InfluxPyError, ValueError):
    """A value cannot be written as given; nothing was sent."""

    def __init__(self, message: str, *, model: str | None = None,
                 field: str | None = None, value: Any = None) -> None:
        super().__init__(message)
        self.model = model
        self.field = field
        self.value = value


class QueryError(InfluxPyError, ValueError):
    """A query cannot be built: unknown field or lookup, impossible clause…"""


class InfluxConnectionError(InfluxPyError, ConnectionError):
    """The server could not be reached."""


class InfluxTimeoutError(InfluxConnectionError, TimeoutError):
    """The server did not answer within the configured timeout."""


class ServerError(InfluxPyError):
    """The server answered with an error; ``message`` is the server's own text."""

    def __init__(self, message: str, *, status: int | None = None,
                 statement: str | None = None) -> None:
        self.message = message
        self.status = status
        self.statement = statement
        text = message if status is None else f'{message} (HTTP {status})'
        if statement:
            text = f'{text} in: {statement}'
        super().__init__(text)


class AuthenticationError(ServerError):
    """The server refused the credentials, or the user lacks the privilege."""


class DatabaseNotFound(ServerError):
    """The database named does not exist on the server."""


class WriteError(ServerError):
    """A write failed; ``unwritten`` holds the points certainly not on the server.

    ``unknown`` holds the points of batches in flight when the server stopped answering
    (a timeout): the server may have stored them after all. Writing them again is
    harmless (a point with the same measurement, tags and time overwrites itself)."""

    def __init__(self, message: str, *, status: int | None = None,
                 unwritten: Sequence[Any] = (), unknown: Sequence[Any] = ()) -> None:
        super().__init__(message, status=status)
        self.unwritten = list(unwritten)
        self.unknown = list(unknown)


class PandasMissingError(InfluxPyError, ImportError):
    """pandas is needed (``pip install 'influxpy[pandas]'``) and is not installed."""


class NaiveDatetimeWarning(RuntimeWarning):
    """A naive datetime was read as UTC, or in Django in the current time zone (set strict
    mode to make this an error)."""
