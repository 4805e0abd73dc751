"""``manage.py influxpy_export MEASUREMENT`` (or ``--query``): CSV, streamed
(``influxpy.transfer.export_csv``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from .....exceptions import InfluxPyError
from .....transfer import add_export_arguments, export_csv, export_csv_file
from ._common import TextOut, connect


class Command(BaseCommand):
    help = 'Export a measurement, or the answer to an InfluxQL query, as CSV.'

    def add_arguments(self, parser: CommandParser) -> None:
        add_export_arguments(parser)
        parser.add_argument('--using', default='default', help='the INFLUXPY alias')

    def handle(self, measurement: str | None = None, *, query: str | None = None,
               output: str | None = None, epoch: str | None = None,
               database: str | None = None, retention_policy: str | None = None,
               using: str = 'default', **options: Any) -> None:
        if (measurement is None) == (query is None):
            raise CommandError('export a measurement (influxpy_export NAME) or a query '
                               '(--query "SELECT …")')
        connect(using)
        kwargs: dict[str, Any] = dict(measurement=measurement, query=query, database=database,
                                      retention_policy=retention_policy, epoch=epoch,
                                      using=using)
        try:
            if output in (None, '-'):
                report = export_csv(TextOut(self.stdout), **kwargs)  # type: ignore[arg-type]
            else:
                report = export_csv_file(output, **kwargs)
        except InfluxPyError as exc:
            raise CommandError(str(exc)) from None
        where = f' to {output}' if output not in (None, '-') else ''
        self.stderr.write(f'{report}{where}')
