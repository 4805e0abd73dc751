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

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from ..exceptions import QueryError
from ..fields import ANY, BOOLEAN, NUMERIC_KINDS, STRING, TAG, Field
from ..quoting import quote_ident, quote_number, quote_regex, quote_time
from .expressions import Expression, Now
from .where import AND, OR, TIME, Condition, Q, combine

if TYPE_CHECKING:
    from ..models import Options
    from .compiler import Compiler

# Column kinds: what a column holds, which decides the lookups and values it takes:
# time (where.TIME), a field's kind (influxpy.fields), with floats and integers alike:
NUMBER = 'number'  # a float or integer field: compared alike


class Column:
    """What a lookup compares: ``time``, a tag or a field of the model."""

    __slots__ = ('name', 'sql', 'kind', 'field', 'meta')

    def __init__(self, name: str, sql: str, kind: str, field: Field | None,
                 meta: Options) -> None:
        self.name, self.sql, self.kind, self.field, self.meta = name, sql, kind, field, meta

    def __repr__(self) -> str:
        return f'<Column {self.meta.model_name}.{self.name} ({self.kind})>'

    @property
    def label(self) -> str:
        what = {TIME: 'time', TAG: 'the tag'}.get(self.kind, 'the field')
        return what if self.kind == TIME else f'{what} {self.meta.model_name}.{self.name}'


def _kind(field: Field) -> str:
    return NUMBER if field.kind in NUMERIC_KINDS else field.kind


def column_for(meta: Options, name: str) -> Column:
    """The column called ``name`` (attribute or column name, or ``time``)."""
    if name == 'time':
        return Column('time', 'time', TIME, None, meta)
    found = meta.get_field(name)
    return Column(found.name, quote_ident(found.db_name), _kind(found), found, meta)


# -- values ----------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Decimal)):
        return True
    dtype = getattr(value, 'dtype', None)
    return dtype is not None and getattr(value, 'ndim', None) == 0 and dtype.kind in 'iuf'


def _is_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    dtype = getattr(value, 'dtype', None)
    return dtype is not None and getattr(value, 'ndim', None) == 0 and dtype.kind == 'b'


LOOKUPS: dict[str, type[Lookup]] = {}


def register_lookup(cls: type[Lookup]) -> type[Lookup]:
    """Class decorator: make ``cls`` available as ``field__<cls.lookup_name>=…``."""
    LOOKUPS[cls.lookup_name] = cls
    return cls


class Lookup(Condition):
    """One comparison of a column with a value; subclasses are registered by name."""

    __slots__ = ('column', 'value', 'rhs', 'negated')
    lookup_name: ClassVar[str]
    kinds: ClassVar[frozenset[str]] = frozenset({TIME, TAG, NUMBER, BOOLEAN, STRING, ANY})
    ordered: ClassVar[bool] = False   # compares with < <= > >= (numbers and time only)

    def __init__(self, column: Column, value: Any) -> None:
        self.column = column
        self.negated = False
        self.value: Any = None     # sent through compiler.param()
        self.rhs: str | None = None  # or inlined: time literals, now(), F(), regexes
        if column.kind not in self.kinds:
            raise QueryError(f'{column.label}: the lookup {self.lookup_name!r} '
                             f'{self._kind_problem(column.kind)}')
        self.prepare(value)

    def _kind_problem(self, kind: str) -> str:
        return {TIME: 'does not apply to time',
                TAG: 'does not apply to tags',
                BOOLEAN: 'does not apply to a boolean field',
                STRING: 'does not apply to a string field',
                NUMBER: 'does not apply to a numeric field'}.get(kind, 'does not apply here')

    def __repr__(self) -> str:
        neg = 'NOT ' if self.negated else ''
        shown = self.value if self.rhs is None else self.rhs
        return f'<{neg}{type(self).__name__} {self.column.name} {shown!r}>'

    def lookups(self) -> Iterator[Lookup]:
        yield self

    def _copy(self) -> Lookup:
        clone = object.__new__(type(self))
        clone.column, clone.value, clone.rhs, clone.negated = \
            self.column, self.value, self.rhs, self.negated
        return clone

    def negate(self) -> Condition:
        clone = self._copy()
        clone.negated = not self.negated
        return clone

    def prepare(self, value: Any) -> None:
        self.value, self.rhs = self.check_value(value)

    def check_value(self, value: Any) -> tuple[Any, str | None]:
        """``(param value, None)`` or ``(None, inline text)`` for one value."""
        column = self.column
        kind = column.kind
        name = self.lookup_name
        if kind == TIME:
            if isinstance(value, Now):
                return None, str(value)
            return None, quote_time(value)
        if isinstance(value, Expression):
            if kind == TAG:
                raise QueryError(f'{column.label}: a tag compares with strings, not with '
                                 f'{value!r}')
            resolved = value.resolve(column.meta, numeric=self.ordered)
            if resolved.info.calls:
                raise QueryError(f'{column.label}: InfluxQL cannot compare with a function '
                                 f'such as {value!r} in WHERE')
            return None, resolved.sql
        if isinstance(value, str):
            if kind in (NUMBER, BOOLEAN):
                raise QueryError(f'{column.label} holds {_holds(kind)}; {value!r} is a string '
                                 '(InfluxQL would answer nothing)')
            if self.ordered:
                raise QueryError(f'{column.label}: InfluxQL compares strings only with '
                                 f'= and != (and regexes); {name} {value!r} would match '
                                 'nothing')
            return value, None
        if _is_bool(value):
            if kind in (NUMBER, STRING, TAG):
                raise QueryError(f'{column.label} holds {_holds(kind)}; {value!r} is a boolean '
                                 '(InfluxQL would answer nothing)')
            if self.ordered:
                raise QueryError(f'{column.label}: booleans compare only with = and !=')
            return bool(value), None
        if _is_number(value):
            if kind == TAG:
                raise QueryError(f'{column.label} is a tag, and tags are strings: comparing it '
                                 f'with the number {value!r} matches nothing. Compare with '
                                 f'the string {str(value)!r}')
            if kind in (BOOLEAN, STRING):
                raise QueryError(f'{column.label} holds {_holds(kind)}; {value!r} is a number '
                                 '(InfluxQL would answer nothing)')
            number = value.item() if hasattr(value, 'item') else value
            if isinstance(number, Decimal):
                number = float(number)
            quote_number(number)  # finite, in range
            return number, None
        if value is None:
            raise QueryError(f'{column.label}: {name} None is not a comparison; use isnull=True '
                             '(tags only: InfluxQL cannot test a field for null)')
        raise QueryError(f'{column.label}: cannot compare with {value!r} '
                         f'({type(value).__name__}); use a string, number, boolean or F()')

    def operand(self, compiler: Compiler) -> str:
        return self.rhs if self.rhs is not None else compiler.param(self.value)


def _holds(kind: str) -> str:
    return {NUMBER: 'numbers', BOOLEAN: 'booleans', STRING: 'strings', TAG: 'strings'}[kind]


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


_TEXT_KINDS = frozenset({TAG, STRING, ANY})


class _Pattern(Lookup):
    """A regex match, inlined through :func:`quote_regex` (``=~`` / ``!~``)."""

    __slots__ = ()
    kinds = _TEXT_KINDS

    def pattern(self, value: Any) -> str | re.Pattern[str]:
        raise NotImplementedError

    def prepare(self, value: Any) -> None:
        self.value = value
        self.rhs = quote_regex(self.pattern(value))

    def as_influxql(self, compiler: Compiler) -> str:
        return f'{self.column.sql} {"!~" if self.negated else "=~"} {self.rhs}'


@register_lookup
class Regex(_Pattern):
    """``field__regex=r'^web-\\d+$'``: ``=~ /…/`` (RE2 syntax; a ``re.Pattern`` works)."""

    __slots__ = ()
    lookup_name = 'regex'

    def pattern(self, value: Any) -> str | re.Pattern[str]:
        if not isinstance(value, (str, re.Pattern)):
            raise QueryError(f'{self.column.label}: regex takes a pattern string, not {value!r}')
        return value


class _Text(_Pattern):
    __slots__ = ()
    template: ClassVar[str]
    flags: ClassVar[str] = ''

    def pattern(self, value: Any) -> str:
        if not isinstance(value, str):
            raise QueryError(f'{self.column.label}: {self.lookup_name} takes a string, '
                             f'not {value!r}')
        return self.flags + self.template.format(re.escape(value))


@register_lookup
class Contains(_Text):
    """``field__contains='x'``: a regex of the escaped text."""

    __slots__ = ()
    lookup_name, template = 'contains', '{}'


@register_lookup
class StartsWith(_Text):
    """``field__startswith='x'``: ``=~ /^x/``."""

    __slots__ = ()
    lookup_name, template = 'startswith', '^{}'


@register_lookup
class EndsWith(_Text):
    """``field__endswith='x'``: ``=~ /x$/``."""

    __slots__ = ()
    lookup_name, template = 'endswith', '{}$'


@register_lookup
class IExact(_Text):
    """``field__iexact='x'``: ``=~ /(?i)^x$/``."""

    __slots__ = ()
    lookup_name, template, flags = 'iexact', '^{}$', '(?i)'


@register_lookup
class IContains(_Text):
    """``field__icontains='x'``: case-insensitive ``contains``."""

    __slots__ = ()
    lookup_name, template, flags = 'icontains', '{}', '(?i)'


@register_lookup
class IStartsWith(_Text):
    """``field__istartswith='x'``."""

    __slots__ = ()
    lookup_name, template, flags = 'istartswith', '^{}', '(?i)'


@register_lookup
class IEndsWith(_Text):
    """``field__iendswith='x'``."""

    __slots__ = ()
    lookup_name, template, flags = 'iendswith', '{}$', '(?i)'


@register_lookup
class IsNull(Lookup):
    """``tag__isnull=True``: the tag is absent (``tag = ''``); tags only."""

    __slots__ = ()
    lookup_name = 'isnull'
    kinds = frozenset({TAG})

    def _kind_problem(self, kind: str) -> str:
        if kind == TIME:
            return 'does not apply to time (every point has one)'
        return ('does not apply to fields: InfluxQL cannot test a field for null. Select the '
                'field (only(…)) and skip the points where it is None')

    def prepare(self, value: Any) -> None:
        if not isinstance(value, bool):
            raise QueryError(f'{self.column.label}: isnull takes True or False, not {value!r}')
        self.value = value

    def as_influxql(self, compiler: Compiler) -> str:
        return f"{self.column.sql} {'=' if self.value != self.negated else '!='} ''"


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
