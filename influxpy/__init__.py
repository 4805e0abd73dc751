"""influxpy: a Django-style ORM for InfluxDB 1.x."""

from .connection import connect, disconnect, get_connection

__all__ = ['connect', 'disconnect', 'get_connection']
__version__ = '0.1.0'
