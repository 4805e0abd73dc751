"""The condition tree of a query: ``Q`` objects, and the conditions they become.

``filter()``, ``exclude()`` and ``Q`` build a :class:`Q` tree of keyword lookups; the
lookups module checks it against the model and turns it into conditions — its
lookups are the leaves, :class:`WhereNode` the nodes — with negation pushed down to
each lookup (InfluxQL has no NOT). The compiler renders the tree with
``as_influxql()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..exceptions import QueryError

if TYPE_CHECKING:
    from .compiler import Compiler
    from .lookups import Lookup

AND = 'AND'
OR = 'OR'
TIME = 'time'  # the kind of the time column (see lookups.Column)


class Q:
    """A condition tree: keyword lookups combined with ``&``, ``|`` and ``~``.

    >>> Q(host='a', cpu__gt=50) | ~Q(region__in=['eu', 'us'])
    <Q: (OR: (AND: ('host', 'a'), ('cpu__gt', 50)), (NOT (AND: ('region__in', ['eu', 'us']))))>
    """

    __slots__ = ('children', 'connector', 'negated')

    def __init__(self, *args: Q, _connector: str = AND, _negated: bool = False,
                 **lookups: Any) -> None:
        for arg in args:
            if not isinstance(arg, Q):
                raise QueryError(f'Q() takes Q objects and keyword lookups, not {arg!r}')
        self.children: tuple[Q | tuple[str, Any], ...] = (*args, *lookups.items())
        self.connector = _connector
        self.negated = _negated

    def _combine(self, other: object, connector: str) -> Q:
        if not isinstance(other, Q):
            raise QueryError(f'cannot combine a Q with {other!r}')
        if not other.children:
            return self
        if not self.children:
            return other
        return Q(self, other, _connector=connector)

    def __and__(self, other: Q) -> Q:
        return self._combine(other, AND)

    def __or__(self, other: Q) -> Q:
        return self._combine(other, OR)

    def __invert__(self) -> Q:
        clone = Q(_connector=self.connector, _negated=not self.negated)
        clone.children = self.children
        return clone

    def __bool__(self) -> bool:
        return bool(self.children)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Q):
            return NotImplemented
        return (self.children, self.connector, self.negated) == \
            (other.children, other.connector, other.negated)

    __hash__ = None  # type: ignore[assignment]

    def _describe(self) -> str:
        inner = ', '.join(c._describe() if isinstance(c, Q) else repr(c) for c in self.children)
        text = f'({self.connector}: {inner})'
        return f'(NOT {text})' if self.negated else text

    def __repr__(self) -> str:
        return f'<Q: {self._describe()}>'



# -- conditions ------------------------------------------------------------------------


class Condition:
    """A node of a WHERE tree: a lookup or an AND/OR of conditions."""

    __slots__ = ()

    def negate(self) -> Condition:
        raise NotImplementedError

    def as_influxql(self, compiler: Compiler) -> str:
        raise NotImplementedError

    def lookups(self) -> Iterator[Lookup]:
        raise NotImplementedError

    @property
    def has_time(self) -> bool:
        return any(lookup.column.kind == TIME for lookup in self.lookups())


class WhereNode(Condition):
    """``a AND b AND …`` or ``a OR b OR …``."""

    __slots__ = ('connector', 'children')

    def __init__(self, connector: str, children: tuple[Condition, ...]) -> None:
        self.connector = connector
        self.children = children

    def __repr__(self) -> str:
        return f'<WhereNode {self.connector} {list(self.children)!r}>'

    def negate(self) -> Condition:
        return WhereNode(OR if self.connector == AND else AND,
                         tuple(child.negate() for child in self.children))

    def as_influxql(self, compiler: Compiler) -> str:
        parts = []
        for child in self.children:
            text = child.as_influxql(compiler)
            parts.append(f'({text})' if type(child) is WhereNode else text)
        return f' {self.connector} '.join(parts)

    def lookups(self) -> Iterator[Lookup]:
        for child in self.children:
            yield from child.lookups()


def combine(connector: str, conditions: Iterable[Condition | None]) -> Condition | None:
    """AND or OR of conditions, flattening nodes of the same connector."""
    children: list[Condition] = []
    for condition in conditions:
        if condition is None:
            continue
        if isinstance(condition, WhereNode) and condition.connector == connector:
            children.extend(condition.children)
        else:
            children.append(condition)
    if not children:
        return None
    if len(children) == 1:
        return children[0]
    return WhereNode(connector, tuple(children))


def check_condition(condition: Condition) -> None:
    """Refuse what InfluxQL answers wrongly: a time condition under an OR."""
    if isinstance(condition, WhereNode):
        if condition.connector == OR and condition.has_time:
            raise QueryError(
                'time conditions cannot be combined with OR (or negated into one): InfluxQL '
                'answers such a query with nothing or ignores the time range. Combine time '
                'bounds with AND, and run one query per time range')
        for child in condition.children:
            check_condition(child)

