"""The read side: builds and compiles InfluxQL without touching the network."""

from .queryset import QuerySet, batch

__all__ = ['QuerySet', 'batch']
