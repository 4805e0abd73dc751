"""influxpy: a Django-style ORM for InfluxDB 1.x."""

from . import fields, models
from .connection import connect, disconnect, get_connection
from .query.expressions import F, Now, Q
from .sync import sync
from .writer import Writer

__all__ = ['connect', 'disconnect', 'get_connection', 'fields', 'models', 'sync', 'F', 'Now',
           'Q', 'Writer']
__version__ = '0.1.0'
