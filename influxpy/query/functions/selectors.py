"""Selectors: points picked from many, with their times."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...exceptions import QueryError
from ...quoting import quote_ident
from ..expressions import (
    SELECTOR,
    F,
    Func,
    Resolved,
    SelectInfo,
    _field_arg,
    _int_arg,
    _number,
    _OneField,
)

if TYPE_CHECKING:
    from ...models import Options


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
