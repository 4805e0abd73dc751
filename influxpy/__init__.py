"""influxpy: a Django-style ORM for InfluxDB 1.x."""

from . import fields, models
from .connection import connect, disconnect, get_connection
from .query.expressions import F, Now, Q
from .sync import sync

__all__ = ['connect', 'disconnect', 'get_connection', 'fields', 'models', 'sync', 'F', 'Now',
           'Q']
__version__ = '0.1.0'
