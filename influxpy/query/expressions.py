"""What a query selects and compares: ``Q``, ``F``, ``Now()`` and InfluxQL's functions.

>>> from influxpy import Q, F, Now
>>> from influxpy.aggregates import Derivative, Mean
>>> from influxpy.resolutions import Hour, Second
>>> Q(host='a') | ~Q(region__startswith='us-')
>>> Derivative(Mean('cpu'), Second(1)), Mean('cpu') * 100, F('used') / F('total')
>>> Now() - Hour(1)

Functions check their arity and argument types when built; whether a field exists,
has a type the function takes, and whether the query around it makes sense (an
aggregate inside ``Derivative`` needs ``resolution()``…) is checked against the model
when the expression is added to a QuerySet and when the query is compiled — always
before any text is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from ..exceptions import QueryError
from ..fields import BOOLEAN, STRING, Field
from ..quoting import quote_duration, quote_ident, quote_number
from ..resolutions import Duration, duration_ns, to_duration

if TYPE_CHECKING:
    from ..models import Options

# Function kinds, as InfluxQL's documentation groups them.
AGGREGATION = 'aggregation'
SELECTOR = 'selector'
TRANSFORMATION = 'transformation'
PREDICTOR = 'predictor'


# -- what a SELECT item is made of -----------------------------------------------------


@dataclass
class SelectInfo:
    """What InfluxQL's own checks need to know about the selected expressions."""

    calls: int = 0                  # function calls (math functions do not count)
    aux: bool = False               # bare field or tag references outside a call
    only_selectors: bool = True     # no call that is not a selector
    top_bottom: str | None = None   # 'top' or 'bottom' when one is used
    top_bottom_n: int = 0
    distinct: bool = False          # distinct() not inside count()
    multi_row: bool = False         # yields several rows even without GROUP BY time
    needs_interval: list[str] = field(default_factory=list)
    refuses_interval: list[str] = field(default_factory=list)

    def merge(self, other: SelectInfo) -> None:
        self.calls += other.calls
        self.aux = self.aux or other.aux
        self.only_selectors = self.only_selectors and other.only_selectors
        self.top_bottom = self.top_bottom or other.top_bottom
        self.top_bottom_n = max(self.top_bottom_n, other.top_bottom_n)
        self.distinct = self.distinct or other.distinct
        self.multi_row = self.multi_row or other.multi_row
        self.needs_interval.extend(other.needs_interval)
        self.refuses_interval.extend(other.refuses_interval)


class Expression:
    """Something a query selects: a field reference, a function, arithmetic on them."""

    __slots__ = ()

    def _arith(self, op: str, other: Any, reverse: bool = False) -> Combined:
        operand = _operand(other, op)
        return Combined(operand, op, self) if reverse else Combined(self, op, operand)

    def __add__(self, other: Any) -> Combined:
        return self._arith('+', other)

    def __radd__(self, other: Any) -> Combined:
        return self._arith('+', other, reverse=True)

    def __sub__(self, other: Any) -> Combined:
        return self._arith('-', other)

    def __rsub__(self, other: Any) -> Combined:
        return self._arith('-', other, reverse=True)

    def __mul__(self, other: Any) -> Combined:
        return self._arith('*', other)

    def __rmul__(self, other: Any) -> Combined:
        return self._arith('*', other, reverse=True)

    def __truediv__(self, other: Any) -> Combined:
        return self._arith('/', other)

    def __rtruediv__(self, other: Any) -> Combined:
        return self._arith('/', other, reverse=True)

    def resolve(self, meta: Options, *, numeric: bool = False) -> Resolved:
        """This expression with its names checked against a model (``numeric``: the
        context does arithmetic, so the fields must hold numbers)."""
        raise NotImplementedError

    def default_alias(self) -> str:
        raise QueryError(f'{self!r} needs a name: pass it as a keyword argument')


class Resolved:
    """An expression checked against a model: its text and what it is made of."""

    __slots__ = ('sql', 'info', 'source')

    def __init__(self, sql: str, info: SelectInfo, source: Any) -> None:
        self.sql = sql
        self.info = info
        self.source = source

    def __repr__(self) -> str:
        return f'<Resolved {self.sql}>'


def _number(value: Any, what: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise QueryError(f'{what} must be a number, not {value!r}')
    quote_number(value)  # range and finiteness
    return value if isinstance(value, int) else float(value)


def _operand(value: Any, op: str) -> Expression:
    if isinstance(value, Expression):
        return value
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Value(value)
    raise QueryError(f'cannot use {value!r} ({type(value).__name__}) with {op!r} in a query '
                     'expression; use a number, F(\'field\') or a function')


def _check_numeric_field(meta: Options, f: Field, where: str) -> None:
    if f.is_tag:
        raise QueryError(f'{where}: {f.name!r} is a tag of {meta.model_name}; InfluxQL '
                         'functions and arithmetic work on fields')
    if f.kind in (STRING, BOOLEAN):
        raise QueryError(f'{where}: {meta.model_name}.{f.name} is a {f.type_name} field; '
                         'this needs a number')


class F(Expression):
    """A reference to a field (or tag) of the model, by attribute or column name.

    >>> Model.series.annotate(ratio=F('used') / F('total'))
    """

    __slots__ = ('name',)

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise QueryError(f'F() takes a field name, not {name!r}')
        self.name = name

    def __repr__(self) -> str:
        return f'F({self.name!r})'

    def __eq__(self, other: object) -> bool:
        return isinstance(other, F) and other.name == self.name

    def __hash__(self) -> int:
        return hash(('F', self.name))

    def field(self, meta: Options) -> Field:
        return meta.get_field(self.name)

    def resolve(self, meta: Options, *, numeric: bool = False) -> Resolved:
        found = meta.get_field(self.name)
        if numeric:
            _check_numeric_field(meta, found, repr(self))
        return Resolved(quote_ident(found.db_name), SelectInfo(aux=True, multi_row=True), found)

    def default_alias(self) -> str:
        return self.name


class Value(Expression):
    """A number inside an expression (``Mean('cpu') * 100``)."""

    __slots__ = ('value',)

    def __init__(self, value: int | float | Decimal) -> None:
        self.value = _number(value, 'a value in an expression')

    def __repr__(self) -> str:
        return f'Value({self.value!r})'

    def resolve(self, meta: Options, *, numeric: bool = False) -> Resolved:
        return Resolved(quote_number(self.value), SelectInfo(), self)


class Combined(Expression):
    """``lhs op rhs`` with ``op`` one of ``+ - * /``."""

    __slots__ = ('lhs', 'op', 'rhs')

    def __init__(self, lhs: Expression, op: str, rhs: Expression) -> None:
        if isinstance(lhs, Value) and isinstance(rhs, Value):
            raise QueryError('arithmetic needs at least one field or function, not two numbers')
        self.lhs, self.op, self.rhs = lhs, op, rhs

    def __repr__(self) -> str:
        return f'({self.lhs!r} {self.op} {self.rhs!r})'

    def resolve(self, meta: Options, *, numeric: bool = False) -> Resolved:
        left = self.lhs.resolve(meta, numeric=True)
        right = self.rhs.resolve(meta, numeric=True)
        info = SelectInfo()
        info.merge(left.info)
        info.merge(right.info)
        lhs = f'({left.sql})' if isinstance(self.lhs, Combined) else left.sql
        rhs = f'({right.sql})' if isinstance(self.rhs, Combined) else right.sql
        return Resolved(f'{lhs} {self.op} {rhs}', info, self)


# -- Now() ---------------------------------------------------------------------------


class Now:
    """The server's ``now()``, optionally shifted: ``time__gte=Now() - Hour(1)``.

    >>> str(Now() - Hour(1))
    'now() - 1h'
    """

    __slots__ = ('offset_ns',)

    def __init__(self, offset_ns: int = 0) -> None:
        self.offset_ns = offset_ns

    def __add__(self, other: Any) -> Now:
        return Now(self.offset_ns + duration_ns(other, what='Now() +', allow_negative=True))

    def __sub__(self, other: Any) -> Now:
        return Now(self.offset_ns - duration_ns(other, what='Now() -', allow_negative=True))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Now) and other.offset_ns == self.offset_ns

    def __hash__(self) -> int:
        return hash(('now', self.offset_ns))

    def __str__(self) -> str:
        if not self.offset_ns:
            return 'now()'
        if self.offset_ns < 0:
            return f'now() - {quote_duration(-self.offset_ns)}'
        return f'now() + {quote_duration(self.offset_ns)}'

    def __repr__(self) -> str:
        return f'<Now {self}>'


# -- functions -------------------------------------------------------------------------


def _field_arg(func: str, value: Any) -> F:
    if isinstance(value, str):
        return F(value)
    if isinstance(value, F):
        return value
    raise QueryError(f'{func}() takes a field name or F(\'field\') as its first argument, '
                     f'not {value!r}')


def _int_arg(func: str, what: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise QueryError(f'{func}(): {what} must be an integer, not {value!r}')
    if value < minimum:
        raise QueryError(f'{func}(): {what} must be at least {minimum}, not {value}')
    quote_number(value)
    return int(value)


def _unit_arg(func: str, value: Any) -> Duration | None:
    if value is None:
        return None
    try:
        return to_duration(value)
    except QueryError as exc:
        raise QueryError(f'{func}(): the unit: {exc}') from None


class Func(Expression):
    """An InfluxQL function call; subclasses know their name, arity and argument types."""

    __slots__ = ('args',)
    function: ClassVar[str]
    kind: ClassVar[str]
    numeric: ClassVar[bool] = True    # the field argument must hold numbers
    multi_row: ClassVar[bool] = False
    nestable: ClassVar[bool] = False  # may be the argument of a transformation

    args: tuple[Any, ...]

    def __repr__(self) -> str:
        return f'{type(self).__name__}({", ".join(map(repr, self.args))})'

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Func) and type(other) is type(self) and other.args == self.args

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.args))

    def default_alias(self) -> str:
        first = self.args[0] if self.args else None
        if isinstance(first, F):
            return f'{first.name}__{self.function}'
        return super().default_alias()

    def _info(self) -> SelectInfo:
        return SelectInfo(calls=1, only_selectors=self.kind == SELECTOR,
                          multi_row=self.multi_row)

    def _render_arg(self, meta: Options, arg: Any, info: SelectInfo) -> str:
        if isinstance(arg, Expression):
            resolved = arg.resolve(meta, numeric=self.numeric)
            info.merge(resolved.info)
            return resolved.sql
        if isinstance(arg, Duration):
            return str(arg)
        return quote_number(arg)

    def _field_sql(self, meta: Options, ref: F) -> str:
        found = ref.field(meta)
        if found.is_tag:
            raise QueryError(f'{self!r}: {ref.name!r} is a tag of {meta.model_name}; '
                             f'{self.function}() takes a field')
        if self.numeric:
            _check_numeric_field(meta, found, repr(self))
        return quote_ident(found.db_name)

    def resolve(self, meta: Options, *, numeric: bool = False) -> Resolved:
        info = self._info()
        parts = []
        for arg in self.args:
            if isinstance(arg, F):
                parts.append(self._field_sql(meta, arg))
            else:
                parts.append(self._render_arg(meta, arg, info))
        return Resolved(f'{self.function}({", ".join(parts)})', info, self)


class _OneField(Func):
    """``function(field)``."""

    __slots__ = ()

    def __init__(self, field: str | F) -> None:
        self.args = (_field_arg(type(self).__name__, field),)
