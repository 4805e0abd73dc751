"""``manage.py influxpy_sync [app_label …]``: ``influxpy.sync`` for the measurements of
the installed apps (and the InfluxDB reading storage)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from .....exceptions import InfluxPyError
from .....synchronize import Change, sync
from ...discovery import discover_measurements
from ...handlers import get_storage
from ._common import connect


class Command(BaseCommand):
    help = ('Create or alter the databases, retention policies and continuous queries that '
            'the influxpy measurements of the installed apps declare.')

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument('app_labels', nargs='*', metavar='app_label',
                            help='only these apps (default: every installed app and the '
                                 'reading storage)')
        parser.add_argument('--dry-run', action='store_true',
                            help='print the InfluxQL, change nothing')
        parser.add_argument('--backfill', action='store_true',
                            help='also fill new tiers from the raw points already stored')
        parser.add_argument('--using', default=None,
                            help="the INFLUXPY alias (default: each model's own)")

    def handle(self, *args: Any, app_labels: list[str] | None = None, dry_run: bool = False,
               backfill: bool = False, using: str | None = None, **options: Any) -> None:
        app_labels = list(app_labels or ())
        try:
            models, problems = discover_measurements(app_labels or None)
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        if problems:
            raise CommandError('; '.join(problem.msg for problem in problems))
        if not app_labels or 'influxpy' in app_labels:
            try:
                storage = get_storage()
            except ImproperlyConfigured as exc:
                raise CommandError(str(exc)) from None
            models += [m for m in getattr(storage, 'measurement_models', list)()
                       if m not in models]
        if not models:
            self.stdout.write('No influxpy measurements to sync.')
            return
        for alias in {using or model._meta.using for model in models}:
            connect(alias)

        def report(change: Change) -> None:
            verb = 'Would ' + change.action if dry_run else change.action.capitalize()
            self.stdout.write(f'{verb} {change.target}')
            if options.get('verbosity', 1) > 1 or dry_run:
                self.stdout.write(f'    {change.statement}')

        try:
            changes = sync(*models, using=using, dry_run=dry_run, backfill=backfill,
                           report=report)
        except InfluxPyError as exc:
            raise CommandError(str(exc)) from None
        names = ', '.join(model.__name__ for model in models)
        if not changes:
            self.stdout.write(f'{names}: nothing to change.')
        elif dry_run:
            self.stdout.write(f'Dry run: {len(changes)} change(s) not made.')
        else:
            self.stdout.write(self.style.SUCCESS(f'{len(changes)} change(s) made.'))
