"""InfluxQL's functions, one class each (the seed's import path).

>>> from influxpy.aggregates import Derivative, Mean, Percentile
>>> Model.series.annotate(rate=Derivative(Mean('bytes'), Second(1))).resolution(Minute(5))

Aggregations: Count, Distinct, Integral, Mean, Median, Mode, Spread, Stddev, Sum.
Selectors: Bottom, First, Last, Max, Min, Percentile, Sample, Top.
Transformations: Abs, Acos, Asin, Atan, Atan2, Ceil, Cos, CumulativeSum, Derivative,
Difference, Elapsed, Exp, Floor, Ln, Log, Log2, Log10, MovingAverage,
NonNegativeDerivative, NonNegativeDifference, Pow, Round, Sin, Sqrt, Tan.
Predictors: HoltWinters, HoltWintersWithFit.
"""

from .query.expressions import Func
from .query.functions import (
    Abs,
    Acos,
    Asin,
    Atan,
    Atan2,
    Bottom,
    Ceil,
    Cos,
    Count,
    CumulativeSum,
    Derivative,
    Difference,
    Distinct,
    Elapsed,
    Exp,
    First,
    Floor,
    HoltWinters,
    HoltWintersWithFit,
    Integral,
    Last,
    Ln,
    Log,
    Log2,
    Log10,
    Max,
    Mean,
    Median,
    Min,
    Mode,
    MovingAverage,
    NonNegativeDerivative,
    NonNegativeDifference,
    Percentile,
    Pow,
    Round,
    Sample,
    Sin,
    Spread,
    Sqrt,
    Stddev,
    Sum,
    Tan,
    Top,
)

__all__ = [
    'Abs', 'Acos', 'Asin', 'Atan', 'Atan2', 'Bottom', 'Ceil', 'Cos', 'Count', 'CumulativeSum',
    'Derivative', 'Difference', 'Distinct', 'Elapsed', 'Exp', 'First', 'Floor', 'Func',
    'HoltWinters', 'HoltWintersWithFit', 'Integral', 'Last', 'Ln', 'Log', 'Log2', 'Log10',
    'Max', 'Mean', 'Median', 'Min', 'Mode', 'MovingAverage', 'NonNegativeDerivative',
    'NonNegativeDifference', 'Percentile', 'Pow', 'Round', 'Sample', 'Sin', 'Spread', 'Sqrt',
    'Stddev', 'Sum', 'Tan', 'Top',
]
