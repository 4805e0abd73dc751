"""Schema in code: databases, retention policies, continuous queries and SHOW queries.

Every name goes through :func:`quote_ident`, every literal through its one quoting
function. Functions take ``using`` (a connection alias) and, where it applies,
``database`` (default: the connection's database).

>>> create_retention_policy('week', '7d', database='metrics')
>>> [rp.name for rp in list_retention_policies('metrics')]
['autogen', 'week']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .connection import DEFAULT_ALIAS, Connection, get_connection
from .exceptions import QueryError
from .quoting import quote_duration, quote_ident, quote_regex, quote_string
from .resolutions import duration_ns, parse_go_duration
from .results import records

# Declared in retention; ``influxpy.schema.RetentionPolicy`` and ``.Tier`` stay public here.
from .retention import INFINITE as INFINITE
from .retention import RetentionPolicy as RetentionPolicy
from .retention import Tier as Tier
from .retention import retention_literal, retention_ns


@dataclass(frozen=True)
class ContinuousQuery:
    name: str
    database: str
    query: str


def _connection(using: str | None) -> Connection:
    return get_connection(using or DEFAULT_ALIAS)



def execute(statement: str, *, database: str | None = None,
            using: str | None = None) -> list[dict[str, Any]]:
    """Run schema InfluxQL on the connection ``using``; return its results."""
    return _connection(using).query(statement, database=database, epoch=None)


# -- databases -----------------------------------------------------------------

def create_database(name: str, *, using: str | None = None) -> None:
    """Create a database (nothing happens if it exists)."""
    execute(f'CREATE DATABASE {quote_ident(name)}', using=using)


def drop_database(name: str, *, using: str | None = None) -> None:
    execute(f'DROP DATABASE {quote_ident(name)}', using=using)


def list_databases(*, using: str | None = None) -> list[str]:
    (result,) = execute('SHOW DATABASES', using=using)
    return [row['name'] for _, row in records([result])]


# -- retention policies ----------------------------------------------------------

def create_retention_policy(name: str, duration: Any, *, database: str | None = None,
                            replication: int = 1, shard_duration: Any = None,
                            default: bool = False, using: str | None = None) -> None:
    rp = RetentionPolicy(name, duration, shard_duration, replication, default)
    conn = _connection(using)
    db = conn.require_database(database)
    conn.query(f'CREATE RETENTION POLICY {quote_ident(name)} ON {quote_ident(db)} '
               f'{rp.clauses()}', epoch=None)


def alter_retention_policy(name: str, *, duration: Any = None, database: str | None = None,
                           replication: int | None = None, shard_duration: Any = None,
                           default: bool = False, using: str | None = None) -> None:
    """Change what is given (``duration='INF'`` keeps forever)."""
    conn = _connection(using)
    db = conn.require_database(database)
    parts = []
    if duration is not None:
        parts.append(f'DURATION {retention_literal(retention_ns(duration))}')
    if replication is not None:
        parts.append(f'REPLICATION {RetentionPolicy(name, None, None, replication).replication}')
    if shard_duration is not None:
        parts.append(f'SHARD DURATION {quote_duration(duration_ns(shard_duration))}')
    if default:
        parts.append('DEFAULT')
    if not parts:
        raise QueryError(f'alter_retention_policy({name!r}) was given nothing to change')
    conn.query(f'ALTER RETENTION POLICY {quote_ident(name)} ON {quote_ident(db)} '
               f'{" ".join(parts)}', epoch=None)


def drop_retention_policy(name: str, *, database: str | None = None,
                          using: str | None = None) -> None:
    conn = _connection(using)
    conn.query(f'DROP RETENTION POLICY {quote_ident(name)} ON '
               f'{quote_ident(conn.require_database(database))}', epoch=None)


def list_retention_policies(database: str | None = None, *,
                            using: str | None = None) -> list[RetentionPolicy]:
    conn = _connection(using)
    db = conn.require_database(database)
    (result,) = conn.query(f'SHOW RETENTION POLICIES ON {quote_ident(db)}', epoch=None)
    return [RetentionPolicy(row['name'], parse_go_duration(row['duration']) or None,
                            parse_go_duration(row['shardGroupDuration']) or None,
                            int(row['replicaN']), bool(row['default']))
            for _, row in records([result])]


def default_retention_policy(database: str | None = None, *, using: str | None = None) -> str:
    for rp in list_retention_policies(database, using=using):
        if rp.default:
            return rp.name
    raise QueryError(f'database {database!r} has no default retention policy')


# -- continuous queries ------------------------------------------------------------

def create_continuous_query(name: str, select: str, *, database: str | None = None,
                            resample_every: Any = None, resample_for: Any = None,
                            using: str | None = None) -> None:
    """``select`` is a complete ``SELECT … INTO … FROM … GROUP BY time(…)`` statement."""
    conn = _connection(using)
    db = conn.require_database(database)
    resample = ''
    if resample_every is not None or resample_for is not None:
        resample = ' RESAMPLE'
        if resample_every is not None:
            resample += f' EVERY {quote_duration(duration_ns(resample_every))}'
        if resample_for is not None:
            resample += f' FOR {quote_duration(duration_ns(resample_for))}'
    conn.query(f'CREATE CONTINUOUS QUERY {quote_ident(name)} ON {quote_ident(db)}{resample} '
               f'BEGIN {select} END', epoch=None)


def drop_continuous_query(name: str, *, database: str | None = None,
                          using: str | None = None) -> None:
    conn = _connection(using)
    conn.query(f'DROP CONTINUOUS QUERY {quote_ident(name)} ON '
               f'{quote_ident(conn.require_database(database))}', epoch=None)


def list_continuous_queries(database: str | None = None, *,
                            using: str | None = None) -> list[ContinuousQuery]:
    """The continuous queries of ``database`` (of every database if None and the
    connection names none)."""
    conn = _connection(using)
    db = database or conn.database
    (result,) = conn.query('SHOW CONTINUOUS QUERIES', epoch=None)
    return [ContinuousQuery(row['name'], series, row['query'])
            for series, row in records([result]) if db is None or series == db]


# -- introspection --------------------------------------------------------------------

def _from(measurement: str | None) -> str:
    return f' FROM {quote_ident(measurement)}' if measurement else ''


def _where(tags: Mapping[str, str] | None) -> str:
    if not tags:
        return ''
    return ' WHERE ' + ' AND '.join(f'{quote_ident(k)} = {quote_string(v)}'
                                    for k, v in tags.items())


def show_measurements(database: str | None = None, *, regex: str | None = None,
                      where: Mapping[str, str] | None = None,
                      using: str | None = None) -> list[str]:
    """Measurement names, optionally matching ``regex`` or having tags ``where``."""
    conn = _connection(using)
    statement = 'SHOW MEASUREMENTS'
    if regex is not None:
        statement += f' WITH MEASUREMENT =~ {quote_regex(regex)}'
    (result,) = conn.query(statement + _where(where), database=conn.require_database(database),
                           epoch=None)
    return [row['name'] for _, row in records([result])]


def show_tag_keys(measurement: str | None = None, database: str | None = None, *,
                  using: str | None = None) -> dict[str, list[str]]:
    """``{measurement: [tag key, …]}``."""
    conn = _connection(using)
    (result,) = conn.query('SHOW TAG KEYS' + _from(measurement),
                           database=conn.require_database(database), epoch=None)
    out: dict[str, list[str]] = {}
    for name, row in records([result]):
        out.setdefault(name, []).append(row['tagKey'])
    return out


def show_tag_values(measurement: str, key: str, database: str | None = None, *,
                    where: Mapping[str, str] | None = None,
                    using: str | None = None) -> list[str]:
    """The values of tag ``key`` in ``measurement``."""
    conn = _connection(using)
    (result,) = conn.query(
        f'SHOW TAG VALUES{_from(measurement)} WITH KEY = {quote_ident(key)}{_where(where)}',
        database=conn.require_database(database), epoch=None)
    return [row['value'] for _, row in records([result])]


def show_field_keys(measurement: str | None = None, database: str | None = None, *,
                    using: str | None = None) -> dict[str, dict[str, str]]:
    """``{measurement: {field key: type}}`` with types float, integer, boolean, string."""
    conn = _connection(using)
    (result,) = conn.query('SHOW FIELD KEYS' + _from(measurement),
                           database=conn.require_database(database), epoch=None)
    out: dict[str, dict[str, str]] = {}
    for name, row in records([result]):
        out.setdefault(name, {})[row['fieldKey']] = row['fieldType']
    return out


def show_series(measurement: str | None = None, database: str | None = None, *,
                where: Mapping[str, str] | None = None,
                using: str | None = None) -> list[str]:
    """Series keys (``cpu,host=a``) of ``measurement`` or of the whole database."""
    conn = _connection(using)
    (result,) = conn.query('SHOW SERIES' + _from(measurement) + _where(where),
                           database=conn.require_database(database), epoch=None)
    return [row['key'] for _, row in records([result])]


def drop_measurement(measurement: str, database: str | None = None, *,
                     using: str | None = None) -> None:
    conn = _connection(using)
    conn.query(f'DROP MEASUREMENT {quote_ident(measurement)}',
               database=conn.require_database(database), epoch=None)


def drop_series(measurement: str | None = None, database: str | None = None, *,
                where: Mapping[str, str] | None = None, using: str | None = None) -> None:
    """Drop the series of ``measurement`` (or of every measurement) having tags ``where``."""
    if not measurement and not where:
        raise QueryError('drop_series() needs a measurement or tags: it will not drop every '
                         'series of the database (use drop_database for that)')
    conn = _connection(using)
    conn.query('DROP SERIES' + _from(measurement) + _where(where),
               database=conn.require_database(database), epoch=None)
