"""Lookups: ``filter(host='a', cpu__gt=50, time__gte=…)`` -> InfluxQL conditions.

Each lookup is one small class, registered by name with :func:`register_lookup`, that
checks its value against the column it compares when built, and renders itself through
the compiler, which sends every string, number and boolean as a bind parameter (or
inlines it through the quoting functions for ``str(query)``).

InfluxQL answers some conditions silently wrongly rather than refusing them; those are
errors here, raised when the condition is built:

- a tag compared to a number, or with ``< <= > >=`` (tags are strings; the server
  answers nothing);
- strings and booleans compared with ``< <= > >=`` (nothing again);
- ``time != …`` (refused) and time conditions under an OR (the server answers nothing
  or ignores the time range);
- a field tested for null (InfluxQL has no such test; a tag is "null" when empty).

There is no NOT in InfluxQL: ``exclude()`` and ``~Q`` push the negation down to each
lookup (``gt`` becomes ``lte``, ``regex`` becomes ``!~``…). A field that is absent from
a point satisfies neither a condition nor its negation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...exceptions import QueryError
from ...fields import TAG
from ..where import AND, OR, TIME, Condition, Q, combine

if TYPE_CHECKING:
    from ...models import Options
from .base import LOOKUPS, NUMBER, Column, Lookup, column_for, register_lookup
from .comparisons import (
    _NEGATED_OP,
    Comparison,
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    LessThan,
    LessThanOrEqual,
    NotEqual,
    Range,
)
from .patterns import (
    Contains,
    EndsWith,
    IContains,
    IEndsWith,
    IExact,
    IsNull,
    IStartsWith,
    Regex,
    StartsWith,
)

__all__ = ['LOOKUPS', 'NUMBER', 'Column', 'Comparison', 'Contains', 'EndsWith', 'Exact',
           'GreaterThan', 'GreaterThanOrEqual', 'IContains', 'IEndsWith', 'IExact', 'IStartsWith',
           'In', 'IsNull', 'LessThan', 'LessThanOrEqual', 'Lookup', 'NotEqual', 'Range', 'Regex',
           'StartsWith', '_NEGATED_OP', 'build_condition', 'build_lookup', 'column_for',
           'register_lookup']


def build_lookup(meta: Options, key: str, value: Any) -> Condition:
    """The condition for one keyword of ``filter()``: ``'cpu__gt', 50``."""
    name, lookup_name = key, 'exact'
    if '__' in key:
        head, tail = key.rsplit('__', 1)
        if tail in LOOKUPS:
            name, lookup_name = head, tail
        elif key not in meta.all_fields and key not in meta.by_db_name:
            raise QueryError(f'{meta.model_name}: unknown lookup {tail!r} in {key!r}; valid '
                             f'lookups: {", ".join(LOOKUPS)}')
    column = column_for(meta, name)
    if value is None and lookup_name in ('exact', 'ne') and column.kind != TIME:
        if column.kind != TAG:
            raise QueryError(f'{column.label}: InfluxQL cannot test a field for null; '
                             f'{key}=None has no meaning')
        return IsNull(column, lookup_name == 'exact')
    return LOOKUPS[lookup_name](column, value)


def build_condition(q: Q, meta: Options, negated: bool = False) -> Condition | None:
    """A Q tree -> conditions checked against the model, NOT pushed down to the lookups."""
    negated = negated != q.negated
    connector = q.connector
    if negated:
        connector = OR if connector == AND else AND
    children: list[Condition | None] = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(build_condition(child, meta, negated))
        else:
            key, value = child
            condition = build_lookup(meta, key, value)
            children.append(condition.negate() if negated else condition)
    return combine(connector, children)
