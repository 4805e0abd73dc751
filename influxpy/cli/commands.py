"""The command line: ``python -m influxpy`` (or ``influxpy``) sync, inspectdb, import,
export and demo.

The server is ``--url`` or, without it, the environment variable ``INFLUX_DATABASE_URL``.
An influxpy error prints one line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..connection import ENV_URL, connect
from ..exceptions import InfluxPyError

if TYPE_CHECKING:
    from ..models import InfluxMeasurement
    from ..synchronize import Change
    from ..transfer import RefusedLine

PROG = 'influxpy'


class CommandError(InfluxPyError):
    """A command line that cannot be carried out (a bad argument, a model not found…)."""


# -- models named on the command line ------------------------------------------------

def _import_module(name: str) -> ModuleType:
    if os.getcwd() not in sys.path and '' not in sys.path:
        sys.path.insert(0, os.getcwd())  # as `python -m` does: models next to the user
    try:
        if name.endswith('.py'):
            spec = importlib.util.spec_from_file_location(
                os.path.splitext(os.path.basename(name))[0], name)
            if spec is None or spec.loader is None or not os.path.exists(name):
                raise CommandError(f'no such file: {name!r}')
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
            return module
        return importlib.import_module(name)
    except ImportError as exc:
        raise CommandError(f'cannot import {name!r}: {exc}') from None


def load_models(spec: str) -> list[type[InfluxMeasurement]]:
    """``package.module:Model`` -> [Model]; ``package.module`` -> every model it defines."""
    from ..models import InfluxMeasurement

    module_name, _, attr = spec.partition(':')
    if not module_name:
        raise CommandError(f'{spec!r} names no module; write module:Model')
    module = _import_module(module_name)
    if attr:
        obj: Any = module
        for part in attr.split('.'):
            obj = getattr(obj, part, None)
            if obj is None:
                raise CommandError(f'{module_name} has no {attr!r}')
        if not (isinstance(obj, type) and issubclass(obj, InfluxMeasurement)):
            raise CommandError(f'{spec} is not an influxpy model (an InfluxMeasurement '
                               'subclass)')
        return [obj]
    found = [obj for obj in vars(module).values()
             if isinstance(obj, type) and issubclass(obj, InfluxMeasurement)
             and obj.__module__ == module.__name__ and not obj._meta.abstract]
    if not found:
        raise CommandError(f'module {module_name} defines no influxpy model')
    return found


def load_model(spec: str) -> type[InfluxMeasurement]:
    models = load_models(spec)
    if len(models) != 1:
        raise CommandError(f'{spec} defines {len(models)} models; name one as module:Model')
    return models[0]


# -- connection ---------------------------------------------------------------------------

def _connect(args: argparse.Namespace, required: bool = True) -> str | None:
    """Configure the default connection from --url or the environment; return the URL."""
    url = getattr(args, 'url', None) or getattr(args, 'global_url', None) or \
        os.environ.get(ENV_URL)
    if url:
        connect(url)
    elif required:
        raise CommandError(f'no server: pass --url influxdb://host:8086/database or set '
                           f'{ENV_URL}')
    return url


def _print(*parts: Any, file: Any = None) -> None:
    print(*parts, file=file or sys.stdout, flush=True)


# -- commands --------------------------------------------------------------------------------

def cmd_sync(args: argparse.Namespace) -> int:
    from ..synchronize import sync

    models = [model for spec in args.models for model in load_models(spec)]
    _connect(args)

    def report(change: Change) -> None:
        _print(f'{change.action} {change.target}')
        _print(f'    {change.statement}')

    changes = sync(*models, dry_run=args.dry_run, backfill=args.backfill, report=report)
    names = ', '.join(model.__name__ for model in models)
    if not changes:
        _print(f'{names}: nothing to change')
    elif args.dry_run:
        _print(f'dry run: {len(changes)} change(s) not made')
    return 0


def cmd_inspectdb(args: argparse.Namespace) -> int:
    from ..inspectdb import inspect_database

    names = list(args.names)
    if names and '://' in names[0]:
        args.url = names.pop(0)
    _connect(args)
    sys.stdout.write(inspect_database(args.database, names))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..transfer import import_file
    from ..transfer.importing import LINE_PROTOCOL_EXTENSIONS

    model = load_model(args.model) if args.model else None
    if model is None and not args.measurement and args.format != 'lp' and \
            not args.file.lower().endswith(LINE_PROTOCOL_EXTENSIONS):
        raise CommandError('give --model module:Model or --measurement NAME to import into')
    _connect(args)
    label = args.file if args.file != '-' else '<stdin>'

    def problem(item: RefusedLine) -> None:
        _print(f'{label}:{item.line}: {item.message}', file=sys.stderr)

    tags = [t for t in (args.tags or '').split(',') if t]
    report = import_file(args.file, format=args.format, model=model,
                         measurement=args.measurement, tags=tags, database=args.database,
                         retention_policy=args.retention_policy, precision=args.precision,
                         batch_size=args.batch_size, on_problem=problem,
                         progress=False if args.no_progress else None,
                         resume_from=args.resume_from)
    _print(report)
    return 1 if report.refused else 0


def cmd_export(args: argparse.Namespace) -> int:
    from ..transfer import export_csv, export_csv_file

    if (args.measurement is None) == (args.query is None):
        raise CommandError('export a measurement (export NAME) or a query (--query …)')
    _connect(args)
    kwargs = dict(measurement=args.measurement, query=args.query, database=args.database,
                  retention_policy=args.retention_policy, epoch=args.epoch)
    if args.output in (None, '-'):
        report = export_csv(sys.stdout, **kwargs)
        sys.stdout.flush()
    else:
        report = export_csv_file(args.output, **kwargs)
    _print(f'{report}' + (f' to {args.output}' if args.output not in (None, '-') else ''),
           file=sys.stderr)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    url = getattr(args, 'url', None) or getattr(args, 'global_url', None) or \
        os.environ.get(ENV_URL)
    return run_demo(url, output=args.output, dataset=args.dataset)


# -- the parser ------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    from ..transfer.options import add_export_arguments, add_import_arguments

    parser = argparse.ArgumentParser(
        prog=PROG, description='influxpy: a Django-style ORM for InfluxDB 1.x.',
        epilog=f'The server is --url or ${ENV_URL} (influxdb://user:pass@host:8086/db).')
    parser.add_argument('--url', dest='global_url', metavar='URL',
                        help=f'the server and database (default: ${ENV_URL})')
    commands = parser.add_subparsers(dest='command', metavar='COMMAND', required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument('--url', metavar='URL',
                        help=f'influxdb://[user:pass@]host:8086/database (default: ${ENV_URL})')

    sync = commands.add_parser(
        'sync', parents=[common], help="create or alter what models declare (retention "
        "policies, continuous queries)", description='Create or alter what the models '
        'declare in Meta: databases, retention policies and continuous queries for tiers. '
        'Running it again changes nothing.')
    sync.add_argument('models', nargs='+', metavar='module:Model',
                      help='models to sync; a module alone means all its models')
    sync.add_argument('--dry-run', action='store_true', help='print the InfluxQL, change nothing')
    sync.add_argument('--backfill', action='store_true',
                      help='fill each tier from the raw points already stored')
    sync.set_defaults(handler=cmd_sync)

    inspect = commands.add_parser(
        'inspectdb', parents=[common], help='print model classes for an existing database',
        description='Print a Python module declaring a model class per measurement.')
    inspect.add_argument('names', nargs='*', metavar='[URL] measurement',
                         help='the server URL (optional), then measurements (default: all)')
    inspect.add_argument('--database', help="the database (default: the URL's)")
    inspect.set_defaults(handler=cmd_inspectdb)

    imp = commands.add_parser(
        'import', parents=[common], help='import a CSV or line-protocol file',
        description='Import a CSV (header row with a time column) or line-protocol file, '
        'in batches. Bad lines are reported with their numbers; the others are written. '
        'Exit status 1 when some lines were refused.')
    add_import_arguments(imp)
    imp.set_defaults(handler=cmd_import)

    exp = commands.add_parser(
        'export', parents=[common], help='export a measurement or a query to CSV',
        description='Write a measurement (time, tags, fields) or the answer to an '
        'InfluxQL query as CSV, streamed. Times are exact RFC 3339 (or --epoch).')
    add_export_arguments(exp)
    exp.set_defaults(handler=cmd_export)

    demo = commands.add_parser(
        'demo', parents=[common], help='a guided tour on a real time series',
        description='Load a real time series (Seattle weather, from the vega_datasets '
        'package; generated server metrics without it) into InfluxDB, declare a tiered '
        'model, sync it and tour the queries. Starts a throwaway server unless --url or '
        f'${ENV_URL} names one.')
    demo.add_argument('-o', '--output', help='where to write the exported CSV '
                      '(default: a temporary directory)')
    demo.add_argument('--dataset', choices=['auto', 'weather', 'metrics'], default='auto',
                      help='the data to load (default: weather when vega_datasets is '
                      'installed)')
    demo.set_defaults(handler=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except InfluxPyError as exc:
        sys.stdout.flush()
        print(f'{PROG}: error: {exc}', file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f'{PROG}: interrupted', file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`… | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return status
