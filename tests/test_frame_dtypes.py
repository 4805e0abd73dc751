"""to_dataframe() takes its dtypes from the model, not from the values that came back:
compared with frames built by hand with pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt

from influxpy import fields, models
from influxpy.connection import Connection


class Probe(models.InfluxMeasurement):
    measurement = 'probe'
    host = fields.InfluxTag()
    rack = fields.InfluxTag(null=True)
    f = fields.FloatField(null=True)
    i = fields.IntegerField(null=True)
    b = fields.BooleanField(null=True)
    s = fields.StringField(null=True)
    v = fields.FloatField(null=True)


STR = pd.Series([], dtype=str).dtype


def _expected(times: list[int], **columns: object) -> pd.DataFrame:
    index = pd.DatetimeIndex(np.array(times, dtype='datetime64[ns]'), name='time')
    return pd.DataFrame(columns, index=index.tz_localize('UTC'))


def test_columns_without_a_value_keep_the_models_dtypes(influx_db: Connection) -> None:
    # Another client wrote only v: every other column of the answer is null.
    influx_db.write(b'probe,host=a v=1 1\nprobe,host=b v=2 2\n')
    frame = Probe.series.all().to_dataframe()
    expected = _expected(
        [1, 2], host=pd.array(['a', 'b'], dtype=STR), rack=pd.array([None, None], dtype=STR),
        f=np.array([np.nan, np.nan]), i=pd.array([None, None], dtype='Int64'),
        b=pd.array([None, None], dtype='boolean'), s=pd.array([None, None], dtype=STR),
        v=np.array([1.0, 2.0]))
    pdt.assert_frame_equal(frame, expected)


def test_an_empty_answer_is_a_frame_with_the_models_columns(influx_db: Connection) -> None:
    frame = Probe.series.filter(host='nobody').to_dataframe()
    assert list(frame.columns) == ['host', 'rack', 'f', 'i', 'b', 's', 'v']
    assert [str(d) for d in frame.dtypes] == [
        str(STR), str(STR), 'float64', 'Int64', 'boolean', str(STR), 'float64']
    assert len(frame) == 0
