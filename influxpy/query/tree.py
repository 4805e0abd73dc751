"""The query tree a QuerySet builds: plain data, checked piece by piece as it grows.

The QuerySet clones it (``clone()``) before every change, so a tree that a QuerySet
holds is never changed again; :mod:`influxpy.query.compiler` turns it into text.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..exceptions import QueryError
from ..quoting import quote_number

if TYPE_CHECKING:
    from ..models import InfluxMeasurement, Options
    from .expressions import Resolved
    from .where import Condition


FILL_KEYWORDS = ('null', 'none', 'previous', 'linear')


class Query:
    """What to select, from where, grouped and limited how.

    ``str(query)`` is the complete InfluxQL with every value inlined (paste-able into
    the ``influx`` shell); :meth:`compile` gives the text that runs, with bind
    parameters, and the parameters.
    """

    __slots__ = ('model', 'meta', 'where', 'annotations', 'only', 'interval', 'interval_offset',
                 'group_tags', 'fill', 'descending', 'ordered', 'low', 'high', 'slimit',
                 'soffset', 'tz', 'raw_only', 'projection', '_compiled')

    def __init__(self, model: type[InfluxMeasurement]) -> None:
        self.model = model
        self.meta: Options = model._meta
        self.where: tuple[Condition, ...] = ()          # ANDed
        self.annotations: dict[str, Resolved] = {}       # alias -> expression
        self.only: tuple[str, ...] | None = None         # attribute names
        self.interval: int | None = None                 # GROUP BY time(interval, offset)
        self.interval_offset = 0
        self.group_tags: tuple[str, ...] = ()            # attribute names, or ('*',)
        self.fill: str | None = None                     # the fill() argument's text
        self.descending = False
        self.ordered = False                             # order_by() was called
        self.low = 0                                     # OFFSET
        self.high: int | None = None                     # LIMIT = high - low
        self.slimit: int | None = None
        self.soffset = 0
        self.tz: str | None = None
        self.raw_only = False                            # never read a downsampled tier
        self.projection = False                          # ``only`` defers, keeps every row
        self._compiled: tuple[str, dict[str, Any]] | None = None

    def clone(self) -> Query:
        # Attribute by attribute: a loop over __slots__ costs more than all the rest of
        # a typical chain's building.
        clone = object.__new__(Query)
        clone.model = self.model
        clone.meta = self.meta
        clone.where = self.where
        clone.annotations = dict(self.annotations)
        clone.only = self.only
        clone.interval = self.interval
        clone.interval_offset = self.interval_offset
        clone.group_tags = self.group_tags
        clone.fill = self.fill
        clone.descending = self.descending
        clone.ordered = self.ordered
        clone.low = self.low
        clone.high = self.high
        clone.slimit = self.slimit
        clone.soffset = self.soffset
        clone.tz = self.tz
        clone.raw_only = self.raw_only
        clone.projection = self.projection
        clone._compiled = None
        return clone

    # -- shape ----------------------------------------------------------------------

    @property
    def is_series(self) -> bool:
        """Answers one InfluxResult per series (annotate, resolution or group_by)."""
        return bool(self.annotations or self.interval or self.group_tags)

    @property
    def is_sliced(self) -> bool:
        return self.low != 0 or self.high is not None

    @property
    def is_empty(self) -> bool:
        """An empty slice (``qs[5:5]``): matches nothing, runs nothing."""
        return self.high is not None and self.high <= self.low

    @property
    def limit(self) -> int | None:
        return None if self.high is None else self.high - self.low

    def set_fill(self, value: str | int | float | Decimal | None) -> None:
        """``fill()``: a keyword, a number, or None for ``null``."""
        if value is None:
            self.fill = 'null'
        elif isinstance(value, str) and value in FILL_KEYWORDS:
            self.fill = value
        elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            self.fill = quote_number(value)
        else:
            raise QueryError(f'fill({value!r}): use one of {", ".join(FILL_KEYWORDS)} or a '
                             'number')

    def set_limits(self, low: int | None = None, high: int | None = None) -> None:
        """Narrow the slice the way Python slices a slice (Django's ``set_limits``)."""
        if high is not None:
            self.high = min(self.high, self.low + high) if self.high is not None \
                else self.low + high
        if low is not None:
            self.low = min(self.high, self.low + low) if self.high is not None \
                else self.low + low

    # -- text -----------------------------------------------------------------------

    def compile(self) -> tuple[str, dict[str, Any]]:
        """``(influxql, params)``: the text that runs, values as bind parameters."""
        if self._compiled is None:
            from .compiler import compile_select
            self._compiled = compile_select(self)
        return self._compiled

    def __str__(self) -> str:
        from .compiler import compile_select
        return compile_select(self, inline=True)[0]

    def __repr__(self) -> str:
        return f'<Query on {self.meta.model_name}>'
