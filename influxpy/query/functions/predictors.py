"""Predictors: values forecast from an aggregate (Holt-Winters)."""

from __future__ import annotations

from ...exceptions import QueryError
from ..expressions import PREDICTOR, Func, SelectInfo, _int_arg


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
