"""The command-line options of imports and exports (argparse), shared by
``python -m influxpy`` and Django's ``influxpy_import`` and ``influxpy_export``."""

from __future__ import annotations

from typing import Any

from ..times import PRECISION_NS
from ..write import DEFAULT_BATCH_SIZE


def add_import_arguments(parser: Any, *, model_metavar: str = 'module:Model') -> Any:
    """The file, what to import it into and how to read it; returns the group of
    mutually exclusive targets (``--model``, ``--measurement``) for more of them."""
    parser.add_argument('file', help="the file ('-': standard input)")
    target = parser.add_mutually_exclusive_group()
    target.add_argument('--model', metavar=model_metavar, help='a model to import into')
    target.add_argument('--measurement', help='a measurement to import into (CSV: numbers '
                        'become floats, true/false booleans, the rest strings)')
    parser.add_argument('--tags', metavar='a,b', help='CSV columns that are tags (no --model)')
    parser.add_argument('--format', choices=['csv', 'lp'],
                        help='csv or lp (line protocol); default: from the file name')
    parser.add_argument('--database', help="the database (default: the URL's)")
    parser.add_argument('--retention-policy', help="the retention policy (default: the "
                        "database's default)")
    parser.add_argument('--precision', default='ns', choices=list(PRECISION_NS),
                        help='unit of epoch times in the file (default: ns)')
    parser.add_argument('--batch-size', type=int, default=DEFAULT_BATCH_SIZE,
                        help='points per write')
    parser.add_argument('--no-progress', action='store_true', help='no progress bar')
    parser.add_argument('--resume-from', type=int, default=1, metavar='LINE',
                        help='skip the lines before LINE (after an interrupted import)')
    return target


def add_export_arguments(parser: Any) -> None:
    """The export options, shared by ``python -m influxpy export`` and Django's
    ``influxpy_export`` (an argparse parser)."""
    parser.add_argument('measurement', nargs='?', help='the measurement to export')
    parser.add_argument('--query', help='an InfluxQL query to export instead')
    parser.add_argument('-o', '--output', help='the CSV file (default: standard output)')
    parser.add_argument('--epoch', choices=['ns', 'u', 'ms', 's'],
                        help='times as epoch integers in this unit (default: RFC 3339)')
    parser.add_argument('--database', help="the database (default: the connection's)")
    parser.add_argument('--retention-policy', help='the retention policy of the measurement')
