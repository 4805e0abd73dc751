"""The read side: builds and compiles InfluxQL without touching the network.

``QuerySet`` and ``batch`` are loaded on first use, so that importing one of the
package's leaves (``influxpy.query.tree``) does not load the whole read side."""

from typing import Any

__all__ = ['QuerySet', 'batch']


def __getattr__(name: str) -> Any:
    if name == 'QuerySet':
        from .queryset import QuerySet
        return QuerySet
    if name == 'batch':
        from .raw import batch
        return batch
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
