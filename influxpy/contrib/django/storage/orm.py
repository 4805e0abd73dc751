"""Readings in a table of Django's own database (SQLite, PostgreSQL), through the ORM.

Calendar buckets (day, week, month) use Django's ``Trunc`` in the query's time zone;
fixed-length buckets (minute, hour, a timedelta) are computed from the epoch in
microseconds, in SQL, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

from django.db import NotSupportedError, connections, transaction
from django.db.models import Avg, BigIntegerField, Count, F, Func, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Collate, Trunc

from ....exceptions import QueryError
from ..problems import UNKNOWN_ALIAS, StorageConfigurationError
from .base import ReadingStorage
from .intervals import Interval, computing_zone, from_us
from .reading_model import DEFAULT_MODEL, DEVICE, TIME
from .types import FUNCTIONS, DeviceReading, Features, ReadingFilter, SeriesSpan

EPOCH_VENDORS = ('sqlite', 'postgresql')


class BucketStart(Func):
    """The start, in epoch microseconds, of the fixed-length bucket holding a datetime:
    ``t - (t + offset) mod length``, with a floor modulo (times before 1970 too)."""

    output_field = BigIntegerField()
    arity = 1

    def __init__(self, expression: Any, length_us: int, offset_us: int) -> None:
        super().__init__(expression)
        # Plain integers computed here, never user text: inlined so the SELECT and
        # GROUP BY clauses are the same text.
        self.length_us = int(length_us)
        self.offset_us = int(offset_us)

    def _bucket(self, epoch_us: str, params: list[Any]) -> tuple[str, list[Any]]:
        shifted = f'({epoch_us} + {self.offset_us})'
        length = self.length_us
        floor = (f'(CASE WHEN {shifted} >= 0 THEN {shifted} / {length} '
                 f'ELSE -(({length} - 1 - {shifted}) / {length}) END)')
        return f'({floor} * {length} - {self.offset_us})', params * 3  # shifted is used 3 times

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        # Django keeps SQLite datetimes as 'YYYY-MM-DD HH:MM:SS[.ffffff]' text in UTC;
        # SQLite's date functions round to milliseconds, so the fraction is read apart.
        epoch = (f"(CAST(strftime('%%s', substr({sql}, 1, 19)) AS INTEGER) * 1000000 "
                 f'+ CAST(substr({sql}, 21, 6) AS INTEGER))')
        return self._bucket(epoch, [*params, *params])

    def as_postgresql(self, compiler: Any, connection: Any,
                      **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return self._bucket(f'(EXTRACT(EPOCH FROM {sql}) * 1000000)::bigint', list(params))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        raise NotSupportedError(f'fixed-length buckets need SQLite or PostgreSQL, not '
                                f'{connection.vendor}')


class ORMStorage(ReadingStorage):
    """Readings in the table of ``model`` in Django's database ``database``.

    The default storage: works on SQLite out of the box and on PostgreSQL.
    """

    def __init__(self, *, model: str | type[Any] = DEFAULT_MODEL, database: str = 'default',
                 batch_size: int = 1000) -> None:
        super().__init__(model=model)
        if database not in connections.settings:
            raise StorageConfigurationError(
                f'the database {database!r} is not in settings.DATABASES', check_id=UNKNOWN_ALIAS,
                hint=f'use one of {", ".join(connections.settings)}')
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise StorageConfigurationError(f'batch_size={batch_size!r} must be a positive '
                                            'integer')
        self.database = database
        self.batch_size = batch_size
        self.model = self.schema.model
        vendor = connections[database].vendor
        epoch = vendor in EPOCH_VENDORS
        self.features = Features(
            functions=FUNCTIONS,
            intervals=('minute', 'hour', 'day', 'week', 'month') if epoch
            else ('day', 'week', 'month'),
            timedelta_intervals=epoch, transactions=True)
        self._collate = 'C' if vendor == 'postgresql' else None

    def __repr__(self) -> str:
        return f'<ORMStorage {self.schema.label} in {self.database!r}>'

    # -- writes -------------------------------------------------------------------------

    def _write(self, readings: list[DeviceReading]) -> None:
        # Values of one device and time merge, the later winning, as in InfluxDB.
        merged: dict[tuple[str, datetime], dict[str, Any]] = {}
        for reading in readings:
            merged.setdefault((reading.device, reading.time), {}).update(reading.values)
        groups: dict[tuple[str, ...], list[Any]] = {}
        for (device, when), values in merged.items():
            groups.setdefault(tuple(sorted(values)), []).append(
                self.model(**{DEVICE: device, TIME: when}, **values))
        manager = self.model._default_manager.db_manager(self.database)
        with transaction.atomic(using=self.database):
            for names, objs in groups.items():
                manager.bulk_create(objs, batch_size=self.batch_size, update_conflicts=True,
                                    unique_fields=(DEVICE, TIME), update_fields=names)

    # -- reads --------------------------------------------------------------------------

    def _queryset(self, flt: ReadingFilter) -> QuerySet[Any]:
        qs = self.model._default_manager.using(self.database).all()
        if flt.devices is not None:
            qs = qs.filter(**{f'{DEVICE}__in': flt.devices})
        if flt.lower is not None:
            qs = qs.filter(**{f'{TIME}__{"gte" if flt.lower_inclusive else "gt"}': flt.lower})
        if flt.upper is not None:
            qs = qs.filter(**{f'{TIME}__{"lte" if flt.upper_inclusive else "lt"}': flt.upper})
        columns = self.schema.columns
        if all(columns[name].null for name in flt.fields):
            # InfluxDB returns no row for a point without any of the selected fields.
            any_value = Q()
            for name in flt.fields:
                any_value |= Q(**{f'{name}__isnull': False})
            qs = qs.filter(any_value)
        return qs

    def _device_order(self, descending: bool) -> Any:
        device: Any = F(DEVICE) if self._collate is None else Collate(F(DEVICE), self._collate)
        return device.desc() if descending else device.asc()

    def _select(self, flt: ReadingFilter, limit: int | None,
                descending: bool) -> list[DeviceReading]:
        qs = self._queryset(flt).order_by(
            F(TIME).desc() if descending else F(TIME).asc(), self._device_order(descending))
        if limit is not None:
            qs = qs[:limit]
        names = flt.fields
        return [DeviceReading(row[0], row[1].astimezone(UTC), dict(zip(names, row[2:])))
                for row in qs.values_list(DEVICE, TIME, *names)]

    def _aggregate(self, flt: ReadingFilter, function: str, interval: Interval | None,
                   tz: tzinfo, by_device: bool
                   ) -> Iterable[tuple[str | None, datetime | None, Mapping[str, Any]]]:
        qs = self._queryset(flt)
        aliases = {name: f'_v{i}' for i, name in enumerate(flt.fields)}
        annotations: dict[str, Any] = {alias: _function(function, name)
                                       for name, alias in aliases.items()}
        annotations['_n'] = Count('pk')
        group: list[str] = [DEVICE] if by_device else []
        if interval is None:
            pass
        elif interval.calendar:
            zone = computing_zone(tz, interval)
            qs = qs.annotate(_bucket=Trunc(TIME, interval.calendar, tzinfo=zone))
            group.append('_bucket')
        else:
            if interval.length_us and not self.features.timedelta_intervals:
                raise QueryError(f'{interval.name} buckets need SQLite or PostgreSQL')
            offset = interval.grid_offset_us(computing_zone(tz, interval), flt.reference())
            qs = qs.annotate(_bucket=BucketStart(TIME, interval.length_us, offset))
            group.append('_bucket')
        if group:
            rows: Iterable[dict[str, Any]] = qs.values(*group).annotate(**annotations).order_by()
        else:
            rows = [qs.aggregate(**annotations)]
        out = []
        for row in rows:
            if not row['_n']:
                continue
            when = row.get('_bucket')
            if isinstance(when, int):
                when = from_us(when, tz)
            elif isinstance(when, datetime):
                when = when.astimezone(tz)
            values = {name: row[alias] for name, alias in aliases.items()}
            out.append((row.get(DEVICE), when, values))
        return out

    def _series(self, flt: ReadingFilter) -> list[SeriesSpan]:
        rows = (self._queryset(flt).values(DEVICE)
                .annotate(_first=Min(TIME), _last=Max(TIME)).order_by())
        return [SeriesSpan(row[DEVICE], row['_first'].astimezone(UTC),
                           row['_last'].astimezone(UTC)) for row in rows]

    def _delete(self, flt: ReadingFilter) -> int:
        qs = self._queryset(flt)
        count, _ = qs.delete()
        return int(count)

    def _ping(self) -> str:
        self.model._default_manager.using(self.database).exists()
        connection = connections[self.database]
        return f'{connection.vendor} database {self.database!r}, table {self.schema.table}'


def _function(function: str, name: str) -> Any:
    if function == 'avg':
        return Avg(name)
    if function == 'min':
        return Min(name)
    if function == 'max':
        return Max(name)
    if function == 'sum':
        return Sum(name)
    if function == 'count':
        return Count(name)
    if function == 'spread':
        return Max(name) - Min(name)
    raise QueryError(f'unknown function {function!r}')
