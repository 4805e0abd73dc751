"""InfluxQL's functions, one class each, in the groups of InfluxQL's documentation.

The public import path is :mod:`influxpy.aggregates`."""

from ..expressions import Func
from .aggregations import Count, Distinct, Integral, Mean, Median, Mode, Spread, Stddev, Sum
from .maths import (
    Abs,
    Acos,
    Asin,
    Atan,
    Atan2,
    Ceil,
    Cos,
    Exp,
    Floor,
    Ln,
    Log,
    Log2,
    Log10,
    Pow,
    Round,
    Sin,
    Sqrt,
    Tan,
)
from .predictors import HoltWinters, HoltWintersWithFit
from .selectors import Bottom, First, Last, Max, Min, Percentile, Sample, Top
from .transformations import (
    CumulativeSum,
    Derivative,
    Difference,
    Elapsed,
    MovingAverage,
    NonNegativeDerivative,
    NonNegativeDifference,
)

FUNCTIONS: tuple[type[Func], ...] = (
    Count, Distinct, Integral, Mean, Median, Mode, Spread, Stddev, Sum,
    Bottom, First, Last, Max, Min, Percentile, Sample, Top,
    Abs, Acos, Asin, Atan, Atan2, Ceil, Cos, CumulativeSum, Derivative, Difference, Elapsed,
    Exp, Floor, Ln, Log, Log2, Log10, MovingAverage, NonNegativeDerivative,
    NonNegativeDifference, Pow, Round, Sin, Sqrt, Tan,
    HoltWinters, HoltWintersWithFit,
)

__all__ = ['Abs', 'Acos', 'Asin', 'Atan', 'Atan2', 'Bottom', 'Ceil', 'Cos', 'Count',
           'CumulativeSum', 'Derivative', 'Difference', 'Distinct', 'Elapsed', 'Exp', 'First',
           'Floor', 'HoltWinters', 'HoltWintersWithFit', 'Integral', 'Last', 'Ln', 'Log', 'Log10',
           'Log2', 'Max', 'Mean', 'Median', 'Min', 'Mode', 'MovingAverage',
           'NonNegativeDerivative', 'NonNegativeDifference', 'Percentile', 'Pow', 'Round',
           'Sample', 'Sin', 'Spread', 'Sqrt', 'Stddev', 'Sum', 'Tan', 'Top', 'FUNCTIONS']
