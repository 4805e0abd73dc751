"""Server answers -> Python: one row factory per result shape.

- :mod:`.answer`: the server's series dicts and the one walk over their rows;
- :mod:`.rows`: generated row functions (instances, dicts, tuples, InfluxResults);
- :mod:`.frames`: a DataFrame, column by column;
- :mod:`.shapes`: the shape a QuerySet yields, as one object.

Every function here takes an iterable of the server's *series dicts* (``{'name',
'tags'?, 'columns', 'values', 'partial'?}``, answers requested with ``epoch='ns'``) and
consumes it lazily, so rows streamed by ``Connection.query_chunks`` pass through in
constant memory::

    chunks = connection.query_chunks('SELECT * FROM cpu', chunk_size=10000)
    for obj in to_instances(Cpu, iter_series(chunks)):
        ...
"""

from ..exceptions import PandasMissingError
from .answer import InfluxResult, iter_series, records
from .frames import to_dataframe
from .rows import to_dicts, to_instances, to_results, to_tuples
from .shapes import Dicts, Instances, Shape, Tuples

__all__ = ['Dicts', 'InfluxResult', 'Instances', 'PandasMissingError', 'Shape', 'Tuples',
           'iter_series', 'records', 'to_dataframe', 'to_dicts', 'to_instances', 'to_results',
           'to_tuples']
