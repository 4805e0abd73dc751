"""The rows of an answer as one pandas DataFrame, built column by column."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import tzinfo
from sys import intern
from typing import TYPE_CHECKING, Any

from .. import fields as f
from ..exceptions import PandasMissingError
from .answer import TIME_COLUMN, SeriesDict
from .rows import CALL, EMPTY_IS_NONE, attr_name, conversion, series_tags

if TYPE_CHECKING:
    import pandas

    from ..models import InfluxMeasurement


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise PandasMissingError(
            "to_dataframe() needs pandas: pip install 'influxpy[pandas]'") from None
    return pandas


class _Column:
    """One DataFrame column, built piece by piece (a piece per series chunk) as numpy
    arrays: the cyclic GC walks every element of a big list at each full collection,
    which made accumulating Python lists three times slower; it does not walk arrays."""

    __slots__ = ('field', 'float_field', 'pieces')

    def __init__(self, field: f.Field | None, nulls: int) -> None:
        self.field = field
        self.float_field = field is not None and field.kind == f.FLOAT
        # (kind, data, mask): kind 'f' float64 (null: NaN), 'i' int64, 'b' bool (null:
        # True in mask), 'O' object, 'null' (data: the count).
        self.pieces: list[tuple[str, Any, Any]] = []
        if nulls:
            self.pieces.append(('null', nulls, None))

    def add_nulls(self, count: int) -> None:
        self.pieces.append(('null', count, None))

    def add(self, np: Any, values: Sequence[Any]) -> None:
        kinds = set(map(type, values))
        has_null = _NONE in kinds
        kinds.discard(_NONE)
        if not kinds:
            self.add_nulls(len(values))
        elif kinds == _FLOAT_KINDS or (self.float_field and kinds <= _NUMBER_KINDS):
            self.pieces.append(('f', np.array(values, dtype='float64'), None))  # None: NaN
        elif kinds == _INT_KINDS or kinds == _BOOL_KINDS:
            kind, dtype = ('i', 'int64') if kinds == _INT_KINDS else ('b', 'bool')
            if has_null:
                mask = np.array([v is None for v in values], dtype=bool)
                data = np.array([v or 0 for v in values], dtype=dtype)
                self.pieces.append((kind, data, mask))
            else:
                self.pieces.append((kind, np.array(values, dtype=dtype), None))
        else:
            data = np.empty(len(values), dtype=object)
            data[:] = values
            self.pieces.append(('O', data, None))

    def build(self, pd: Any, np: Any) -> Any:
        kinds = {kind for kind, _, _ in self.pieces} - {'null'}
        if not kinds:
            return self._all_null(pd, np)
        if len(kinds) == 1 and kinds <= {'f', 'i', 'b'}:
            kind = kinds.pop()
            dtype = {'f': 'float64', 'i': 'int64', 'b': 'bool'}[kind]
            blank = np.nan if kind == 'f' else 0
            data = np.concatenate([
                piece if kind_ != 'null' else np.full(piece, blank, dtype=dtype)
                for kind_, piece, _ in self.pieces])
            if kind == 'f':
                return data
            if all(kind_ != 'null' and mask is None for kind_, _, mask in self.pieces):
                return data
            mask = np.concatenate([
                np.ones(piece, dtype=bool) if kind_ == 'null'
                else mask_ if mask_ is not None else np.zeros(len(piece), dtype=bool)
                for kind_, piece, mask_ in self.pieces])
            array_type = pd.arrays.IntegerArray if kind == 'i' else pd.arrays.BooleanArray
            return array_type(data, mask)
        # Mixed kinds or objects (strings, tags): Python objects, None for null.
        parts = []
        for kind_, piece, mask_ in self.pieces:
            if kind_ == 'null':
                parts.append(np.full(piece, None, dtype=object))
                continue
            part = piece if kind_ == 'O' else piece.astype(object)
            if kind_ == 'f':
                part[np.isnan(piece)] = None  # InfluxDB stores no NaN: it was a null
            elif mask_ is not None:
                part[mask_] = None
            parts.append(part)
        return np.concatenate(parts) if parts else np.empty(0, dtype=object)

    def _all_null(self, pd: Any, np: Any) -> Any:
        """A column with no value in the answer: its dtype comes from the model's field,
        as if it had values (float64, Int64, boolean, the default string dtype)."""
        count = sum(piece for _, piece, _ in self.pieces)
        field = self.field
        kind = field.kind if field is not None else None
        if kind in (f.FLOAT, f.ANY):
            return np.full(count, np.nan, dtype='float64')
        if kind == f.INTEGER:
            return pd.array(np.full(count, None, dtype=object), dtype='Int64')
        if kind == f.BOOLEAN:
            return pd.array(np.full(count, None, dtype=object), dtype='boolean')
        nulls = np.full(count, None, dtype=object)
        if kind in (f.STRING, f.TAG):
            return pd.array(nulls, dtype=pd.Series([], dtype=str).dtype)
        return nulls


_NONE = type(None)
_FLOAT_KINDS = {float}
_INT_KINDS = {int}
_BOOL_KINDS = {bool}
_NUMBER_KINDS = {float, int}


def to_dataframe(model: type[InfluxMeasurement], series: Iterable[SeriesDict],
                 tz: tzinfo | None = None,
                 names: Sequence[str] | None = None) -> pandas.DataFrame:
    """All points as one DataFrame: a tz-aware ``DatetimeIndex`` named ``time`` (UTC or
    ``tz``), a column per selected name and per GROUP BY tag (attribute names).

    Floats are ``float64`` (null: NaN), integers ``int64`` (``Int64`` with nulls),
    booleans ``bool`` (``boolean`` with nulls); strings and tags are objects (None for
    null) which pandas stores with its default string dtype. Rows keep the server's
    order: series after series. ``names`` (attribute names of the model) are the columns,
    whatever the answer holds: one without a value, or an empty answer, still gives
    them, typed from the model.
    """
    pd = _pandas()
    import numpy as np

    columns: dict[str, _Column] = {}
    times: list[Any] = []
    total = 0
    for s in series:
        values = s['values']
        count = len(values)
        if not count:
            continue
        seen = set()
        # Column by column: zip(*values) would make an iterator per row, enough new
        # objects for the cyclic GC to run full collections again and again.
        columns_data = [[row[i] for row in values] for i in range(len(s['columns']))]
        for column, data in zip(s['columns'], columns_data):
            if column == TIME_COLUMN and TIME_COLUMN not in seen:
                times.append(np.array(data, dtype='int64'))
                seen.add(TIME_COLUMN)
                continue
            name, field = attr_name(model, column)
            if name in seen:
                continue
            kind = conversion(field)
            if kind == EMPTY_IS_NONE:
                # The decoder makes a new string per row; a frame keeps them all.
                data = [intern(v) if v else None for v in data]
            elif kind == CALL:
                data = list(map(field.from_db, data))  # type: ignore[union-attr]
            builder = columns.get(name)
            if builder is None:
                builder = columns[name] = _Column(field, total)
            builder.add(np, data)
            seen.add(name)
        for name, value in series_tags(model, s.get('tags'))[1].items():
            if name in seen:
                continue
            builder = columns.get(name)
            if builder is None:
                builder = columns[name] = _Column(model._meta.all_fields.get(name), total)
            if value is None:
                builder.add_nulls(count)
            else:
                builder.pieces.append(('O', np.full(count, value, dtype=object), None))
            seen.add(name)
        for name, builder in columns.items():
            if name not in seen:
                builder.add_nulls(count)
        total += count
    for name in names or ():
        if name not in columns:
            columns[name] = _Column(model._meta.all_fields.get(name), total)
    if names:  # exactly these: only() selects more than it keeps
        columns = {name: columns[name] for name in names}
    stamps = np.concatenate(times) if times else np.empty(0, dtype='int64')
    index = pd.DatetimeIndex(stamps.view('datetime64[ns]'), name=TIME_COLUMN).tz_localize('UTC')
    if tz is not None:
        index = index.tz_convert(tz)
    frame = {name: builder.build(pd, np) for name, builder in columns.items()}
    return pd.DataFrame(frame, index=index, copy=False)
