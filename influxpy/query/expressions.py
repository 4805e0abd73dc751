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

AND = 'AND'
OR = 'OR'

# Function kinds, as InfluxQL's documentation groups them.
AGGREGATION = 'aggregation'
SELECTOR = 'selector'
TRANSFORMATION = 'transformation'
PREDICTOR = 'predictor'


# -- Q ------------------------------------------------------------------------------


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


# Aggregations


class Count(Func):
    """``count(field)`` or ``count(distinct(field))``: ``Count('host_id')``."""

    __slots__ = ()
    function, kind, numeric = 'count', AGGREGATION, False
    nestable = True

    def __init__(self, field: str | F | Distinct) -> None:
        self.args = (field if isinstance(field, Distinct) else _field_arg('Count', field),)

    def resolve(self, meta: Options, *, numeric: bool = False) -> Resolved:
        arg = self.args[0]
        if isinstance(arg, Distinct):
            inner = arg.resolve(meta)
            return Resolved(f'count({inner.sql})',
                            SelectInfo(calls=1, only_selectors=False), self)
        return super().resolve(meta)


class Distinct(_OneField):
    """``distinct(field)``: the unique values (one row each); ``Count(Distinct('x'))``."""

    __slots__ = ()
    function, kind, numeric, multi_row = 'distinct', AGGREGATION, False, True

    def _info(self) -> SelectInfo:
        return SelectInfo(calls=1, only_selectors=False, multi_row=True, distinct=True)


class Integral(Func):
    """``integral(field[, unit])``: the area under the curve, per ``unit`` (default 1s)."""

    __slots__ = ()
    function, kind = 'integral', AGGREGATION

    def __init__(self, field: str | F, unit: Any = None) -> None:
        duration = _unit_arg('Integral', unit)
        self.args = (_field_arg('Integral', field),) + ((duration,) if duration else ())


class Mean(_OneField):
    """``mean(field)``: ``Model.series.annotate(cpu=Mean('cpu')).resolution(Minute(5))``."""

    __slots__ = ()
    function, kind, nestable = 'mean', AGGREGATION, True


class Median(_OneField):
    """``median(field)``."""

    __slots__ = ()
    function, kind, nestable = 'median', AGGREGATION, True


class Mode(_OneField):
    """``mode(field)``: the most frequent value (any type)."""

    __slots__ = ()
    function, kind, numeric, nestable = 'mode', AGGREGATION, False, True


class Spread(_OneField):
    """``spread(field)``: maximum minus minimum."""

    __slots__ = ()
    function, kind, nestable = 'spread', AGGREGATION, True


class Stddev(_OneField):
    """``stddev(field)``."""

    __slots__ = ()
    function, kind, nestable = 'stddev', AGGREGATION, True


class Sum(_OneField):
    """``sum(field)``."""

    __slots__ = ()
    function, kind, nestable = 'sum', AGGREGATION, True


# Selectors


class _TopBottom(Func):
    __slots__ = ()
    kind, multi_row = SELECTOR, True

    def __init__(self, field: str | F, *tags_and_n: Any) -> None:
        name = type(self).__name__
        if not tags_and_n:
            raise QueryError(f'{name}() needs the number of points last: '
                             f'{name}({field!r}, 3) or {name}({field!r}, \'host\', 3)')
        *tags, n = tags_and_n
        refs = []
        for tag in tags:
            if not isinstance(tag, (str, F)):
                raise QueryError(f'{name}(): between the field and the number come tag or '
                                 f'field names, not {tag!r}')
            refs.append(F(tag) if isinstance(tag, str) else tag)
        self.args = (_field_arg(name, field), *refs, _int_arg(name, 'the number of points', n, 1))

    def resolve(self, meta: Options, *, numeric: bool = False) -> Resolved:
        field_sql = self._field_sql(meta, self.args[0])
        names = [quote_ident(ref.field(meta).db_name) for ref in self.args[1:-1]]
        n = self.args[-1]
        info = SelectInfo(calls=1, top_bottom=self.function, top_bottom_n=n, multi_row=True)
        return Resolved(f'{self.function}({", ".join([field_sql, *names, str(n)])})', info, self)


class Bottom(_TopBottom):
    """``bottom(field[, tag…], n)``: the ``n`` smallest values: ``Bottom('cpu', 'host', 3)``."""

    __slots__ = ()
    function = 'bottom'


class Top(_TopBottom):
    """``top(field[, tag…], n)``: the ``n`` largest values: ``Top('cpu', 3)``."""

    __slots__ = ()
    function = 'top'


class First(_OneField):
    """``first(field)``: the oldest value (any type)."""

    __slots__ = ()
    function, kind, numeric, nestable = 'first', SELECTOR, False, True


class Last(_OneField):
    """``last(field)``: the newest value (any type)."""

    __slots__ = ()
    function, kind, numeric, nestable = 'last', SELECTOR, False, True


class Max(_OneField):
    """``max(field)``."""

    __slots__ = ()
    function, kind, nestable = 'max', SELECTOR, True


class Min(_OneField):
    """``min(field)``."""

    __slots__ = ()
    function, kind, nestable = 'min', SELECTOR, True


class Percentile(Func):
    """``percentile(field, p)`` with ``0 < p <= 100``: ``Percentile('latency', 95)``."""

    __slots__ = ()
    function, kind, nestable = 'percentile', SELECTOR, True

    def __init__(self, field: str | F, percent: int | float) -> None:
        p = _number(percent, 'Percentile(): the percentile')
        if not 0 < p <= 100:
            raise QueryError(f'Percentile(): the percentile must be above 0 and at most 100, '
                             f'not {percent!r}')
        self.args = (_field_arg('Percentile', field), p)


class Sample(Func):
    """``sample(field, n)``: ``n`` random points."""

    __slots__ = ()
    function, kind, numeric, multi_row = 'sample', SELECTOR, False, True

    def __init__(self, field: str | F, n: int) -> None:
        self.args = (_field_arg('Sample', field), _int_arg('Sample', 'the number of points', n, 1))


# Transformations


class _Transformation(Func):
    """A function of a field's points, or — with ``resolution()`` — of an aggregate's."""

    __slots__ = ()
    kind, multi_row = TRANSFORMATION, True

    @classmethod
    def _source(cls, value: Any) -> F | Func:
        name = cls.__name__
        if isinstance(value, Func):
            if not value.nestable:
                raise QueryError(f'{name}() takes a field or an aggregation or selector '
                                 f'such as Mean(…) or Max(…), not {value!r}')
            return value
        return _field_arg(name, value)

    def _info(self) -> SelectInfo:
        info = SelectInfo(calls=1, only_selectors=False, multi_row=True)
        if isinstance(self.args[0], Func):
            info.needs_interval.append(type(self).__name__)
        else:
            info.refuses_interval.append(type(self).__name__)
        return info


class _TransformationWithUnit(_Transformation):
    __slots__ = ()

    def __init__(self, source: str | F | Func, unit: Any = None) -> None:
        duration = _unit_arg(type(self).__name__, unit)
        self.args = (self._source(source),) + ((duration,) if duration else ())


class _TransformationOfOne(_Transformation):
    __slots__ = ()

    def __init__(self, source: str | F | Func) -> None:
        self.args = (self._source(source),)


class CumulativeSum(_TransformationOfOne):
    """``cumulative_sum(x)``."""

    __slots__ = ()
    function = 'cumulative_sum'


class Derivative(_TransformationWithUnit):
    """``derivative(x[, unit])``: ``Derivative(Mean('bytes'), Second(1))``."""

    __slots__ = ()
    function = 'derivative'


class Difference(_TransformationOfOne):
    """``difference(x)``."""

    __slots__ = ()
    function = 'difference'


class Elapsed(_TransformationWithUnit):
    """``elapsed(x[, unit])``: the time between consecutive points, in ``unit``."""

    __slots__ = ()
    function, numeric = 'elapsed', False


class MovingAverage(_Transformation):
    """``moving_average(x, n)`` with ``n >= 2``."""

    __slots__ = ()
    function = 'moving_average'

    def __init__(self, source: str | F | Func, n: int) -> None:
        self.args = (self._source(source), _int_arg('MovingAverage', 'the window', n, 2))


class NonNegativeDerivative(_TransformationWithUnit):
    """``non_negative_derivative(x[, unit])``: for counters that only grow."""

    __slots__ = ()
    function = 'non_negative_derivative'


class NonNegativeDifference(_TransformationOfOne):
    """``non_negative_difference(x)``."""

    __slots__ = ()
    function = 'non_negative_difference'


class _Math(Func):
    """A math function: of a field, an expression or an aggregate, row by row."""

    __slots__ = ()
    kind = TRANSFORMATION

    @classmethod
    def _source(cls, value: Any) -> Expression:
        if isinstance(value, str):
            return F(value)
        if isinstance(value, Expression) and not isinstance(value, Value):
            return value
        raise QueryError(f'{cls.__name__}() takes a field name, F(…), a function or an '
                         f'expression as its first argument, not {value!r}')

    def __init__(self, source: str | Expression) -> None:
        self.args = (self._source(source),)

    def _info(self) -> SelectInfo:
        return SelectInfo()  # InfluxQL does not count math functions as calls

    def resolve(self, meta: Options, *, numeric: bool = False) -> Resolved:
        info = SelectInfo()
        parts = [self._render_arg(meta, arg, info) for arg in self.args]
        return Resolved(f'{self.function}({", ".join(parts)})', info, self)


class _MathWithNumber(_Math):
    __slots__ = ()
    what: ClassVar[str]

    def __init__(self, source: str | Expression, number: int | float) -> None:
        self.args = (self._source(source),
                     _number(number, f'{type(self).__name__}(): {self.what}'))


class Abs(_Math):
    """``abs(x)``: the absolute value: ``Abs(F('a') - F('b'))``."""

    __slots__ = ()
    function = 'abs'


class Acos(_Math):
    """``acos(x)``: the arccosine, in radians."""

    __slots__ = ()
    function = 'acos'


class Asin(_Math):
    """``asin(x)``: the arcsine, in radians."""

    __slots__ = ()
    function = 'asin'


class Atan(_Math):
    """``atan(x)``: the arctangent, in radians."""

    __slots__ = ()
    function = 'atan'


class Ceil(_Math):
    """``ceil(x)``: rounded up."""

    __slots__ = ()
    function = 'ceil'


class Cos(_Math):
    """``cos(x)``: the cosine."""

    __slots__ = ()
    function = 'cos'


class Exp(_Math):
    """``exp(x)``: e to the power x."""

    __slots__ = ()
    function = 'exp'


class Floor(_Math):
    """``floor(x)``: rounded down."""

    __slots__ = ()
    function = 'floor'


class Ln(_Math):
    """``ln(x)``: the natural logarithm."""

    __slots__ = ()
    function = 'ln'


class Log2(_Math):
    """``log2(x)``: the base-2 logarithm."""

    __slots__ = ()
    function = 'log2'


class Log10(_Math):
    """``log10(x)``: the base-10 logarithm."""

    __slots__ = ()
    function = 'log10'


class Round(_Math):
    """``round(x)``: rounded to the nearest integer."""

    __slots__ = ()
    function = 'round'


class Sin(_Math):
    """``sin(x)``: the sine."""

    __slots__ = ()
    function = 'sin'


class Sqrt(_Math):
    """``sqrt(x)``: the square root."""

    __slots__ = ()
    function = 'sqrt'


class Tan(_Math):
    """``tan(x)``: the tangent."""

    __slots__ = ()
    function = 'tan'


class Atan2(_Math):
    """``atan2(y, x)``: ``Atan2('y', 'x')`` or ``Atan2('y', 1.5)``."""

    __slots__ = ()
    function = 'atan2'

    def __init__(self, y: str | Expression, x: str | Expression | int | float) -> None:
        other: Any = x
        if isinstance(x, (int, float, Decimal)) and not isinstance(x, bool):
            other = _number(x, 'Atan2(): x')
        else:
            other = self._source(x)
        self.args = (self._source(y), other)


class Log(_MathWithNumber):
    """``log(x, base)``: ``Log('bytes', 2)``."""

    __slots__ = ()
    function, what = 'log', 'the base'


class Pow(_MathWithNumber):
    """``pow(x, exponent)``: ``Pow('side', 2)``."""

    __slots__ = ()
    function, what = 'pow', 'the exponent'


# Predictors


class _HoltWinters(Func):
    __slots__ = ()
    kind, multi_row = PREDICTOR, True

    def __init__(self, source: Func, n: int, seasonal: int = 0) -> None:
        name = type(self).__name__
        if not isinstance(source, Func) or not source.nestable:
            raise QueryError(f'{name}() predicts an aggregate: {name}(Mean(\'x\'), 10, 0) '
                             f'(with resolution()), not {source!r}')
        self.args = (source, _int_arg(name, 'the number of points to predict', n, 1),
                     _int_arg(name, 'the season length', seasonal, 0))

    def _info(self) -> SelectInfo:
        return SelectInfo(calls=1, only_selectors=False, multi_row=True,
                          needs_interval=[type(self).__name__])


class HoltWinters(_HoltWinters):
    """``holt_winters(aggregate, n, season)``: ``n`` predicted values."""

    __slots__ = ()
    function = 'holt_winters'


class HoltWintersWithFit(_HoltWinters):
    """``holt_winters_with_fit(aggregate, n, season)``: the fitted and predicted values."""

    __slots__ = ()
    function = 'holt_winters_with_fit'


FUNCTIONS: tuple[type[Func], ...] = (
    Count, Distinct, Integral, Mean, Median, Mode, Spread, Stddev, Sum,
    Bottom, First, Last, Max, Min, Percentile, Sample, Top,
    Abs, Acos, Asin, Atan, Atan2, Ceil, Cos, CumulativeSum, Derivative, Difference, Elapsed,
    Exp, Floor, Ln, Log, Log2, Log10, MovingAverage, NonNegativeDerivative,
    NonNegativeDifference, Pow, Round, Sin, Sqrt, Tan,
    HoltWinters, HoltWintersWithFit,
)
