"""Model classes for an existing database, as Python source (like Django's ``inspectdb``).

>>> print(inspect_database('metrics'))        # doctest: +SKIP
from influxpy import fields, models
...

Field types come from ``SHOW FIELD KEYS`` (in every retention policy: a measurement
found only outside the default policy gets ``Meta.retention_policy``), tags from
``SHOW TAG KEYS``. Every name from the server reaches the generated code through
``repr()`` only, so any name gives importable code; a column whose name is no usable
Python identifier gets a sanitized attribute name and ``db_name=``.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .connection import Connection, get_connection
from .exceptions import DatabaseNotFound, QueryError, ValidationError
from .fields import FIELD_TYPES, check_name
from .models import RESERVED_ATTRIBUTES, InfluxMeasurement
from .quoting import quote_ident
from .results import records
from .schema import list_databases, list_retention_policies

# Field classes by the server's type name.
FIELD_CLASSES = {kind: cls.__name__ for kind, cls in FIELD_TYPES.items()}
# Attribute names a generated model must avoid: the model's own attributes.
_AVOID = RESERVED_ATTRIBUTES | {name for name in dir(InfluxMeasurement)} | {'meta', 'objects'}
_NOT_WORD = re.compile(r'[^0-9a-zA-Z]+')
_CAMEL = re.compile(r'(?<=[a-z0-9])(?=[A-Z])')


@dataclass
class ColumnInfo:
    """A tag or field of an inspected measurement."""

    name: str                           # the column's name on the server
    is_tag: bool
    types: tuple[str, ...] = ()         # the server's field types (several across shards)


@dataclass
class MeasurementInfo:
    name: str
    retention_policy: str | None        # None: the database's default policy
    columns: list[ColumnInfo] = field(default_factory=list)


def inspect_measurements(database: str | None = None, measurements: Sequence[str] = (), *,
                         using: str | None = None) -> list[MeasurementInfo]:
    """What the server knows of the measurements of ``database`` (all, or those named)."""
    conn = get_connection(using or 'default')
    db = _existing_database(conn, database, using)
    policies = list_retention_policies(db, using=conn.alias)
    default = next((rp.name for rp in policies if rp.default), None)
    order = [default] + sorted(rp.name for rp in policies if not rp.default)
    found: dict[str, MeasurementInfo] = {}
    types: dict[str, dict[str, list[str]]] = {}
    for rp in order:
        statement = 'SHOW FIELD KEYS' if rp == default else \
            f'SHOW FIELD KEYS FROM {quote_ident(rp or "")}./.*/'
        seen_here: dict[str, dict[str, list[str]]] = {}
        for name, row in records(conn.query(statement, database=db, epoch=None)):
            key, kind = row['fieldKey'], row['fieldType']
            seen_here.setdefault(name, {}).setdefault(key, []).append(kind)
        for name, keys in seen_here.items():
            if name not in found:  # the default policy first, then the others by name
                found[name] = MeasurementInfo(name, None if rp == default else rp)
                types[name] = keys
    tag_keys: dict[str, list[str]] = {}
    for name, row in records(conn.query('SHOW TAG KEYS', database=db, epoch=None)):
        tag_keys.setdefault(name, []).append(row['tagKey'])
    names = list(measurements) or sorted(found)
    missing = [name for name in names if name not in found]
    if missing:
        raise QueryError(f'database {db!r} has no measurement {", ".join(map(repr, missing))} '
                         f'with fields; it has: {", ".join(map(repr, sorted(found))) or "none"}')
    out = []
    for name in names:
        info = found[name]
        tags = tag_keys.get(name, [])
        info.columns = [ColumnInfo(key, True) for key in tags]
        info.columns += [ColumnInfo(key, False, tuple(sorted(set(kinds))))
                         for key, kinds in sorted(types[name].items())]
        out.append(info)
    return out


def _existing_database(conn: Connection, database: str | None, using: str | None) -> str:
    db = conn.require_database(database, who='inspectdb')
    existing = list_databases(using=conn.alias)
    if db not in existing:
        raise DatabaseNotFound(
            f'database {db!r} does not exist on {conn.settings.safe_url}; it has: '
            f'{", ".join(map(repr, existing)) or "no database"}')
    return db


# -- names ----------------------------------------------------------------------------

def class_name(measurement: str) -> str:
    """``cpu_load`` / ``cpu load`` / ``cpu-load`` -> ``CpuLoad``; always an identifier."""
    words = [w for w in _NOT_WORD.split(_CAMEL.sub(' ', measurement)) if w]
    name = ''.join(w[:1].upper() + w[1:].lower() for w in words) or 'Measurement'
    if name[0].isdigit():
        name = 'M' + name
    if keyword.iskeyword(name) or name in ('Meta', 'InfluxMeasurement'):
        name += 'Measurement'
    return name


def attribute_name(column: str) -> str:
    """A snake_case identifier for a column; ``db_name=`` keeps the real name."""
    words = [w.lower() for w in _NOT_WORD.split(_CAMEL.sub(' ', column)) if w]
    name = '_'.join(words) or 'column'
    if name[0].isdigit():
        name = 'c_' + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in _AVOID:
        name += '_'
    return name


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate = f'{name}_{n}' if not name.endswith('_') else f'{name}{n}'
        n += 1
    taken.add(candidate)
    return candidate


# -- code -------------------------------------------------------------------------------

def _field_code(column: ColumnInfo) -> tuple[str, str]:
    """``(field class, comment)`` for a field's server types."""
    types = set(column.types)
    if len(types) == 1:
        return FIELD_CLASSES.get(types.pop(), 'InfluxField'), ''
    comment = f'  # types on the server: {", ".join(sorted(column.types))}'
    if types <= {'float', 'integer'}:
        return 'FloatField', comment
    return 'InfluxField', comment


def _refusal(model: str, what: str, name: str) -> str | None:
    """Why a model cannot declare this name, or None."""
    try:
        check_name(model, what, name)
    except ValidationError as exc:
        return str(exc)
    return None


def generate_module(infos: Sequence[MeasurementInfo], database: str) -> str:
    """Python source declaring one model class per measurement."""
    lines = [f'# Models of the InfluxDB database {database!r}, generated by influxpy inspectdb.',
             '# Check the types, and drop null=True where every point has the value.',
             '', 'from influxpy import fields, models']
    classes: set[str] = set()
    for info in infos:
        cls = _unique(class_name(info.name), classes)
        lines += ['', '']
        problem = _refusal(cls, 'measurement', info.name)
        if problem:
            lines.append(f'# Not generated: {problem!r}')
            continue
        lines.append(f'class {cls}(models.InfluxMeasurement):')
        lines.append(f'    measurement = {info.name!r}')
        attributes: set[str] = set()
        columns_seen: set[str] = set()
        declared = 0
        for column in info.columns:
            what = 'tag key' if column.is_tag else 'field key'
            problem = _refusal(cls, what, column.name)
            if problem is None and column.name in columns_seen:
                problem = f'{column.name!r} is both a tag and a field, which a model cannot read'
            if problem:
                lines.append(f'    # skipped {what}: {problem!r}')
                continue
            columns_seen.add(column.name)
            attr = _unique(attribute_name(column.name), attributes)
            args = ['null=True']
            if attr != column.name:
                args.append(f'db_name={column.name!r}')
            if column.is_tag:
                kind, comment = 'InfluxTag', ''
            else:
                kind, comment = _field_code(column)
            lines.append(f'    {attr} = fields.{kind}({", ".join(args)}){comment}')
            declared += 1
        if not declared:
            lines.append('    pass')
        lines += ['', '    class Meta:', f'        database = {database!r}']
        if info.retention_policy is not None:
            lines.append(f'        retention_policy = {info.retention_policy!r}')
    return '\n'.join(lines) + '\n'


def inspect_database(database: str | None = None, measurements: Sequence[str] = (), *,
                     using: str | None = None) -> str:
    """Python source of model classes for the measurements of ``database``.

    >>> source = inspect_database('metrics', ['cpu'])   # doctest: +SKIP
    """
    conn = get_connection(using or 'default')
    infos = inspect_measurements(database, measurements, using=conn.alias)
    return generate_module(infos, database or conn.database or '')
