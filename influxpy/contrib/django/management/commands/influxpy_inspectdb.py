"""``manage.py influxpy_inspectdb [measurement …]``: model classes for what a database
holds (``influxpy.inspectdb``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from .....exceptions import InfluxPyError
from .....inspectdb import inspect_database
from ._common import connect


class Command(BaseCommand):
    help = 'Write influxpy model classes for the measurements of an InfluxDB database.'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument('measurements', nargs='*', metavar='measurement',
                            help='only these measurements (default: all)')
        parser.add_argument('--database', help="the database (default: the connection's)")
        parser.add_argument('--using', default='default', help='the INFLUXPY alias')

    def handle(self, *args: Any, measurements: list[str] | None = None,
               database: str | None = None, using: str = 'default', **options: Any) -> None:
        connect(using)
        try:
            source = inspect_database(database, measurements or (), using=using)
        except InfluxPyError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(source, ending='')
