"""to_dataframe() takes its dtypes from the model, not from the values that came back:
compared with frames built by hand with pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt

from influxpy import fields, models
from influxpy.connection import Connection

from ..readback import rows, stored


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


def test_only_keeps_every_point_values_follows_influxdbs_rule(influx_db: Connection) -> None:
    # 400 points, of which every other one lacks f: raw InfluxQL counts them.
    lines = ''.join(f'probe,host=h{i % 3} v={i}{",f=0.5" if i % 2 else ""} {i}\n'
                    for i in range(400))
    influx_db.write(lines.encode())
    everything = stored(influx_db, 'probe')
    assert len(everything) == 400
    assert len(rows(influx_db, 'SELECT f FROM probe')) == 200
    objs = list(Probe.series.only('f'))
    assert len(objs) == 400
    assert [o.time_ns for o in objs] == [row['time'] for row in everything]
    assert all(o.v is None for o in objs)  # not selected: None, though the server has it
    assert [o.f for o in objs] == [0.5 if i % 2 else None for i in range(400)]
    assert len(Probe.series.only('f').to_dataframe()) == 400
    assert list(Probe.series.only('f').to_dataframe().columns) == ['host', 'rack', 'f']
    assert len(list(Probe.series.values('f'))) == 200
    assert len(list(Probe.series.values_list('f', flat=True))) == 200
