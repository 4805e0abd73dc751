"""Writing points: validated batches (``save``, ``create``, ``bulk_create``) and the
buffered :class:`Writer` for streams, with its spool.

- :mod:`.batches`: every point validated, then sent in batches by a few threads;
- :mod:`.buffered`: the background Writer, which loses nothing it accepted;
- :mod:`.spool`: the Writer's file of lines not yet stored.
"""

from .batches import DEFAULT_BATCH_SIZE, write_points
from .buffered import BufferFull, Writer
from .spool import SpoolCorruptWarning

__all__ = ['DEFAULT_BATCH_SIZE', 'BufferFull', 'SpoolCorruptWarning', 'Writer', 'write_points']
