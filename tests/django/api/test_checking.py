"""Checking a write's points (api/checking.py) through an influxpy model and through the
storage's reading checks; what passes is written and read back outside influxpy's read
path (raw InfluxQL, Django ORM queries), compared with values worked out by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from influxpy import fields, models
from influxpy.contrib.django.api.bodies import parse_body
from influxpy.contrib.django.api.checking import device_readings, model_instances
from influxpy.contrib.django.api.types import APIError, PointIn
from influxpy.contrib.django.handlers import connections
from influxpy.contrib.django.storage import DeviceReading, ReadingStorage
from influxpy.contrib.django.storage.reading_model import resolve_model

from ...readback import rows
from ..testapp.models import Weather

T0 = 1_704_067_200 * 10**9          # 2024-01-01T00:00:00Z
WEATHER = resolve_model('testapp.Weather')
HOSTILE = ['a b', 'a,b', 'a=b', 'say "hi"', 'back\\slash', 'é€😀', "it's", '#x', ' lead']


class Probe(models.InfluxMeasurement):
    measurement = 'api_probe'
    host = fields.InfluxTag()
    region = fields.InfluxTag(null=True)
    ratio = fields.FloatField(null=True)
    count = fields.IntegerField(null=True)
    ok = fields.BooleanField(null=True)
    note = fields.StringField(null=True)
    raw = fields.InfluxField(null=True)


PROBE_TAGS = list(Probe._meta.tags)
PROBE_FIELDS = {name: field.kind for name, field in Probe._meta.fields.items()}
WEATHER_FIELDS = {name: column.kind for name, column in WEATHER.columns.items()}


def body(text: str, content_type: str = 'application/json', *, measurement: str = 'api_probe',
         tags: list[str] = PROBE_TAGS, kinds: dict[str, str] = PROBE_FIELDS) -> list[PointIn]:
    return parse_body(text.encode(), content_type=content_type, content_encoding=None,
                      measurement=measurement, tags=tags, fields=kinds, max_bytes=1 << 20)


def readings_body(text: str, content_type: str = 'application/json') -> list[PointIn]:
    return body(text, content_type, measurement='readings', tags=['device'],
                kinds=WEATHER_FIELDS)


def escaped(tag: str) -> str:
    """A tag value in line protocol, escaped by hand."""
    return tag.replace(' ', '\\ ').replace(',', '\\,').replace('=', '\\=')


def refused(call: Any, *args: Any) -> list[tuple[Any, ...]]:
    with pytest.raises(APIError) as info:
        call(*args)
    assert info.value.status == 400
    return [(e['index'], e['line'], e['field'], e['message']) for e in info.value.errors]


# -- influxpy models --------------------------------------------------------------------

def test_points_become_instances_typed_by_the_model() -> None:
    csv = ('time,host,ratio,count,ok,note,raw\n'
           f'{T0 + 5},a,1,2,true,x,3\n'
           ',b,,,,,yes\n')
    first, second = model_instances(Probe, body(csv, 'text/csv'))
    assert (first.time_ns, first.host, first.region) == (T0 + 5, 'a', None)
    assert (first.ratio, first.count, first.ok, first.note, first.raw) == (1.0, 2, True, 'x', 3.0)
    assert (second.time_ns, second.raw, second.ratio) == (None, 'yes', None)
    (from_json,) = model_instances(Probe, body('[{"host": "a", "ratio": 2, "count": 3.0}]'))
    assert (type(from_json.ratio), type(from_json.count)) == (float, int)
    (from_lp,) = model_instances(Probe, body('api_probe,host=a count=4,ratio=1i', 'text/plain'))
    assert (from_lp.count, from_lp.ratio, type(from_lp.ratio)) == (4, 1.0, float)


def test_every_invalid_point_is_reported_with_its_index_line_and_field() -> None:
    lines = ('api_probe,host=a ratio=1\n'
             'api_probe,host=a count=1.5\n'      # not whole
             'api_probe,host=a ok=1\n'           # a number for a boolean
             'api_probe,region=eu ratio=1\n'     # the required tag missing
             'api_probe,host=a note=2i\n'        # an integer for a string
             'api_probe,host=a count=9223372036854775807i,ratio=1\n')  # fine: int64 max
    errors = refused(model_instances, Probe, body(lines, 'text/plain'))
    assert [e[:3] for e in errors] == [(1, 2, 'count'), (2, 3, 'ok'), (3, 4, 'host'),
                                       (4, 5, 'note')]
    assert errors[0][3] == 'Probe.count: 1.5 is not a whole number'
    assert errors[1][3] == 'Probe.ok: 1.0 is a float, not a boolean'
    assert errors[2][3] == ('Probe.host: None is missing: the tag is required (declare it '
                            'with null=True to allow that)')
    assert errors[3][3] == 'Probe.note: 2 is a int, not a string'


def test_json_values_the_model_refuses() -> None:
    text = json.dumps([{'host': 'a', 'count': 2**63}, {'host': 'a'}, {'host': 'a\nb', 'ratio': 1},
                       {'host': '', 'ratio': 1}, {'host': 'a', 'ratio': 'big'},
                       {'host': 'a', 'raw': None, 'note': 'x' * 70_000}])
    text = text.replace('"big"', '1e400')  # a JSON number too large for a float
    errors = refused(model_instances, Probe, body(text))
    assert [e[:3] for e in errors] == [(0, None, 'count'), (1, None, None), (2, None, 'host'),
                                       (3, None, 'host'), (4, None, 'ratio'), (5, None, 'note')]
    assert 'outside the 64-bit integer range' in errors[0][3]
    assert 'a point needs at least one field value' in errors[1][3]
    assert 'contains a newline' in errors[2][3]
    assert 'is empty: the tag is required' in errors[3][3]
    assert 'is not finite' in errors[4][3]
    assert 'is longer than 65536 bytes' in errors[5][3]


def test_names_the_model_does_not_have_are_refused_by_it_too() -> None:
    points = [PointIn(0, None, None, {'host': 'a', 'zone': 'x'}, {'ratio': 1.0}),
              PointIn(1, 7, None, {'host': 'a', 'ratio': '1'}, {'region': 'eu'}),
              PointIn(2, None, T0, {'host': 'a'}, {'ratio': 1.0})]
    errors = refused(model_instances, Probe, points)
    assert [e[:3] for e in errors] == [(0, None, 'zone'), (1, 7, 'ratio'), (1, 7, 'region')]
    assert "Probe has no field or tag 'zone'" in errors[0][3]
    assert errors[1][3] == 'Probe.ratio is a field, not a tag'
    assert errors[2][3] == 'Probe.region is a tag, not a field'


def test_what_passes_is_stored_exactly(influx_settings: str) -> None:
    floats = [0.1, 0.30000000000000004, 5e-324, 1.7976931348623157e308, -2.5e-300]
    points = [{'time': T0 + 123_456_789 + i, 'host': s, 'region': s, 'note': s + '\n"\\',
               'ratio': floats[i % len(floats)], 'count': -2**63 + i, 'raw': s}
              for i, s in enumerate(HOSTILE)]
    lp = 'api_probe,host=lp\\ one\\,x\\=y note="a \\"q\\"\\\\ \nb",ratio=0.1 1704067200000000001'
    instances = model_instances(Probe, body(json.dumps(points)))
    instances += model_instances(Probe, body(lp, 'text/plain'))
    Probe.series.bulk_create(instances)
    got = rows(connections['default'], 'SELECT * FROM api_probe')
    want = [{'time': T0 + 1, 'host': 'lp one,x=y', 'region': None, 'note': 'a "q"\\ \nb',
             'ratio': 0.1, 'count': None, 'raw': None}]
    want += [{'time': p['time'], 'host': p['host'], 'region': p['region'], 'note': p['note'],
              'ratio': p['ratio'], 'count': p['count'], 'raw': p['raw']}
             for p in points]
    assert got == want
    assert [r['ratio'].hex() for r in got[1:]] == [float(p['ratio']).hex() for p in points]
    assert [r['time'] for r in got] == [1_704_067_200_000_000_001] + [
        1_704_067_200_123_456_789 + i for i in range(len(HOSTILE))]


# -- readings ---------------------------------------------------------------------------

def test_readings_are_checked_by_the_storage_rules() -> None:
    text = json.dumps({'points': [
        {'time': '2024-01-01T00:00:00.000001Z', 'tags': {'device': 'a b,c=d"'},
         'fields': {'temperature': 21, 'pulses': 3.0}},
        {'tags': {'device': 'é'}, 'fields': {'humidity': 0.30000000000000004}}]})
    before = datetime.now(UTC)
    first, second = device_readings(WEATHER, readings_body(text))
    assert first == DeviceReading('a b,c=d"', datetime(2024, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
                                  {'temperature': 21.0, 'pulses': 3})
    assert [type(v) for v in first.values.values()] == [float, int]
    assert second.values['humidity'].hex() == '0x1.3333333333334p-2'
    assert before <= second.time <= datetime.now(UTC)   # no time: now


def test_every_invalid_reading_is_reported() -> None:
    csv = ('time,device,temperature,pulses\n'
           '2024-01-01T00:00:00Z,a,1,1\n'
           '2024-01-01T00:00:00.000000001Z,a,1,1\n'    # nanoseconds
           '2024-01-01T00:00:00Z,,1,1\n'               # no device
           '2024-01-01T00:00:00Z,a,,\n'                # no value
           f'2024-01-01T00:00:00Z,{"x" * 256},1,\n'    # too long a name
           '2024-01-01T00:00:00Z,a,,2147483648\n'      # outside the column's range
           '1677-09-21T12:00:00Z,a,1,\n')              # InfluxDB's, not every storage's
    errors = refused(device_readings, WEATHER, readings_body(csv, 'text/csv'))
    assert [e[:3] for e in errors] == [(1, 3, 'time'), (2, 4, 'device'), (3, 5, None),
                                       (4, 6, 'device'), (5, 7, 'pulses'),
                                       (6, 8, 'time')]
    assert errors[0][3] == ('time 1704067200000000001 (epoch ns) has nanoseconds; '
                            'testapp.Weather readings keep microseconds')
    assert errors[1][3] == "the tag 'device' is missing: every reading names its device"
    assert 'has no value (one of temperature, humidity, pulses is needed)' in errors[2][3]
    assert 'is longer than 255 characters' in errors[3][3]
    assert 'pulses=2147483648 is outside -2147483648..2147483647' in errors[4][3]
    assert 'outside the range every storage keeps' in errors[5][3]


def test_a_reading_has_the_one_tag_device() -> None:
    points = [PointIn(0, None, T0, {'device': 'a', 'site': 'x'}, {'temperature': 1.0}),
              PointIn(1, None, T0, {'device': 'a'}, {'wind': 1.0, 'pulses': True})]
    errors = refused(device_readings, WEATHER, points)
    assert [e[:3] for e in errors] == [(0, None, 'site'), (1, None, 'wind')]
    assert errors[0][3] == "testapp.Weather readings have the one tag 'device', not 'site'"
    assert "has no value column 'wind'" in errors[1][3]


def test_readings_that_pass_are_stored_exactly(storage: ReadingStorage,
                                              request: pytest.FixtureRequest) -> None:
    lp = ''.join(f'readings,device={escaped(s)} temperature={0.1 * i!r},pulses={i}i '
                 f'{T0 + i * 1000}\n' for i, s in enumerate(HOSTILE))
    readings = device_readings(WEATHER, readings_body(lp, 'text/plain'))
    assert storage.store_readings(readings) == len(readings)
    expected = [(s, T0 // 1000 + i, (0.1 * i).hex(), i) for i, s in enumerate(HOSTILE)]
    kind = request.node.callspec.params['storage']
    if kind == 'influxdb':
        got = [(r['device'], r['time'] // 1000, r['temperature'].hex(), r['pulses'])
               for r in rows(connections['default'], 'SELECT * FROM testapp_weather')]
        got.sort(key=lambda r: r[1])
    else:
        database = 'default' if kind == 'sqlite' else 'pg'
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        got = [(w.device, (w.time - epoch) // timedelta(microseconds=1), w.temperature.hex(),
                w.pulses) for w in Weather.objects.using(database).order_by('time')]
    assert got == expected
