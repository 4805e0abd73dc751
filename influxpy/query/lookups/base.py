"""What every lookup shares: the column it compares, its value checks, the registry."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from ...exceptions import QueryError
from ...fields import ANY, BOOLEAN, NUMERIC_KINDS, STRING, TAG, Field
from ...quoting import quote_ident, quote_number, quote_time
from ..expressions import Expression, Now
from ..where import TIME, Condition

if TYPE_CHECKING:
    from ...models import Options
    from ..compiler import Compiler

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
