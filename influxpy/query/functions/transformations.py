"""Transformations of a series: one value per point (or per bucket of an aggregate)."""

from __future__ import annotations

from typing import Any

from ...exceptions import QueryError
from ..expressions import TRANSFORMATION, F, Func, SelectInfo, _field_arg, _int_arg, _unit_arg


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
