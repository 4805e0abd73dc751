"""influxpy: a Django-style ORM for InfluxDB 1.x.

The public names are loaded on first use: ``import influxpy.quoting`` loads a leaf,
not the whole house."""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import fields, models
    from .connection import connect, disconnect, get_connection
    from .query.expressions import F, Now
    from .query.where import Q
    from .synchronize import sync
    from .write import Writer

# name -> the module that defines it
_PUBLIC = {'connect': 'connection', 'disconnect': 'connection', 'get_connection': 'connection',
           'fields': None, 'models': None, 'sync': 'synchronize', 'F': 'query.expressions',
           'Now': 'query.expressions', 'Q': 'query.where', 'Writer': 'write'}

__all__ = ['connect', 'disconnect', 'get_connection', 'fields', 'models', 'sync', 'F', 'Now',
           'Q', 'Writer']
__version__ = '0.1.0'


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    home = _PUBLIC[name]
    value = import_module(f'.{home or name}', __name__)
    if home is not None:
        value = getattr(value, name)
    globals()[name] = value
    return value
