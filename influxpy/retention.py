"""Declarations of how long points are kept: retention policies and downsampling tiers.

Pure values, checked when built: ``models`` uses them while a class is being defined,
``schema`` and ``sync`` apply them to a server, the query compiler reads a tier's columns.
Nothing here talks to a server.

>>> RetentionPolicy('week', '7d'), Tier('1m', ['mean', 'max'], keep='90d')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .exceptions import QueryError
from .fields import BOOLEAN, STRING
from .quoting import quote_duration
from .resolutions import duration_ns

__all__ = ['INFINITE', 'RetentionPolicy', 'Tier', 'check_tiers', 'retention_ns',
           'retention_literal', 'NUMERIC_FUNCTIONS', 'TIER_FUNCTIONS']

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
