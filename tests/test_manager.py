"""``Model.series`` and ``Options.destination()``: the manager's proxies, writes and drops,
and where a model's points go — against a real server where it matters."""

from __future__ import annotations

import inspect

import pytest

from influxpy import connect, disconnect, fields, models
from influxpy.connection import Connection
from influxpy.exceptions import ConfigurationError, QueryError
from influxpy.manager import PROXIED, SeriesManager
from influxpy.query.queryset import QuerySet

from .readback import rows


class Room(models.InfluxMeasurement):
    temperature = fields.FloatField()
    room = fields.InfluxTag()


class Elsewhere(models.InfluxMeasurement):
    value = fields.FloatField()

    class Meta:
        using = 'elsewhere'
        database = 'other_db'
        retention_policy = 'week'
        precision = 'ms'


def test_every_public_queryset_method_is_on_the_manager() -> None:
    public = {name for name, value in vars(QuerySet).items()
              if callable(value) and not name.startswith('_')}
    own = {'get_queryset', 'create', 'bulk_create', 'writer', 'raw', 'drop',
           'drop_series'}  # what the manager defines itself
    assert set(PROXIED) == public - own
    assert {'filter', 'exclude', 'annotate', 'resolution', 'values_list', 'iterator',
            'to_dataframe', 'reverse', 'delete_query'} <= set(PROXIED)
    for name in PROXIED:
        proxy, method = getattr(SeriesManager, name), getattr(QuerySet, name)
        assert proxy.__doc__ == method.__doc__
        assert inspect.signature(proxy) == inspect.signature(method)


def test_a_proxy_gives_what_the_queryset_gives() -> None:
    by_manager = Room.series.filter(room='a').order_by('-time')[:3]
    by_queryset = Room.series.all().filter(room='a').order_by('-time')[:3]
    assert str(by_manager.query) == str(by_queryset.query) == (
        'SELECT "room", "temperature" FROM "room" WHERE "room" = \'a\' ORDER BY time DESC '
        'LIMIT 3')
    with pytest.raises(AttributeError):
        Room.series.no_such_method  # noqa: B018
    with pytest.raises(TypeError, match=r'Room.series.all\(\)'):
        iter(Room.series)


def test_destination_falls_back_to_the_connection() -> None:
    conn = connect('influxdb://127.0.0.1:1/from_url?precision=s', alias='dest_default')
    try:
        where = Room._meta.destination('dest_default')
        assert (where.connection, where.database, where.retention_policy, where.precision) \
            == (conn, 'from_url', None, 's')
    finally:
        disconnect('dest_default')


def test_destination_takes_meta_first() -> None:
    conn = connect('influxdb://127.0.0.1:1/from_url', alias='elsewhere')
    try:
        where = Elsewhere._meta.destination()
        assert (where.connection, where.database, where.retention_policy, where.precision) \
            == (conn, 'other_db', 'week', 'ms')
        assert where.require_database() == 'other_db'
    finally:
        disconnect('elsewhere')


def test_no_database_is_one_error_naming_the_model() -> None:
    connect('influxdb://127.0.0.1:1', alias='nodb')
    try:
        where = Room._meta.destination('nodb')
        assert where.database is None
        with pytest.raises(ConfigurationError, match=r"^Room: no database: .*'nodb'"):
            where.require_database()
    finally:
        disconnect('nodb')


def test_create_bulk_create_and_drop_series_on_the_server(influx_db: Connection) -> None:
    Room.series.create(temperature=20.5, room='a', time=1)
    assert Room.series.bulk_create([Room(temperature=float(i), room='b', time=i)
                                    for i in range(10)], batch_size=3) == 10
    assert len(rows(influx_db, 'SELECT * FROM "room"')) == 11
    with pytest.raises(QueryError, match='needs tags'):
        Room.series.drop_series()
    with pytest.raises(QueryError, match='is a field'):
        Room.series.drop_series(temperature='x')
    Room.series.drop_series(room='b')
    assert [row['room'] for row in rows(influx_db, 'SELECT * FROM "room"')] == ['a']
    Room.series.drop()
    assert rows(influx_db, 'SHOW MEASUREMENTS') == []
