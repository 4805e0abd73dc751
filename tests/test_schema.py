"""Schema operations, tiers and sync against the real server."""

from __future__ import annotations

from typing import Any

import pytest

import influxpy
from influxpy import fields, models, schema
from influxpy.connection import Connection
from influxpy.exceptions import QueryError, ValidationError
from influxpy.schema import RetentionPolicy, Tier
from influxpy.synchronize import sync, tier_measurement

HOUR = 3_600_000_000_000
MINUTE = 60_000_000_000


def test_databases(influx_db: Connection) -> None:
    name = f'{influx_db.database}_x "q"'
    schema.create_database(name)
    schema.create_database(name)  # idempotent
    assert name in schema.list_databases()
    schema.drop_database(name)
    assert name not in schema.list_databases()


def test_retention_policies(influx_db: Connection) -> None:
    schema.create_retention_policy('week', '7d')
    schema.create_retention_policy("it's", '1h', shard_duration='1h', default=True)
    policies = {rp.name: rp for rp in schema.list_retention_policies()}
    assert policies['week'] == RetentionPolicy('week', '7d', '1d')
    assert policies["it's"].default and schema.default_retention_policy() == "it's"
    assert policies['autogen'].duration == schema.INFINITE
    schema.alter_retention_policy('week', duration='14d')
    assert {rp.name: rp for rp in schema.list_retention_policies()}['week'].duration == 336 * HOUR
    schema.drop_retention_policy('week')
    assert 'week' not in [rp.name for rp in schema.list_retention_policies()]


def test_continuous_queries(influx_db: Connection) -> None:
    db = influx_db.database
    schema.create_continuous_query(
        'cq "1"', f'SELECT mean(v) INTO "{db}"."autogen"."m_1h" FROM m GROUP BY time(1h)',
        resample_every='30m')
    (cq,) = schema.list_continuous_queries()
    assert cq.name == 'cq "1"' and cq.database == db
    assert 'RESAMPLE EVERY 30m' in cq.query and 'mean(v)' in cq.query
    schema.drop_continuous_query('cq "1"')
    assert schema.list_continuous_queries() == []


def test_introspection(influx_db: Connection) -> None:
    influx_db.write(b'cpu,host=a,region=eu v=1,n=2i,ok=true,s="x" 1\n'
                    b'cpu,host=b,region=us v=2 2\nmem\\ usage,host=a free=3 3\n')
    assert schema.show_measurements() == ['cpu', 'mem usage']
    assert schema.show_measurements(regex='^mem') == ['mem usage']
    assert schema.show_measurements(where={'host': 'b'}) == ['cpu']
    assert schema.show_tag_keys() == {'cpu': ['host', 'region'], 'mem usage': ['host']}
    assert schema.show_tag_values('cpu', 'host') == ['a', 'b']
    assert schema.show_tag_values('cpu', 'host', where={'region': 'us'}) == ['b']
    assert schema.show_field_keys('cpu') == {'cpu': {'n': 'integer', 'ok': 'boolean',
                                                     's': 'string', 'v': 'float'}}
    assert schema.show_series('cpu') == ['cpu,host=a,region=eu', 'cpu,host=b,region=us']
    schema.drop_series('cpu', where={'host': 'a'})
    assert schema.show_series('cpu') == ['cpu,host=b,region=us']
    schema.drop_measurement('mem usage')
    assert schema.show_measurements() == ['cpu']
    with pytest.raises(QueryError, match='will not drop every series'):
        schema.drop_series()


class Server(models.InfluxMeasurement):
    measurement = 'servers'
    host = fields.InfluxTag()
    cpu = fields.FloatField()
    mem = fields.IntegerField(null=True)
    up = fields.BooleanField(null=True)

    class Meta:
        retention_policy = RetentionPolicy('raw', '7d')
        tiers = [Tier('1m', ['mean', 'min', 'max', 'count'], keep='90d'),
                 Tier('1h', ['mean'], keep=None)]


def test_tiers_are_checked_at_class_creation() -> None:
    meta = Server._meta
    assert meta.retention_policy == 'raw' and meta.retention == RetentionPolicy('raw', '7d')
    assert [(t.resolution, t.retention_policy) for t in meta.tiers] == [
        (MINUTE, 'keep_90d'), (HOUR, 'keep_inf')]
    assert tier_measurement(Server, meta.tiers[0]) == 'servers_1m'


@pytest.mark.parametrize('meta, words', [
    ({'tiers': [Tier('1h'), Tier('1m')]}, 'tier 1m is not coarser than the tier 1h'),
    ({'tiers': [Tier('1m'), Tier('1m')]}, 'not coarser'),
    ({'tiers': [('0s',)]}, 'zero'),
    ({'tiers': [('1m', ['avg'])]}, 'unknown function.*avg'),
    ({'tiers': [('1d', ['mean'], '1h')]}, 'less than one interval'),
    ({'tiers': [('1m', ['mean'], '30d', 'same'), ('1h', ['mean'], '90d', 'same')]},
     'share the retention policy'),
    ({'retention_policy': RetentionPolicy('raw', '1h'), 'tiers': [Tier('1d')]},
     'raw points are kept 1h, less than one 1d interval'),
    ({'tiers': 5}, 'Meta.tiers is a list'),
])
def test_impossible_tiers_fail_at_class_creation(meta: dict[str, Any], words: str) -> None:
    with pytest.raises(ValidationError, match=words) as info:
        type('Bad', (models.InfluxMeasurement,), {
            '__module__': __name__, 'v': fields.FloatField(),
            'Meta': type('Meta', (), meta)})
    assert str(info.value).startswith('Bad: ')


def test_a_tier_needs_numbers_for_numeric_functions() -> None:
    with pytest.raises(ValidationError, match='tier 1m keeps nothing'):
        type('Words', (models.InfluxMeasurement,), {
            '__module__': __name__, 's': fields.StringField(),
            'Meta': type('Meta', (), {'tiers': [Tier('1m', ['mean'])]})})


def test_sync_creates_then_changes_nothing(influx_db: Connection) -> None:
    dry = sync(Server, dry_run=True)
    assert [c.action for c in dry] == ['create retention policy'] * 3 + \
        ['create continuous query'] * 2
    assert schema.list_continuous_queries() == []  # a dry run changes nothing
    changes = sync(Server)
    assert changes == dry
    policies = {rp.name: rp for rp in schema.list_retention_policies()}
    assert policies['raw'].duration == 7 * 24 * HOUR
    assert policies['keep_90d'].duration == 90 * 24 * HOUR
    assert policies['keep_inf'].duration == schema.INFINITE
    cqs = schema.list_continuous_queries()
    assert len(cqs) == 2
    one_minute = next(cq for cq in cqs if cq.name.startswith('cq_servers_1m_'))
    for piece in ('mean(cpu) AS mean_cpu', 'min(mem) AS min_mem', 'count(up) AS count_up',
                  'INTO', 'keep_90d.servers_1m', 'FROM', 'raw.servers', 'GROUP BY time(1m), *'):
        assert piece in one_minute.query
    assert 'mean(up)' not in one_minute.query  # booleans have no mean
    assert sync(Server) == []


def test_sync_alters_what_differs(influx_db: Connection) -> None:
    sync(Server)
    schema.alter_retention_policy('raw', duration='1d')

    class Server2(models.InfluxMeasurement):
        measurement = 'servers'
        host = fields.InfluxTag()
        cpu = fields.FloatField()

        class Meta:
            retention_policy = RetentionPolicy('raw', '7d')
            tiers = [Tier('1m', ['mean', 'max'], keep='90d')]

    changes = sync(Server2)
    assert [(c.action, c.target.split('_')[1] if c.target.startswith('cq_') else c.target)
            for c in changes] == [('alter retention policy', 'raw'),
                                  ('drop continuous query', 'servers'),
                                  ('create continuous query', 'servers')]
    names = [cq.name for cq in schema.list_continuous_queries()]
    assert len([n for n in names if n.startswith('cq_servers_1m_')]) == 1
    assert sync(Server2) == []


def test_backfill_fills_the_tier_from_raw_points(influx_db: Connection) -> None:
    sync(Server)
    import time
    start = (time.time_ns() - 2 * HOUR) // HOUR * HOUR  # inside the raw policy's 7 days
    points = [Server(host=h, cpu=float(i % 13) + (0.5 if h == 'b' else 0), mem=i,
                     time=start + i * 10_000_000_000) for h in ('a', 'b') for i in range(30)]
    Server.series.bulk_create(points)
    changes = sync(Server, backfill=True)
    assert [c.action for c in changes] == ['backfill', 'backfill']
    (result,) = influx_db.query(
        'SELECT mean_cpu, min_cpu, max_cpu, count_cpu FROM keep_90d.servers_1m GROUP BY host')
    by_host = {s['tags']['host']: s['values'] for s in result['series']}
    for host in ('a', 'b'):
        mine = [p for p in points if p.host == host]
        expected = []
        for minute in range(5):
            bucket = [p.cpu for p in mine if p.time_ns // MINUTE - start // MINUTE == minute]
            expected.append([start + minute * MINUTE, sum(bucket) / len(bucket), min(bucket),
                             max(bucket), len(bucket)])
        assert by_host[host] == expected
    (hourly,) = influx_db.query('SELECT mean_cpu FROM keep_inf.servers_1h WHERE host = \'a\'')
    assert hourly['series'][0]['values'] == [[start, sum(p.cpu for p in points
                                                          if p.host == 'a') / 30]]


def test_sync_creates_the_database(influx_server: Any) -> None:
    name = 'influxpy_sync_created'
    influxpy.connect(f'{influx_server.url}/{name}', alias='fresh')

    class Fresh(models.InfluxMeasurement):
        v = fields.FloatField()

        class Meta:
            using = 'fresh'
            retention_policy = RetentionPolicy('short', '1h')
    try:
        assert [c.action for c in sync(Fresh)] == ['create database', 'create retention policy']
        assert name in schema.list_databases(using='fresh')
        Fresh.series.create(v=1.0)
        assert sync(Fresh) == []
    finally:
        schema.drop_database(name, using='fresh')
        influxpy.disconnect('fresh')


def test_manager_drops_the_measurement_and_series(influx_db: Connection) -> None:
    class Box(models.InfluxMeasurement):
        measurement = 'box es'
        label = fields.InfluxTag(db_name='the label')
        v = fields.FloatField()

    Box.series.bulk_create([Box(label="a'1", v=1.0, time=1), Box(label='b', v=2.0, time=2)])
    Box.series.drop_series(label="a'1")
    assert schema.show_series('box es') == ['box\\ es,the\\ label=b']
    with pytest.raises(QueryError, match='is a field'):
        Box.series.drop_series(v='1')
    with pytest.raises(QueryError, match='needs tags'):
        Box.series.drop_series()
    Box.series.drop()
    assert schema.show_measurements() == []
    with Box.series.writer(batch_size=10) as w:
        w.add(Box(label='c', v=3.0, time=3))
    assert schema.show_series('box es') == ['box\\ es,the\\ label=c']


def tier_of(qs: Any) -> str | None:
    text = str(qs.query)
    return text.split('tier ', 1)[1].split(' ', 1)[0] if text.startswith('/* influxpy') else None


def test_queries_read_the_tier_that_answers_them() -> None:
    import time

    from influxpy.aggregates import Count, Max, Mean, Min, Spread
    from influxpy.resolutions import Hour, Minute
    from influxpy.times import rfc3339
    since = (time.time_ns() - 24 * HOUR) // HOUR * HOUR  # within the 1m tier's 90 days
    recent = Server.series.filter(time__gte=since)
    per_host = recent.group_by('host')
    q = per_host.annotate(m=Mean('cpu')).resolution(Minute(1))
    assert str(q.query) == ('/* influxpy: tier 1m */ SELECT max("mean_cpu") AS "m" '
                            f'FROM "keep_90d"."servers_1m" WHERE time >= \'{rfc3339(since)}\' '
                            'GROUP BY time(1m), "host"')
    assert tier_of(q.raw_tier()) is None and 'FROM "raw"."servers"' in str(q.raw_tier().query)
    assert tier_of(per_host.annotate(m=Mean('cpu')).resolution(Hour(1))) == '1h'
    assert tier_of(per_host.annotate(m=Mean('cpu')).resolution(Minute(5))) is None
    five = per_host.annotate(lo=Min('cpu'), hi=Max('cpu'), n=Count('cpu')).resolution('5m')
    assert str(five.query) == (
        '/* influxpy: tier 1m */ SELECT min("min_cpu") AS "lo", max("max_cpu") AS "hi", '
        'sum("count_cpu") AS "n" FROM "keep_90d"."servers_1m" '
        f'WHERE time >= \'{rfc3339(since)}\' GROUP BY time(5m), "host"')
    across = recent.annotate(n=Count('cpu'), hi=Max('cpu')).resolution('2m')
    assert tier_of(across) == '1m'
    assert tier_of(Server.series.annotate(m=Mean('cpu')).resolution('1m')) is None  # not per host
    assert tier_of(per_host.filter(cpu__gt=1).annotate(m=Mean('cpu')).resolution('1m')) is None
    assert tier_of(per_host.annotate(s=Spread('cpu')).resolution('1m')) is None  # not kept
    assert tier_of(per_host.annotate(m=Mean('cpu') * 2).resolution('1m')) is None
    assert tier_of(per_host.filter(host='a').annotate(m=Mean('cpu')).resolution('1h')
                   .tz('Europe/Paris')) is None  # 1h buckets cannot follow a +05:30 zone
    assert tier_of(five.tz('Asia/Kolkata')) == '1m'
    assert tier_of(per_host.annotate(m=Mean('cpu')).resolution('1m', offset='30s')) is None
    # Bounds: only on the tier's grid, and within what the tier keeps.
    from influxpy import Now
    n_max = Server.series.group_by('host').annotate(n=Count('cpu'), hi=Max('cpu'))
    assert tier_of(n_max.resolution('5m')) is None  # unbounded: older than 90 days
    assert tier_of(n_max.filter(time__gte=since - 100 * 24 * HOUR).resolution('5m')) is None
    assert tier_of(n_max.filter(time__gte=since + 30 * 10**9).resolution('5m')) is None
    assert tier_of(n_max.filter(time__gte=since, time__lt=since + 90 * 10**9)
                   .resolution('5m')) is None
    assert tier_of(n_max.filter(time__gte=since, time__lt=since + 60 * 10**9)
                   .resolution('5m')) == '1m'
    assert tier_of(n_max.filter(time__gt=since - 1, time__lte=since + 60 * 10**9 - 1)
                   .resolution('5m')) == '1m'
    assert tier_of(n_max.filter(time__gt=since).resolution('5m')) is None
    assert tier_of(n_max.filter(time__gte=Now() - Hour(6)).resolution('5m')) is None
    assert tier_of(n_max.filter(time=since).resolution('5m')) is None
    assert tier_of(Server.series.group_by('host').annotate(m=Mean('cpu'))
                   .resolution('1h')) == '1h'  # kept forever: no bound needed


def test_a_tier_answers_what_the_raw_points_answer(influx_db: Connection) -> None:
    import time

    from influxpy.aggregates import Count, Max, Mean, Min
    sync(Server)
    start = (time.time_ns() - 3 * HOUR) // HOUR * HOUR
    points = [Server(host=h, cpu=float((i * 7) % 23) / 3 + (0.25 if h == 'b' else 0), mem=i,
                     time=start + i * 7_000_000_000 + (13 if h == 'b' else 0))
              for h in ('a', 'b') for i in range(1000)]
    Server.series.bulk_create(points)
    sync(Server, backfill=True)
    window = Server.series.filter(time__gte=start, time__lt=start + 2 * HOUR)
    queries = [
        window.group_by('host').annotate(m=Mean('cpu'), lo=Min('cpu')).resolution('1m'),
        window.group_by('host').annotate(lo=Min('cpu'), hi=Max('cpu'),
                                         n=Count('cpu')).resolution('10m'),
        window.annotate(lo=Min('cpu'), hi=Max('cpu'), n=Count('cpu')).resolution('5m'),
        window.group_by('host').annotate(m=Mean('cpu')).resolution('1h'),
        window.group_by('*').annotate(n=Count('cpu')).resolution('30m').tz('Asia/Kolkata'),
    ]
    for qs in queries:
        assert tier_of(qs) is not None, str(qs.query)
        from_tier = [(r.tags, r.points) for r in qs]
        from_raw = [(r.tags, r.points) for r in qs.raw_tier()]
        assert from_tier and from_tier == from_raw, str(qs.query)


def test_the_continuous_query_keeps_the_tier_filled() -> None:
    """A server whose continuous queries run every second: the tier fills by itself."""
    import time

    from influxpy.testing import InfluxServer

    class Pulse(models.InfluxMeasurement):
        source = fields.InfluxTag()
        v = fields.FloatField()

        class Meta:
            using = 'cq'
            tiers = [Tier('1s', ['count', 'max'], keep='1h')]

    with InfluxServer(env={'INFLUXDB_CONTINUOUS_QUERIES_RUN_INTERVAL': '1s'}) as server:
        influxpy.connect(f'{server.url}/cq', alias='cq')
        try:
            sync(Pulse)
            deadline = time.monotonic() + 4
            i = 0
            while time.monotonic() < deadline:  # points at the present, for ~4 seconds
                # None in the last 200 ms of a second: no write is in flight when the
                # continuous query computes that second.
                if time.time_ns() % 10 ** 9 < 800_000_000:
                    Pulse.series.create(source='s', v=float(i))
                    i += 1
                time.sleep(0.01)
            rows: list[Any] = []
            for _ in range(100):  # the CQ computes each second shortly after it ends
                (result,) = influxpy.get_connection('cq').query(
                    'SELECT count_v, max_v FROM keep_1h.pulse_1s')
                rows = result['series'][0]['values'] if result.get('series') else []
                if len(rows) >= 3:
                    break
                time.sleep(0.1)
            assert len(rows) >= 3
            for bucket, count, highest in rows[:3]:
                raw = Pulse.series.filter(time__gte=bucket, time__lt=bucket + 10 ** 9)
                values = [p.v for p in raw]
                assert (count, highest) == (len(values), max(values))
        finally:
            influxpy.disconnect('cq')
