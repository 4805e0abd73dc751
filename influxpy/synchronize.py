"""``influxpy.sync(models…)``: make the server match what the models declare.

For each model: its database, the retention policy it writes to (when ``Meta`` declares
a :class:`~influxpy.schema.RetentionPolicy`), and for each :class:`~influxpy.schema.Tier`
a retention policy and a continuous query. What exists and matches is left alone; what
differs is altered (a continuous query is named after a hash of its definition, so a
changed definition is dropped and created again). ``dry_run=True`` returns the changes
without running them; ``backfill=True`` also fills each tier from the raw points already
stored (``SELECT … INTO``). Running it twice changes nothing the second time.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import schema
from .connection import Connection
from .exceptions import InfluxPyError
from .quoting import quote_ident, quote_time
from .results import records

if TYPE_CHECKING:
    from .models import InfluxMeasurement


@dataclass(frozen=True)
class Change:
    """One thing ``sync`` did (or would do): ``action``, its ``target`` and the InfluxQL."""

    action: str
    target: str
    statement: str

    def __str__(self) -> str:
        return f'{self.action} {self.target}: {self.statement}'


def tier_measurement(model: type[InfluxMeasurement], tier: schema.Tier) -> str:
    """The measurement a tier's points go to: ``<measurement>_<resolution>``."""
    return tier.measurement(model._meta.measurement)


def _source(db: str, model: type[InfluxMeasurement]) -> str:
    rp = model._meta.retention_policy
    # "db".."m" is the database's default retention policy.
    policy = quote_ident(rp) if rp else ''
    return f'{quote_ident(db)}.{policy}.{quote_ident(model._meta.measurement)}'


def tier_select(model: type[InfluxMeasurement], tier: schema.Tier, db: str) -> str:
    """``SELECT f(x) AS "f_x", … INTO <tier> FROM <raw>`` without time bounds or GROUP BY."""
    fields = {x.db_name: x for x in model._meta.fields.values()}
    columns = ', '.join(f'{function}({quote_ident(column)}) AS {quote_ident(alias)}'
                        for function, column, alias in tier.columns(fields))
    target = (f'{quote_ident(db)}.{quote_ident(str(tier.retention_policy))}.'
              f'{quote_ident(tier_measurement(model, tier))}')
    return f'SELECT {columns} INTO {target} FROM {_source(db, model)}'


def continuous_query_name(model: type[InfluxMeasurement], tier: schema.Tier,
                          definition: str) -> str:
    digest = hashlib.sha1(definition.encode()).hexdigest()[:8]
    return f'{_cq_prefix(model, tier)}{digest}'


def _cq_prefix(model: type[InfluxMeasurement], tier: schema.Tier) -> str:
    return f'cq_{model._meta.measurement}_{tier.literal}_'


def plan(model: type[InfluxMeasurement], *, using: str | None = None,
         backfill: bool = False) -> list[tuple[Change, Callable[[], object]]]:
    """The changes ``sync`` would make for ``model``, each with the call that makes it."""
    meta = model._meta
    where = meta.destination(using)
    conn, db = where.connection, where.require_database()
    steps: list[tuple[Change, Callable[[], object]]] = []

    def step(action: str, target: str, statement: str) -> None:
        steps.append((Change(action, target, statement),
                      lambda: conn.query(statement, database=db, epoch=None)))

    exists = db in schema.list_databases(using=conn.alias)
    if not exists:
        step('create database', db, f'CREATE DATABASE {quote_ident(db)}')
    existing = {rp.name: rp for rp in schema.list_retention_policies(db, using=conn.alias)} \
        if exists else {}
    wanted = ([meta.retention] if meta.retention else []) + [t.policy() for t in meta.tiers]
    for rp in {rp.name: rp for rp in wanted}.values():
        found = existing.get(rp.name)
        head = f'RETENTION POLICY {quote_ident(rp.name)} ON {quote_ident(db)} {rp.clauses()}'
        if found is None:
            step('create retention policy', rp.name, f'CREATE {head}')
        elif not rp.matches(found):
            step('alter retention policy', rp.name, f'ALTER {head}')
    queries = {cq.name for cq in schema.list_continuous_queries(db, using=conn.alias)} \
        if exists else set()
    for tier in meta.tiers:
        select = f'{tier_select(model, tier, db)} GROUP BY time({tier.literal}), *'
        name = continuous_query_name(model, tier, select)
        for old in sorted(queries):
            if old.startswith(_cq_prefix(model, tier)) and old != name:
                step('drop continuous query', old,
                     f'DROP CONTINUOUS QUERY {quote_ident(old)} ON {quote_ident(db)}')
        if name not in queries:
            step('create continuous query', name, f'CREATE CONTINUOUS QUERY {quote_ident(name)} '
                 f'ON {quote_ident(db)} BEGIN {select} END')
        if backfill:
            steps.append((Change('backfill', tier_measurement(model, tier),
                                 f'{tier_select(model, tier, db)} WHERE time >= <first raw '
                                 f'point> AND time < now() GROUP BY time({tier.literal}), *'),
                          _backfill(conn, db, model, tier)))
    return steps


def _backfill(conn: Connection, db: str, model: type[InfluxMeasurement],
              tier: schema.Tier) -> Callable[[], object]:
    def run() -> object:
        answer = conn.query(f'SELECT * FROM {_source(db, model)} LIMIT 1', database=db)
        first = next(records(answer), None)
        if first is None:
            return None  # no raw points yet
        res = tier.resolution
        start = first[1]['time'] // res * res
        if tier.keep:
            # Only what the tier keeps: a bucket older than its retention would be
            # refused ("points beyond retention policy dropped") and stop the sync. The
            # first bucket starting inside it, with a minute for the time passing.
            kept_from = time.time_ns() - tier.keep + 60_000_000_000
            start = max(start, -(-kept_from // res) * res)
        return conn.query(f'{tier_select(model, tier, db)} WHERE time >= {quote_time(start)} '
                          f'AND time < now() GROUP BY time({tier.literal}), *',
                          database=db, epoch=None)
    return run


def sync(*models: type[InfluxMeasurement], using: str | None = None, dry_run: bool = False,
         backfill: bool = False, report: Callable[[Change], object] | None = None
         ) -> list[Change]:
    """Create or alter what ``models`` declare; return (and ``report``) each change.

    >>> influxpy.sync(ServerMeasurement, dry_run=True)
    [Change(action='create retention policy', target='keep_90d', statement='CREATE …')]
    """
    changes: list[Change] = []
    listed: set[tuple[str, str | None, str]] = set()
    todo = _unique(models)
    for index, model in enumerate(todo):
        steps = plan(model, using=using, backfill=backfill)
        where = model._meta.destination(using)
        for step, (change, apply) in enumerate(steps):
            # Models sharing a database or policy: in a dry run nothing is applied, so
            # the next model's plan has the same change again; it is listed once.
            key = (where.connection.alias, where.database, change.statement)
            if key in listed:
                continue
            listed.add(key)
            if not dry_run:
                try:
                    apply()
                except InfluxPyError as exc:
                    raise SyncError(exc, applied=changes,
                                    not_applied=[c for c, _ in steps[step:]],
                                    models_left=todo[index + 1:]) from exc
            if report is not None:
                report(change)
            changes.append(change)
    return changes


class SyncError(InfluxPyError):
    """A sync stopped: ``applied`` were made, ``not_applied`` (the failed change first)
    were not, nor anything for ``models_left``."""

    def __init__(self, cause: Exception, *, applied: list[Change], not_applied: list[Change],
                 models_left: list[type[InfluxMeasurement]]) -> None:
        def names(items: Iterable[Change]) -> str:
            return '; '.join(f'{c.action} {c.target}' for c in items) or 'nothing'
        left = ', '.join(m.__name__ for m in models_left)
        super().__init__(f'sync stopped at {not_applied[0].action} {not_applied[0].target}: '
                         f'{cause}. Applied: {names(applied)}. Not applied: '
                         f'{names(not_applied)}' + (f'; nothing for {left}' if left else ''))
        self.applied = list(applied)
        self.not_applied = list(not_applied)
        self.models_left = list(models_left)


def _unique(models: Iterable[type[InfluxMeasurement]]) -> list[type[InfluxMeasurement]]:
    seen: list[type[InfluxMeasurement]] = []
    for model in models:
        if model._meta.abstract:
            continue
        if model not in seen:
            seen.append(model)
    return seen
