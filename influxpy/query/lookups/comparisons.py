"""Comparisons: ``exact ne gt gte lt lte in range``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from ...exceptions import QueryError
from ...fields import ANY, BOOLEAN, STRING, TAG
from ..where import TIME, Condition

if TYPE_CHECKING:
    from ..compiler import Compiler
from .base import NUMBER, Column, Lookup, register_lookup

_NEGATED_OP = {'=': '!=', '!=': '=', '>': '<=', '<=': '>', '>=': '<', '<': '>='}


class Comparison(Lookup):
    __slots__ = ()
    operator: ClassVar[str]

    def as_influxql(self, compiler: Compiler) -> str:
        op = _NEGATED_OP[self.operator] if self.negated else self.operator
        return f'{self.column.sql} {op} {self.operand(compiler)}'


def _no_time_ne(column: Column) -> QueryError:
    return QueryError('time != … is not supported by InfluxQL (and excluding an exact time '
                      'would need an OR of time ranges); filter with time__lt and time__gt '
                      'in separate queries')


@register_lookup
class Exact(Comparison):
    """``field=value``, ``field__exact=value``: ``=``."""

    __slots__ = ()
    lookup_name, operator = 'exact', '='

    def negate(self) -> Condition:
        if self.column.kind == TIME:
            raise _no_time_ne(self.column)
        return super().negate()


@register_lookup
class NotEqual(Comparison):
    """``field__ne=value``: ``!=``."""

    __slots__ = ()
    lookup_name, operator = 'ne', '!='
    kinds = frozenset({TAG, NUMBER, BOOLEAN, STRING, ANY})

    def __init__(self, column: Column, value: Any) -> None:
        if column.kind == TIME:
            raise _no_time_ne(column)
        super().__init__(column, value)


_ORDERED_KINDS = frozenset({TIME, NUMBER, ANY})


@register_lookup
class GreaterThan(Comparison):
    """``field__gt=value``: ``>``."""

    __slots__ = ()
    lookup_name, operator, ordered, kinds = 'gt', '>', True, _ORDERED_KINDS


@register_lookup
class GreaterThanOrEqual(Comparison):
    """``field__gte=value``: ``>=``."""

    __slots__ = ()
    lookup_name, operator, ordered, kinds = 'gte', '>=', True, _ORDERED_KINDS


@register_lookup
class LessThan(Comparison):
    """``field__lt=value``: ``<``."""

    __slots__ = ()
    lookup_name, operator, ordered, kinds = 'lt', '<', True, _ORDERED_KINDS


@register_lookup
class LessThanOrEqual(Comparison):
    """``field__lte=value``: ``<=``."""

    __slots__ = ()
    lookup_name, operator, ordered, kinds = 'lte', '<=', True, _ORDERED_KINDS


def _sequence(column: Column, name: str, value: Any) -> list[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise QueryError(f'{column.label}: {name} takes a list of values, not {value!r}')
    return list(value)


@register_lookup
class In(Lookup):
    """``field__in=[a, b]``: ``(field = a OR field = b)``; an empty list matches nothing."""

    __slots__ = ()
    lookup_name = 'in'

    def prepare(self, value: Any) -> None:
        items = [self.check_value(v) for v in _sequence(self.column, 'in', value)]
        if self.column.kind == TIME and len(items) > 1:
            raise QueryError('time__in with several times is an OR across time conditions, '
                             'which InfluxQL answers wrongly; query each time separately')
        self.value = items

    def negate(self) -> Condition:
        if self.column.kind == TIME and self.value:
            raise _no_time_ne(self.column)
        return super().negate()

    def as_influxql(self, compiler: Compiler) -> str:
        items = self.value
        if not items:
            return 'true' if self.negated else 'false'
        op, joiner = ('!=', ' AND ') if self.negated else ('=', ' OR ')
        sql = self.column.sql
        parts = [f'{sql} {op} {rhs if rhs is not None else compiler.param(value)}'
                 for value, rhs in items]
        return parts[0] if len(parts) == 1 else '(' + joiner.join(parts) + ')'


@register_lookup
class Range(Lookup):
    """``field__range=(low, high)``: ``field >= low AND field <= high`` (both included)."""

    __slots__ = ()
    lookup_name, ordered, kinds = 'range', True, _ORDERED_KINDS

    def prepare(self, value: Any) -> None:
        bounds = _sequence(self.column, 'range', value)
        if len(bounds) != 2:
            raise QueryError(f'{self.column.label}: range takes (low, high), not {value!r}')
        self.value = [self.check_value(bound) for bound in bounds]

    def negate(self) -> Condition:
        if self.column.kind == TIME:
            raise QueryError('excluding a time range needs an OR across time conditions, '
                             'which InfluxQL answers wrongly; query the time before and '
                             'after separately')
        return super().negate()

    def as_influxql(self, compiler: Compiler) -> str:
        (low, low_rhs), (high, high_rhs) = self.value
        low_text = low_rhs if low_rhs is not None else compiler.param(low)
        high_text = high_rhs if high_rhs is not None else compiler.param(high)
        sql = self.column.sql
        if self.negated:
            return f'({sql} < {low_text} OR {sql} > {high_text})'
        return f'{sql} >= {low_text} AND {sql} <= {high_text}'
