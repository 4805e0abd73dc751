"""``manage.py influxpy_import FILE --model dotted.Model`` (or ``--measurement``,
``--storage``): CSV or line protocol, streamed, with a progress bar and one message per
refused line (``influxpy.transfer.import_file``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import import_string

from .....exceptions import InfluxPyError
from .....models import InfluxMeasurement
from .....transfer import RefusedLine, import_file
from .....write import DEFAULT_BATCH_SIZE
from ...handlers import get_storage
from ._common import connect


class Command(BaseCommand):
    help = 'Import a CSV or line-protocol file into InfluxDB; refused lines are reported.'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument('file', help="the file ('-': standard input)")
        target = parser.add_mutually_exclusive_group()
        target.add_argument('--model', metavar='dotted.path.Model',
                            help='an influxpy model to import into')
        target.add_argument('--storage', action='store_true',
                            help="into the InfluxDB reading storage's measurement")
        target.add_argument('--measurement', help='a measurement to import into')
        parser.add_argument('--tags', metavar='a,b', help='CSV columns that are tags')
        parser.add_argument('--format', choices=['csv', 'lp'],
                            help='default: from the file name (.lp/.line/.txt: line protocol)')
        parser.add_argument('--database', help="the database (default: the connection's)")
        parser.add_argument('--retention-policy', help='the retention policy to write to')
        parser.add_argument('--precision', default='ns',
                            choices=['ns', 'u', 'ms', 's', 'm', 'h'],
                            help='of epoch times in the file')
        parser.add_argument('--batch-size', type=int, default=DEFAULT_BATCH_SIZE,
                            help='points per write')
        parser.add_argument('--no-progress', action='store_true', help='no progress bar')
        parser.add_argument('--resume-from', type=int, default=1, metavar='LINE',
                            help='skip the lines before LINE (after an interrupted import)')
        parser.add_argument('--using', default=None, help='the INFLUXPY alias')

    def _model(self, model: str | None, storage: bool) -> type[InfluxMeasurement] | None:
        if storage:
            try:
                models: list[type[InfluxMeasurement]] = getattr(
                    get_storage(), 'measurement_models', list)()
            except ImproperlyConfigured as exc:
                raise CommandError(str(exc)) from None
            if not models:
                raise CommandError('--storage needs INFLUXPY_STORAGE to be the InfluxDB storage')
            return models[0]
        if model is None:
            return None
        try:
            found = import_string(model)
        except ImportError as exc:
            raise CommandError(f'--model {model!r} cannot be imported: {exc}') from None
        if not (isinstance(found, type) and issubclass(found, InfluxMeasurement)):
            raise CommandError(f'--model {model!r} is not an influxpy model')
        return found

    def handle(self, file: str, *, model: str | None = None, storage: bool = False,
               measurement: str | None = None, tags: str | None = None,
               format: str | None = None, database: str | None = None,
               retention_policy: str | None = None, precision: str = 'ns',
               batch_size: int = DEFAULT_BATCH_SIZE, no_progress: bool = False,
               using: str | None = None,
               resume_from: int = 1, **options: Any) -> None:
        target = self._model(model, storage)
        if target is None and measurement is None and format != 'lp' and \
                not file.lower().endswith(('.lp', '.line', '.txt')):
            raise CommandError('give --model, --storage or --measurement to import into')
        alias = using or (target._meta.using if target is not None else 'default')
        connect(alias)
        label = file if file != '-' else '<stdin>'

        def problem(item: RefusedLine) -> None:
            self.stderr.write(f'{label}:{item.line}: {item.message}')

        try:
            report = import_file(
                file, format=format, model=target, measurement=measurement,
                tags=[t for t in (tags or '').split(',') if t], database=database,
                retention_policy=retention_policy, using=alias, precision=precision,
                batch_size=batch_size, on_problem=problem,
                progress=False if no_progress else None, resume_from=resume_from)
        except InfluxPyError as exc:  # first: a connection error is an OSError too
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f'cannot read {file!r}: {exc.strerror}') from None
        self.stdout.write(str(report))
        if report.refused:
            raise CommandError(f'{report.refused} line(s) refused')
