"""inspectdb: generated modules import and read back what was written, hostile names too."""

from __future__ import annotations

import ast
import importlib.util
import sys
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from influxpy import fields
from influxpy.connection import Connection, connect, disconnect
from influxpy.exceptions import DatabaseNotFound, QueryError
from influxpy.inspectdb import attribute_name, class_name, inspect_database
from influxpy.lineprotocol import escape_key, escape_measurement, quote_string_value
from influxpy.models import InfluxMeasurement

HOSTILE_MEASUREMENT = 'weird "m",=\' x\\y\'\'\'"""'
HOSTILE_FIELDS = ['class', 'save', 'series', '1st', 'cpu load', 'd', 'self', 'Meta', 'naïve',
                  'it\'s "q"', '_meta', '__init__', 'values', 'CamelCase', 'camel_case',
                  'default_0', 'to_ns', '"""', 'a\\b']
HOSTILE_TAGS = ['host name', 'def', 'measurement', '#tag', 'None']


def _import(path: Path) -> ModuleType:
    name = f'generated_{uuid.uuid4().hex}'
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _models(module: ModuleType) -> dict[str, type[InfluxMeasurement]]:
    return {obj.measurement: obj for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, InfluxMeasurement)
            and obj is not InfluxMeasurement}


def _field_line(values: dict[str, Any]) -> str:
    def value(v: Any) -> str:
        if isinstance(v, bool):
            return 'true' if v else 'false'
        if isinstance(v, int):
            return f'{v}i'
        if isinstance(v, float):
            return repr(v)
        return quote_string_value(v)
    return ','.join(f'{escape_key(k)}={value(v)}' for k, v in values.items())


def test_names() -> None:
    assert class_name('cpu_load') == class_name('cpu load') == 'CpuLoad'
    assert class_name('9lives') == 'M9lives'
    assert class_name('none') == 'NoneMeasurement'
    assert class_name('"""') == 'Measurement'
    assert attribute_name('CPU load') == 'cpu_load'
    assert attribute_name('class') == 'class_'
    assert attribute_name('save') == 'save_'
    assert attribute_name('2x') == 'c_2x'
    assert attribute_name('d') == 'd' and attribute_name('self') == 'self'  # fine as fields


def test_hostile_names_give_importable_code_that_reads_back(influx_db: Connection,
                                                            tmp_path: Path) -> None:
    point1 = {name: float(i) + 0.5 for i, name in enumerate(HOSTILE_FIELDS)}
    point1['CamelCase'] = 7             # an integer field
    point1['save'] = True               # a boolean field
    point1['it\'s "q"'] = 'text "with" \\ quotes'
    tags1 = ','.join(f'{escape_key(t)}={escape_key(t + " v,=")}' for t in HOSTILE_TAGS)
    # The second point lacks every tag but one, and some fields.
    point2 = {'class': -1.25, 'CamelCase': 8, 'save': False}
    lines = [f'{escape_measurement(HOSTILE_MEASUREMENT)},{tags1} {_field_line(point1)} 1000',
             f'{escape_measurement(HOSTILE_MEASUREMENT)},def=x {_field_line(point2)} 2000',
             'plain,host=a value=1.5,count=3i 3000']
    influx_db.write(('\n'.join(lines) + '\n').encode())

    source = inspect_database()
    ast.parse(source)  # valid Python, whatever the names
    path = tmp_path / 'generated.py'
    path.write_text(source, encoding='utf-8')
    models = _models(_import(path))
    assert set(models) == {HOSTILE_MEASUREMENT, 'plain'}

    hostile = models[HOSTILE_MEASUREMENT]
    meta = hostile._meta
    assert {f.db_name for f in meta.fields.values()} == set(HOSTILE_FIELDS)
    assert {f.db_name for f in meta.tags.values()} == set(HOSTILE_TAGS)
    assert all(f.null for f in meta.all_fields.values())
    assert isinstance(meta.by_db_name['CamelCase'], fields.IntegerField)
    assert isinstance(meta.by_db_name['save'], fields.BooleanField)
    assert isinstance(meta.by_db_name['it\'s "q"'], fields.StringField)
    assert isinstance(meta.by_db_name['class'], fields.FloatField)

    first, second = hostile.series.all()
    assert first.time_ns == 1000 and second.time_ns == 2000
    assert {f.db_name: getattr(first, name) for name, f in meta.fields.items()} == point1
    assert {f.db_name: getattr(first, name) for name, f in meta.tags.items()} == {
        t: t + ' v,=' for t in HOSTILE_TAGS}
    read2 = {f.db_name: getattr(second, name) for name, f in meta.all_fields.items()}
    assert {k: v for k, v in read2.items() if v is not None} == {**point2, 'def': 'x'}

    plain = models['plain']
    (row,) = plain.series.all()
    assert (row.host, row.value, row.count) == ('a', 1.5, 3)
    # A generated model writes too.
    plain(host='b', value=2.5, count=4, time=4000).save()
    assert [r.value for r in plain.series.filter(host='b')] == [2.5]


def test_several_types_and_other_retention_policies(influx_db: Connection,
                                                    tmp_path: Path) -> None:
    # Shards a week apart may hold one field with different types.
    week = 7 * 86400 * 10 ** 9
    influx_db.write(b'mixed n=1.5,s=1i 0\n')
    influx_db.write(f'mixed n=2i,s="x" {3 * week}\n'.encode())
    influx_db.query(f'CREATE RETENTION POLICY "long \'rp\'" ON "{influx_db.database}" '
                    'DURATION INF REPLICATION 1')
    influx_db.write(b'tier,host=a mean_v=3.25 0\n', retention_policy="long 'rp'")

    source = inspect_database(measurements=['mixed', 'tier'])
    assert 'types on the server: float, integer' in source
    assert 'types on the server: integer, string' in source
    path = tmp_path / 'generated2.py'
    path.write_text(source, encoding='utf-8')
    models = _models(_import(path))
    mixed = models['mixed']
    assert isinstance(mixed._meta.fields['n'], fields.FloatField)
    assert type(mixed._meta.fields['s']) is fields.InfluxField
    # The server casts integers to floats across shards (a query reads one type per field).
    assert [r.n for r in mixed.series.all()] == [1.5, 2.0]
    tier = models['tier']
    assert tier._meta.retention_policy == "long 'rp'"
    assert [(r.host, r.mean_v) for r in tier.series.all()] == [('a', 3.25)]


def test_unknown_measurement_and_missing_database(influx_db: Connection) -> None:
    influx_db.write(b'cpu v=1 1\n')
    with pytest.raises(QueryError, match="no measurement 'nope'.*it has: 'cpu'"):
        inspect_database(measurements=['nope'])
    connect(f'{influx_db.settings.base_url.replace("http", "influxdb", 1)}/no_such_db',
            alias='missing')
    try:
        with pytest.raises(DatabaseNotFound, match="database 'no_such_db' does not exist"):
            inspect_database(using='missing')
    finally:
        disconnect('missing')
