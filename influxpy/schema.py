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
from .exceptions import ConfigurationError, QueryError
from .fields import BOOLEAN, STRING
from .quoting import quote_duration, quote_ident, quote_regex, quote_string
from .resolutions import duration_ns, parse_go_duration

INFINITE = 0  # a retention duration of 0 ns means "keep forever", as on the server


def _ns(value: Any, what: str) -> int:
    """Nanoseconds of a duration, or of an int that already is nanoseconds."""
    if type(value) is int and value > 0:
        return value
    return duration_ns(value, what=what)


def retention_ns(value: Any, what: str = 'duration') -> int:
    """A retention duration: ``'7d'``, a Duration or timedelta; None or ``'INF'`` = forever."""
    if value is None or (isinstance(value, str) and value.strip().upper() == 'INF'):
        return INFINITE
    return _ns(value, what)


def retention_literal(ns: int) -> str:
    return 'INF' if ns == INFINITE else quote_duration(ns)


@dataclass(frozen=True)
class RetentionPolicy:
    """A retention policy, as declared in ``Meta`` or read from the server.

    ``RetentionPolicy('week', '7d')``; ``duration=None`` (or ``'INF'``) keeps forever;
    ``shard_duration=None`` lets the server choose.
    """

    name: str
    duration: Any = None
    shard_duration: Any = None
    replication: int = 1
    default: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise QueryError(f'a retention policy needs a name, not {self.name!r}')
        object.__setattr__(self, 'duration', retention_ns(
            self.duration, f'retention policy {self.name!r} duration'))
        if self.shard_duration is not None:
            object.__setattr__(self, 'shard_duration', _ns(
                self.shard_duration, f'retention policy {self.name!r} shard duration'))
        if type(self.replication) is not int or self.replication < 1:
            raise QueryError(f'retention policy {self.name!r}: replication must be a positive '
                             f'integer, not {self.replication!r}')

    def clauses(self) -> str:
        text = f'DURATION {retention_literal(self.duration)} REPLICATION {self.replication}'
        if self.shard_duration:
            text += f' SHARD DURATION {quote_duration(self.shard_duration)}'
        return text + (' DEFAULT' if self.default else '')

    def matches(self, existing: RetentionPolicy) -> bool:
        """Whether the server's policy already is what this one declares."""
        return (existing.duration == self.duration and existing.replication == self.replication
                and (self.shard_duration is None
                     or existing.shard_duration == self.shard_duration)
                and (not self.default or existing.default))


@dataclass(frozen=True)
class ContinuousQuery:
    name: str
    database: str
    query: str


def _connection(using: str | None) -> Connection:
    return get_connection(using or DEFAULT_ALIAS)


def _database(connection: Connection, database: str | None) -> str:
    db = database or connection.database
    if not db:
        raise ConfigurationError(f'no database: pass database= or give one in the URL of '
                                 f'connection {connection.alias!r}')
    return db


def _rows(result: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(series name, row as dict) for every row of a SHOW answer."""
    out = []
    for series in result.get('series', []) or []:
        for values in series.get('values', []):
            out.append((series.get('name', ''), dict(zip(series['columns'], values))))
    return out


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
    return [row['name'] for _, row in _rows(result)]


# -- retention policies ----------------------------------------------------------

def create_retention_policy(name: str, duration: Any, *, database: str | None = None,
                            replication: int = 1, shard_duration: Any = None,
                            default: bool = False, using: str | None = None) -> None:
    rp = RetentionPolicy(name, duration, shard_duration, replication, default)
    conn = _connection(using)
    db = _database(conn, database)
    conn.query(f'CREATE RETENTION POLICY {quote_ident(name)} ON {quote_ident(db)} '
               f'{rp.clauses()}', epoch=None)


def alter_retention_policy(name: str, *, duration: Any = None, database: str | None = None,
                           replication: int | None = None, shard_duration: Any = None,
                           default: bool = False, using: str | None = None) -> None:
    """Change what is given (``duration='INF'`` keeps forever)."""
    conn = _connection(using)
    db = _database(conn, database)
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
               f'{quote_ident(_database(conn, database))}', epoch=None)


def list_retention_policies(database: str | None = None, *,
                            using: str | None = None) -> list[RetentionPolicy]:
    conn = _connection(using)
    (result,) = conn.query(f'SHOW RETENTION POLICIES ON {quote_ident(_database(conn, database))}',
                           epoch=None)
    return [RetentionPolicy(row['name'], parse_go_duration(row['duration']) or None,
                            parse_go_duration(row['shardGroupDuration']) or None,
                            int(row['replicaN']), bool(row['default']))
            for _, row in _rows(result)]


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
    db = _database(conn, database)
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
               f'{quote_ident(_database(conn, database))}', epoch=None)


def list_continuous_queries(database: str | None = None, *,
                            using: str | None = None) -> list[ContinuousQuery]:
    """The continuous queries of ``database`` (of every database if None and the
    connection names none)."""
    conn = _connection(using)
    db = database or conn.database
    (result,) = conn.query('SHOW CONTINUOUS QUERIES', epoch=None)
    return [ContinuousQuery(row['name'], series, row['query'])
            for series, row in _rows(result) if db is None or series == db]


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
    (result,) = conn.query(statement + _where(where), database=_database(conn, database),
                           epoch=None)
    return [row['name'] for _, row in _rows(result)]


def show_tag_keys(measurement: str | None = None, database: str | None = None, *,
                  using: str | None = None) -> dict[str, list[str]]:
    """``{measurement: [tag key, …]}``."""
    conn = _connection(using)
    (result,) = conn.query('SHOW TAG KEYS' + _from(measurement),
                           database=_database(conn, database), epoch=None)
    out: dict[str, list[str]] = {}
    for name, row in _rows(result):
        out.setdefault(name, []).append(row['tagKey'])
    return out


def show_tag_values(measurement: str, key: str, database: str | None = None, *,
                    where: Mapping[str, str] | None = None,
                    using: str | None = None) -> list[str]:
    """The values of tag ``key`` in ``measurement``."""
    conn = _connection(using)
    (result,) = conn.query(
        f'SHOW TAG VALUES{_from(measurement)} WITH KEY = {quote_ident(key)}{_where(where)}',
        database=_database(conn, database), epoch=None)
    return [row['value'] for _, row in _rows(result)]


def show_field_keys(measurement: str | None = None, database: str | None = None, *,
                    using: str | None = None) -> dict[str, dict[str, str]]:
    """``{measurement: {field key: type}}`` with types float, integer, boolean, string."""
    conn = _connection(using)
    (result,) = conn.query('SHOW FIELD KEYS' + _from(measurement),
                           database=_database(conn, database), epoch=None)
    out: dict[str, dict[str, str]] = {}
    for name, row in _rows(result):
        out.setdefault(name, {})[row['fieldKey']] = row['fieldType']
    return out


def show_series(measurement: str | None = None, database: str | None = None, *,
                where: Mapping[str, str] | None = None,
                using: str | None = None) -> list[str]:
    """Series keys (``cpu,host=a``) of ``measurement`` or of the whole database."""
    conn = _connection(using)
    (result,) = conn.query('SHOW SERIES' + _from(measurement) + _where(where),
                           database=_database(conn, database), epoch=None)
    return [row['key'] for _, row in _rows(result)]


def drop_measurement(measurement: str, database: str | None = None, *,
                     using: str | None = None) -> None:
    conn = _connection(using)
    conn.query(f'DROP MEASUREMENT {quote_ident(measurement)}',
               database=_database(conn, database), epoch=None)


def drop_series(measurement: str | None = None, database: str | None = None, *,
                where: Mapping[str, str] | None = None, using: str | None = None) -> None:
    """Drop the series of ``measurement`` (or of every measurement) having tags ``where``."""
    if not measurement and not where:
        raise QueryError('drop_series() needs a measurement or tags: it will not drop every '
                         'series of the database (use drop_database for that)')
    conn = _connection(using)
    conn.query('DROP SERIES' + _from(measurement) + _where(where),
               database=_database(conn, database), epoch=None)


# -- downsampling tiers, declared in Meta ----------------------------------------------

# Functions a tier may keep; the first group needs numbers.
NUMERIC_FUNCTIONS = frozenset({'mean', 'median', 'sum', 'spread', 'stddev', 'min', 'max'})
TIER_FUNCTIONS = NUMERIC_FUNCTIONS | {'count', 'first', 'last', 'mode'}


@dataclass(frozen=True)
class Tier:
    """A downsampled copy of a measurement, kept by a continuous query.

    ``Tier('1m', ['mean', 'min', 'max'], keep='90d')`` keeps, for 90 days, one point per
    minute and series with columns ``mean_<field>``, ``min_<field>``, ``max_<field>`` in
    the measurement ``<measurement>_1m`` of the retention policy ``keep_90d``.
    ``keep=None`` keeps forever (policy ``keep_inf``).
    """

    resolution: Any
    functions: tuple[str, ...] = ('mean',)
    keep: Any = None
    retention_policy: str | None = None

    def __post_init__(self) -> None:
        res = _ns(self.resolution, 'tier resolution')
        object.__setattr__(self, 'resolution', res)
        functions = (self.functions,) if isinstance(self.functions, str) else self.functions
        functions = tuple(str(name).lower() for name in functions)
        unknown = [name for name in functions if name not in TIER_FUNCTIONS]
        if unknown or not functions:
            raise QueryError(f'tier {quote_duration(res)}: unknown function(s) '
                             f'{", ".join(unknown) or "(none given)"}; a tier keeps '
                             f'{", ".join(sorted(TIER_FUNCTIONS))}')
        object.__setattr__(self, 'functions', functions)
        keep = retention_ns(self.keep, f'tier {quote_duration(res)} keep')
        if keep != INFINITE and keep < res:
            raise QueryError(f'tier {quote_duration(res)} keeps its points for '
                             f'{retention_literal(keep)}, less than one interval')
        object.__setattr__(self, 'keep', keep)
        if self.retention_policy is None:
            object.__setattr__(self, 'retention_policy', f'keep_{retention_literal(keep).lower()}')

    @property
    def literal(self) -> str:
        return quote_duration(self.resolution)

    def measurement(self, raw: str) -> str:
        """The measurement this tier's points go to: ``<raw measurement>_<resolution>``."""
        return f'{raw}_{self.literal}'

    def policy(self) -> RetentionPolicy:
        return RetentionPolicy(str(self.retention_policy), self.keep or None)

    def columns(self, fields: Mapping[str, Any]) -> list[tuple[str, str, str]]:
        """``(function, field column, tier column)`` for the given ``{db_name: Field}``."""
        out = []
        for function in self.functions:
            for column, field in fields.items():
                if function in NUMERIC_FUNCTIONS and field.kind in (BOOLEAN, STRING):
                    continue
                out.append((function, column, f'{function}_{column}'))
        return out


def check_tiers(model_name: str, tiers: Any, raw: RetentionPolicy | None,
                fields: Mapping[str, Any]) -> tuple[Tier, ...]:
    """Validate ``Meta.tiers``; raise a QueryError naming the model."""
    if tiers is None:
        return ()
    try:
        checked: tuple[Tier, ...] = tuple(
            tier if isinstance(tier, Tier) else Tier(*tier) for tier in tiers)
    except QueryError as exc:
        raise QueryError(f'{model_name}: {exc}') from None
    except TypeError:
        raise QueryError(f'{model_name}: Meta.tiers is a list of Tier(resolution, functions, '
                         f'keep=…), not {tiers!r}') from None
    tiers = checked
    for finer, coarser in zip(tiers, tiers[1:]):
        if coarser.resolution <= finer.resolution:
            raise QueryError(f'{model_name}: tier {coarser.literal} is not coarser than the '
                             f'tier {finer.literal} before it; list tiers from fine to coarse')
    policies: dict[str, Tier] = {}
    for tier in tiers:
        if not tier.columns(fields):
            raise QueryError(f'{model_name}: tier {tier.literal} keeps nothing: '
                             f'{", ".join(tier.functions)} need numeric fields')
        other = policies.setdefault(str(tier.retention_policy), tier)
        if other.keep != tier.keep:
            raise QueryError(f'{model_name}: tiers {other.literal} and {tier.literal} share '
                             f'the retention policy {tier.retention_policy!r} with different '
                             'durations')
    if raw is not None and raw.duration != INFINITE and tiers and \
            raw.duration < tiers[-1].resolution:
        raise QueryError(f'{model_name}: raw points are kept {retention_literal(raw.duration)}, '
                         f'less than one {tiers[-1].literal} interval of the coarsest tier')
    return checked
