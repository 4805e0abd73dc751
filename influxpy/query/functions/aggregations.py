"""Aggregations: one value from many points."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..expressions import (
    AGGREGATION,
    F,
    Func,
    Resolved,
    SelectInfo,
    _field_arg,
    _OneField,
    _unit_arg,
)

if TYPE_CHECKING:
    from ...models import Options


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
