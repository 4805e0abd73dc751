"""influxpy: a Django-style ORM for InfluxDB 1.x."""

from .connection import connect, disconnect, get_connection
from .query.expressions import F, Now, Q

__all__ = ['connect', 'disconnect', 'get_connection', 'F', 'Now', 'Q']
__version__ = '0.1.0'
