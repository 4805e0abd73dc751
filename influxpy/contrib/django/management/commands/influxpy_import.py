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
from .....transfer import RefusedLine, add_import_arguments, import_file
from .....transfer.importing import LINE_PROTOCOL_EXTENSIONS
from .....write import DEFAULT_BATCH_SIZE
from ...handlers import get_storage
from ._common import connect


class Command(BaseCommand):
    help = 'Import a CSV or line-protocol file into InfluxDB; refused lines are reported.'

    def add_arguments(self, parser: CommandParser) -> None:
        target = add_import_arguments(parser, model_metavar='dotted.path.Model')
        target.add_argument('--storage', action='store_true',
                            help="into the InfluxDB reading storage's measurement")
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
                not file.lower().endswith(LINE_PROTOCOL_EXTENSIONS):
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
