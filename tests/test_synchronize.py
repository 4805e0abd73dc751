"""``influxpy.sync()`` on the real server, checked with raw InfluxQL (SHOW DATABASES,
SHOW RETENTION POLICIES, SHOW CONTINUOUS QUERIES, counts of points), not with influxpy's
own listing functions.

tests/test_schema.py covers the plan of one model (what is created, altered, the
continuous query's text, the backfilled values); these are the cases around it: what
the server holds afterwards, several models, a dry run, idempotent backfill, and a sync
that stops half-way.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

import influxpy
from influxpy import fields, models
from influxpy.connection import Connection
from influxpy.exceptions import ConfigurationError
from influxpy.quoting import quote_ident
from influxpy.schema import RetentionPolicy, Tier
from influxpy.synchronize import SyncError, sync

from .readback import rows, stored

MINUTE = 60 * 10 ** 9
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def policies(conn: Connection, db: str) -> dict[str, tuple[str, str, int, bool]]:
    """name -> (duration, shard group duration, replication, default), Go's text."""
    return {r['name']: (r['duration'], r['shardGroupDuration'], r['replicaN'], r['default'])
            for r in rows(conn, f'SHOW RETENTION POLICIES ON {quote_ident(db)}')}


def continuous_queries(conn: Connection, db: str) -> dict[str, str]:
    """name -> query of ``db``'s continuous queries (the answer has a series per database)."""
    (result,) = conn.query('SHOW CONTINUOUS QUERIES', epoch=None)
    return {row[0]: row[1] for s in result.get('series', []) if s['name'] == db
            for row in s.get('values', [])}


def databases(conn: Connection) -> list[str]:
    return [r['name'] for r in rows(conn, 'SHOW DATABASES')]


def server_state(conn: Connection, db: str) -> Any:
    return databases(conn), policies(conn, db), continuous_queries(conn, db)


class Plant(models.InfluxMeasurement):
    measurement = 'plant'
    line = fields.InfluxTag()
    flow = fields.FloatField()
    alarms = fields.IntegerField(null=True)

    class Meta:
        retention_policy = RetentionPolicy('plant_raw', '14d', default=True)
        tiers = [Tier('1m', ['mean', 'max', 'count'], keep='30d'),
                 Tier('1d', ['max'], keep=None)]


def test_the_server_holds_what_the_models_declare(influx_db: Connection) -> None:
    db = influx_db.database or ''
    before = server_state(influx_db, db)
    assert before[1] == {'autogen': ('0s', '168h0m0s', 1, True)}
    assert before[2] == {}
    assert sync(Plant, dry_run=True) and server_state(influx_db, db) == before  # nothing run

    reported: list[Any] = []
    changes = sync(Plant, report=reported.append)
    assert reported == changes
    assert policies(influx_db, db) == {
        'autogen': ('0s', '168h0m0s', 1, False),
        'plant_raw': ('336h0m0s', '24h0m0s', 1, True),      # 14 days; the server's shards
        'keep_30d': ('720h0m0s', '24h0m0s', 1, False),
        'keep_inf': ('0s', '168h0m0s', 1, False),
    }
    cqs = continuous_queries(influx_db, db)
    assert len(cqs) == 2
    (minute,) = (q for name, q in cqs.items() if name.startswith('cq_plant_1m_'))
    (daily,) = (q for name, q in cqs.items() if name.startswith('cq_plant_1d_'))
    # The server's own rendering of what it stored.
    for piece in ('mean(flow) AS mean_flow', 'max(alarms) AS max_alarms', 'count(flow) AS '
                  'count_flow', f'INTO {db}.keep_30d.plant_1m FROM {db}.plant_raw.plant',
                  'GROUP BY time(1m), *'):
        assert piece in minute, minute
    assert f'max(flow) AS max_flow, max(alarms) AS max_alarms INTO {db}.keep_inf.plant_1d' \
        in daily
    assert 'GROUP BY time(1d), *' in daily and 'mean(' not in daily

    after = server_state(influx_db, db)
    assert sync(Plant) == [] and sync(Plant, dry_run=True) == []
    assert server_state(influx_db, db) == after  # the second run changed nothing


def test_sync_creates_the_database_a_model_names(influx_db: Connection) -> None:
    name = f'{influx_db.database}_own'

    class Elsewhere(models.InfluxMeasurement):
        v = fields.FloatField()

        class Meta:
            database = name
            tiers = [Tier('1h', ['max'])]
    try:
        assert sync(Elsewhere, dry_run=True)[0].action == 'create database'
        assert name not in databases(influx_db)  # a dry run creates nothing
        assert [c.action for c in sync(Elsewhere)] == [
            'create database', 'create retention policy', 'create continuous query']
        assert name in databases(influx_db)
        assert set(policies(influx_db, name)) == {'autogen', 'keep_inf'}
        (query,) = continuous_queries(influx_db, name).values()
        assert f'FROM {name}.autogen.elsewhere' in query.replace('"', '')
        assert continuous_queries(influx_db, influx_db.database or '') == {}
        assert sync(Elsewhere) == []
    finally:
        influx_db.query(f'DROP DATABASE {quote_ident(name)}')


def test_several_models_once_each_sharing_policies(influx_db: Connection) -> None:
    db = influx_db.database or ''

    class Base(models.InfluxMeasurement):
        v = fields.FloatField()

        class Meta:
            abstract = True
            tiers = [Tier('1m', ['max'], keep='7d')]

    # A subclass does not inherit the abstract base's Meta: each declares its tiers.
    class Pumps(Base):
        class Meta:
            tiers = [Tier('1m', ['max'], keep='7d')]

    class Valves(Base):
        class Meta:
            tiers = [Tier('1m', ['max', 'count'], keep='7d')]

    changes = sync(Pumps, Base, Valves, Pumps)  # the abstract one and the repeat: nothing
    assert [(c.action, c.target.rsplit('_', 1)[0]) for c in changes] == [
        ('create retention policy', 'keep'),        # keep_1w (7 days), once for both
        ('create continuous query', 'cq_pumps_1m'),
        ('create continuous query', 'cq_valves_1m')]
    assert set(policies(influx_db, db)) == {'autogen', 'keep_1w'}
    names = sorted(continuous_queries(influx_db, db))
    assert [n.rsplit('_', 1)[0] for n in names] == ['cq_pumps_1m', 'cq_valves_1m']
    assert sync(Valves, Pumps) == []


def test_a_model_without_a_database_is_a_configuration_error(influx_server: Any) -> None:
    influxpy.connect(influx_server.url, alias='nodb')

    class Nowhere(models.InfluxMeasurement):
        v = fields.FloatField()

        class Meta:
            using = 'nodb'
    try:
        with pytest.raises(ConfigurationError, match="Nowhere: no database.*'nodb'"):
            sync(Nowhere)
    finally:
        influxpy.disconnect('nodb')


def test_backfill_fills_within_keep_and_again_changes_nothing(influx_db: Connection) -> None:
    class Meter(models.InfluxMeasurement):
        measurement = 'meter'
        site = fields.InfluxTag()
        kwh = fields.FloatField()

        class Meta:
            tiers = [Tier('1m', ['count', 'max'], keep='2d')]

    sync(Meter)
    now = time.time_ns()
    old = (now - 3 * DAY) // HOUR * HOUR     # older than the tier keeps
    recent = (now - 2 * HOUR) // HOUR * HOUR
    Meter.series.bulk_create([
        Meter(site=site, kwh=float((i * 7) % 11), time=start + i * 15 * 10 ** 9)
        for start in (old, recent) for site in ('a', 'b') for i in range(40)])  # 10 minutes
    changes = sync(Meter, backfill=True)
    assert [c.action for c in changes] == ['backfill']

    def tier() -> list[dict[str, Any]]:
        return stored(influx_db, 'meter_1m', rp='keep_2d')

    filled = tier()
    (raw,) = influx_db.query(f'SELECT count(kwh), max(kwh) FROM meter WHERE time >= {recent} '
                             'GROUP BY time(1m), site fill(none)')
    expected = sorted((row[0], s['tags']['site'], row[1], row[2])
                      for s in raw['series'] for row in s['values'])
    assert len(expected) == 20  # 10 minutes, two sites
    assert sorted((p['time'], p['site'], p['count_kwh'], p['max_kwh']) for p in filled) == \
        expected  # only the buckets within keep: none of the old ones
    assert sum(p['count_kwh'] for p in filled) == 80

    assert [c.action for c in sync(Meter, backfill=True)] == ['backfill']
    assert tier() == filled  # a second backfill writes the same points again
    assert sync(Meter) == []


def test_a_sync_that_stops_says_what_was_and_was_not_applied(influx_db: Connection) -> None:
    db = influx_db.database or ''

    class First(models.InfluxMeasurement):
        v = fields.FloatField()

        class Meta:
            retention_policy = RetentionPolicy('first_rp', '2h')

    class Refused(models.InfluxMeasurement):
        v = fields.FloatField()

        class Meta:
            # The server refuses a retention shorter than an hour.
            retention_policy = RetentionPolicy('too_short', '30m')
            tiers = [Tier('10m', ['max'], keep='1h')]

    class Later(models.InfluxMeasurement):
        v = fields.FloatField()

        class Meta:
            retention_policy = RetentionPolicy('later_rp', '3h')

    with pytest.raises(SyncError) as info:
        sync(First, Refused, Later)
    error = info.value
    assert [(c.action, c.target) for c in error.applied] == [
        ('create retention policy', 'first_rp')]
    assert error.not_applied[0].target == 'too_short'
    assert [c.action for c in error.not_applied] == [
        'create retention policy', 'create retention policy', 'create continuous query']
    assert error.models_left == [Later]
    assert 'must be at least 1h0m0s' in str(error)  # the server's own words
    assert str(error).startswith('sync stopped at create retention policy too_short: ')
    assert 'Applied: create retention policy first_rp.' in str(error)
    assert str(error).endswith('; nothing for Later')
    # The server: what was applied, nothing after it.
    assert set(policies(influx_db, db)) == {'autogen', 'first_rp'}
    assert continuous_queries(influx_db, db) == {}



def test_a_dry_run_lists_what_the_run_does_for_several_models(influx_db: Connection) -> None:
    class Left(models.InfluxMeasurement):
        v = fields.FloatField()

        class Meta:
            tiers = [Tier('1m', ['max'], keep='2d')]

    class Right(models.InfluxMeasurement):
        v = fields.FloatField()

        class Meta:
            tiers = [Tier('1m', ['max'], keep='2d')]

    dry = sync(Left, Right, dry_run=True)
    assert dry == sync(Left, Right)
