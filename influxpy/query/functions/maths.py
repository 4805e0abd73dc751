"""Mathematical functions of a field or of an aggregate, point by point."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from ...exceptions import QueryError
from ..expressions import (
    TRANSFORMATION,
    Expression,
    F,
    Func,
    Resolved,
    SelectInfo,
    Value,
    _number,
)

if TYPE_CHECKING:
    from ...models import Options


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
