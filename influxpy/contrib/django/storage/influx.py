"""Readings in InfluxDB, through an influxpy measurement derived from the reading model.

The measurement (see :func:`~.measurement.measurement_for`) writes to the retention policy
and keeps the downsampling tiers given as options; ``manage.py influxpy_sync`` creates
them on the server. Bucketing, so that the answers are the ORM storage's:

- minute, hour and timedelta buckets: ``GROUP BY time(length, offset)`` in UTC, the
  offset being the time zone's (see :mod:`.intervals`);
- day buckets: ``GROUP BY time(1d)`` with ``tz()``, which InfluxDB shifts correctly
  across daylight saving time;
- week and month buckets: one statement per calendar bucket (sent together), because
  InfluxQL has no month duration and InfluxDB 1.x misplaces ``time(1w)`` buckets with
  ``tz()`` after a change of daylight saving time.
"""

from __future__ import annotations

import threading
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from .... import schema
from ....aggregates import Count, Max, Mean, Min, Spread, Sum
from ....connection import Connection, get_connection
from ....exceptions import ConfigurationError, WriteError
from ....query import QuerySet, batch
from ....retention import RetentionPolicy, Tier
from ....write import DEFAULT_BATCH_SIZE, Writer
from ..handlers import connections
from .base import ReadingStorage
from .intervals import Interval, calendar_spans, computing_zone, to_us
from .measurement import measurement_for, retention_from_option, tiers_from_option
from .reading_model import DEFAULT_MODEL, DEVICE
from .types import MAX_TIME, DeviceReading, Features, ReadingFilter, SeriesSpan

FUNCTIONS = {'avg': Mean, 'min': Min, 'max': Max, 'sum': Sum, 'count': Count, 'spread': Spread}
STATEMENTS_PER_REQUEST = 100
MAX_NS = to_us(MAX_TIME) * 1000


class InfluxStorage(ReadingStorage):
    """Readings of ``model`` as points of an InfluxDB measurement.

    Options: ``measurement`` (default: the model's table name), ``using`` (the
    ``INFLUXPY`` alias), ``database`` (default: the connection's), ``retention_policy``
    (a name, a ``RetentionPolicy`` or a dict of its arguments), ``tiers`` (``Tier``
    objects or dicts of their arguments), ``batch_size`` of writes, and ``spool``: a file
    through which writes go to a buffered :class:`influxpy.Writer`, so that readings
    stored while InfluxDB is away wait on disk and are sent when it is back.

    Without a spool, a write the server does not take raises ``WriteError`` whose
    ``unwritten`` (and ``unknown``) list the caller's :class:`DeviceReading` objects.
    """

    def __init__(self, *, model: str | type[Any] = DEFAULT_MODEL, measurement: str | None = None,
                 using: str = 'default', database: str | None = None,
                 retention_policy: str | RetentionPolicy | Mapping[str, Any] | None = None,
                 tiers: Iterable[Tier | Mapping[str, Any]] | None = None,
                 batch_size: int = DEFAULT_BATCH_SIZE, spool: str | None = None) -> None:
        super().__init__(model=model)
        self.using = using
        self.batch_size = batch_size
        self.spool = spool
        self._writer: Writer | None = None
        self._writer_lock = threading.Lock()
        self.measurement_model = measurement_for(
            self.schema, measurement=measurement, using=using, database=database,
            retention_policy=retention_from_option(retention_policy),
            tiers=tiers_from_option(tiers))
        meta = self.measurement_model._meta
        self.features = Features(
            retention=meta.retention_policy is not None, tiers=bool(meta.tiers),
            exact_delete_count=any(not c.null for c in self.schema.columns.values()))

    def __repr__(self) -> str:
        return (f'<InfluxStorage {self.schema.label} as {self.measurement_model.measurement!r} '
                f'on {self.using!r}>')

    @property
    def connection(self) -> Connection:
        return connections[self.using]

    def measurement_models(self) -> list[type[Any]]:
        """The influxpy models this storage writes (for ``influxpy.sync``)."""
        return [self.measurement_model]

    # -- writes -------------------------------------------------------------------------

    def _write(self, readings: list[DeviceReading]) -> None:
        model = self.measurement_model
        points = [model(time=r.time, **{DEVICE: r.device}, **r.values) for r in readings]
        self.connection  # noqa: B018 - configures the alias from settings
        if self.spool is not None:
            self.writer().add_many(points)  # on disk before it returns
            return
        try:
            model.series.bulk_create(points, batch_size=self.batch_size)
        except WriteError as exc:
            # The caller's readings, not our points: they are what the caller can resend.
            reading_of = {id(point): reading for point, reading in zip(points, readings)}
            raise WriteError(exc.message, status=exc.status,
                             unwritten=[reading_of[id(p)] for p in exc.unwritten],
                             unknown=[reading_of[id(p)] for p in exc.unknown]) from exc

    def writer(self) -> Writer:
        """The buffered writer behind the ``spool`` option (started on first use)."""
        with self._writer_lock:
            if self._writer is None:
                self._writer = Writer(using=self.using, batch_size=self.batch_size,
                                      max_buffer=max(self.batch_size, 100_000),
                                      spool=self.spool)
            return self._writer

    def flush(self, timeout: float | None = None) -> bool:
        """Send what the spool holds now; False if ``timeout`` passed first."""
        return self._writer.flush(timeout) if self._writer is not None else True

    # -- reads --------------------------------------------------------------------------

    def _queryset(self, flt: ReadingFilter, *, bounded: bool = False) -> QuerySet:
        self.connection  # noqa: B018 - configures the alias from settings
        # Raw points always: a tier lacks the interval its continuous query has not
        # computed yet, and every backend must give the same answer.
        qs = self.measurement_model.series.raw_tier()
        if flt.devices is not None:
            qs = qs.filter(**{f'{DEVICE}__in': list(flt.devices)})
        low, high = flt.bounds_ns()
        if low is not None:
            qs = qs.filter(time__gte=low)
        if high is None and bounded:
            # Without an upper bound InfluxDB stops GROUP BY time() at now().
            high = MAX_NS
        if high is not None:
            qs = qs.filter(time__lte=high)
        return qs

    def _select(self, flt: ReadingFilter, limit: int | None,
                descending: bool) -> list[DeviceReading]:
        # InfluxDB orders points by time only; the order of devices at one time is its
        # own. Sort here, and fetch every point at the time a limit cuts, so that the
        # limit keeps the same readings as on every backend.
        base = self._queryset(flt)
        qs = base.order_by('-time' if descending else 'time').values(DEVICE, *flt.fields)
        rows = list(qs if limit is None else qs[:limit])
        if limit is not None and len(rows) == limit:
            # Readings keep microseconds: points another client wrote within one
            # microsecond are a tie too.
            edge = rows[-1]['time'].time_ns // 1000 * 1000
            ties = base.filter(time__gte=edge, time__lt=edge + 1000).values(DEVICE, *flt.fields)
            rows = [row for row in rows if row['time'].time_ns // 1000 * 1000 != edge]
            rows += list(ties)
        readings = [DeviceReading(row[DEVICE], _plain(row['time'], UTC),
                            {name: row.get(name) for name in flt.fields}) for row in rows]
        readings.sort(key=lambda r: (r.time, r.device), reverse=descending)
        return readings if limit is None else readings[:limit]

    def _aggregate(self, flt: ReadingFilter, function: str, interval: Interval | None,
                   tz: tzinfo, by_device: bool
                   ) -> Iterable[tuple[str | None, datetime | None, Mapping[str, Any]]]:
        func = FUNCTIONS[function]
        aliases = _aliases(flt.fields, self.measurement_model._meta.all_fields)
        annotations = {alias: func(name) for name, alias in aliases.items()}

        def build(qs: QuerySet) -> QuerySet:
            qs = qs.annotate(**annotations)
            return qs.group_by(DEVICE) if by_device else qs

        def rows(answers: Iterable[Any], when: Any = None) -> Iterator[Any]:
            for result in answers:
                for point in result.points:
                    bucket = when(point) if callable(when) else when
                    yield (result.tags.get(DEVICE), bucket,
                           {name: point.get(alias) for name, alias in aliases.items()})

        if interval is None:
            return list(rows(build(self._queryset(flt, bounded=True))))
        zone = computing_zone(tz, interval)  # pytz, dateutil: buckets still named in tz
        if interval.length_us:
            offset = interval.grid_offset_us(zone, flt.reference())
            qs = build(self._queryset(flt, bounded=True)).resolution(
                timedelta(microseconds=interval.length_us),
                timedelta(microseconds=offset) if offset else None).fill('none')
            return list(rows(qs, lambda p: _plain(p['time'], tz)))
        if interval.calendar == 'day':
            days = self._day_buckets(build(self._queryset(flt, bounded=True)), zone)
            if days is not None:
                return list(rows(days, lambda p: _plain(p['time'], tz)))
        return self._calendar_statements(flt, interval, zone, tz, build, rows)

    @staticmethod
    def _day_buckets(qs: QuerySet, tz: tzinfo) -> QuerySet | None:
        """``GROUP BY time(1d)`` in ``tz``, when InfluxDB can express that zone."""
        fixed = _fixed_offset(tz)
        if fixed is not None:
            offset = -fixed % timedelta(days=1)
            return qs.resolution(timedelta(days=1), offset or None).fill('none')
        key = getattr(tz, 'key', None)
        if isinstance(tz, zoneinfo.ZoneInfo) and key:
            return qs.resolution(timedelta(days=1)).fill('none').tz(key)
        return None

    def _calendar_statements(self, flt: ReadingFilter, interval: Interval, zone: tzinfo,
                             tz: tzinfo, build: Any, rows: Any) -> list[Any]:
        """One statement per calendar bucket in the filter's range (or the data's)."""
        assert interval.calendar is not None
        low, high = flt.bounds_ns()
        if low is None or high is None:
            first = self._queryset(flt).order_by('time').values(*flt.fields)[:1]
            last = self._queryset(flt).order_by('-time').values(*flt.fields)[:1]
            if not first:
                return []
            low = first[0]['time'].time_ns if low is None else low
            high = last[0]['time'].time_ns if high is None else high
        assert low is not None and high is not None
        if low > high:
            return []
        spans = list(calendar_spans(low, high, interval.calendar, zone))
        base = ReadingFilter(flt.devices, fields=flt.fields)
        querysets = [(start, build(self._queryset(base)).filter(time__gte=lo, time__lte=hi))
                     for start, lo, hi in spans]
        out: list[Any] = []
        for i in range(0, len(querysets), STATEMENTS_PER_REQUEST):
            chunk = querysets[i:i + STATEMENTS_PER_REQUEST]
            answers = batch(*(qs for _, qs in chunk))  # one request for many buckets
            for (start, _), parsed in zip(chunk, answers):
                out.extend(rows(parsed, start.astimezone(tz)))
        return out

    def _series(self, flt: ReadingFilter) -> list[SeriesSpan]:
        # The first and last point of each device, whichever fields it holds: a plain
        # select of every value column returns a point with any of them (FIRST() of
        # one column would skip the points without it).
        qs = self._queryset(flt).group_by(DEVICE).values(DEVICE, *flt.fields)
        firsts, lasts = batch(qs.order_by('time')[:1], qs.order_by('-time')[:1])  # per series
        ends: dict[str, list[datetime]] = {}
        for row in (*firsts, *lasts):
            ends.setdefault(row[DEVICE], []).append(_plain(row['time'], UTC))
        return [SeriesSpan(device, min(times), max(times)) for device, times in ends.items()]

    def _delete(self, flt: ReadingFilter) -> int:
        qs = self._queryset(flt)
        count = self._count(qs)
        if count:
            qs.delete()
        return count

    def _count(self, qs: QuerySet) -> int:
        """How many points ``qs`` matches; exact even when points hold disjoint fields."""
        columns = self.schema.columns
        required = [name for name, column in columns.items() if not column.null]
        if required:
            total = qs.aggregate(n=Count(required[0]))['n']
            return int(total or 0)
        return sum(1 for _ in qs.values_list(*columns).iterator())

    def _ping(self) -> str:
        connection = self.connection
        version = connection.ping()
        meta = self.measurement_model._meta
        database = meta.database or connection.database
        if database not in schema.list_databases(using=connection.alias):
            raise LookupError(f'InfluxDB {version} has no database {database!r} '
                              '(run manage.py influxpy_sync)')
        return f'InfluxDB {version}, database {database!r}'

    def close(self) -> None:
        with self._writer_lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()  # what it cannot send stays in the spool
        try:
            connection = get_connection(self.using)
        except ConfigurationError:
            return  # never configured: nothing to close
        connection.close()


def _aliases(names: Iterable[str], taken: Mapping[str, Any]) -> dict[str, str]:
    """A result alias per column that clashes with no field name."""
    out = {}
    for i, name in enumerate(names):
        alias = f'a{i}'
        while alias in taken:
            alias = '_' + alias
        out[name] = alias
    return out


def _plain(value: datetime, tz: tzinfo) -> datetime:
    """An influxpy time (a datetime subclass) as a plain datetime in ``tz``."""
    utc = value.astimezone(UTC)
    plain = datetime(utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second,
                     utc.microsecond, tzinfo=UTC)
    return plain.astimezone(tz)


def _fixed_offset(tz: tzinfo) -> timedelta | None:
    """The offset of a zone that never changes it (``datetime.timezone``), else None."""
    from datetime import timezone as fixed_zone
    if isinstance(tz, fixed_zone):
        return tz.utcoffset(None)
    if getattr(tz, 'key', None) in ('UTC', 'Etc/UTC', 'Etc/GMT', 'GMT'):
        return timedelta(0)
    return None

