"""Import CSV and line-protocol files, export measurements and queries to CSV.

Both directions stream, so memory stays constant whatever the size. An import never
stops at a bad line: each is reported with its line number and the rest is written.

>>> report = import_file('readings.csv', model=Reading)
>>> print(report)
read 1,000 lines: 998 points written, 2 refused
>>> with open('readings.csv', 'w', newline='') as out:
...     export_csv(out, measurement='readings')
"""

from ..write import DEFAULT_BATCH_SIZE
from .errors import ImportInterrupted, ImportReport, RefusedLine, TransferError
from .exporting import ExportReport, csv_cell, export_csv, export_csv_file, format_time
from .importing import import_file
from .options import add_export_arguments, add_import_arguments
from .progress import Progress
from .values import infer_value, parse_time

__all__ = [
    'DEFAULT_BATCH_SIZE', 'ExportReport', 'ImportInterrupted', 'ImportReport', 'Progress',
    'RefusedLine', 'TransferError', 'add_export_arguments', 'add_import_arguments',
    'csv_cell', 'export_csv', 'export_csv_file', 'format_time', 'import_file',
    'infer_value', 'parse_time',
]
