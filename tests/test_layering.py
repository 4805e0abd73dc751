"""The core's floors: every module imports alone (no import cycle), the read side does no
I/O, and the public import paths README shows keep working.

Each check runs in an interpreter that has imported nothing of influxpy: in the test
process, modules other tests loaded already would hide a cycle (``a`` imports ``b``
imports ``a`` only fails when ``a`` or ``b`` comes first).
"""

from __future__ import annotations

import json
import os
import pkgutil
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import influxpy
import influxpy.query

ROOT = Path(__file__).resolve().parents[1]

# Third-party libraries influxpy imports, loaded once by the fork server below: they are
# most of the cost of an import (requests, Django, pandas), and nothing of influxpy.
PRELOAD = ('requests', 'urllib3', 'dateutil.parser', 'numpy', 'pandas', 'msgpack', 'influxdb',
           'django', 'django.conf', 'django.apps', 'django.db.models', 'django.test',
           'django.core.management.base', 'django.utils.dateparse', 'pytest')

# Runs in the fresh interpreter: a job is Python source; its answer None or the error.
CHILD = r"""
import importlib, importlib.util, traceback

def configure_django(setup=False):
    from django.conf import settings
    if not settings.configured:
        settings.configure(
            SECRET_KEY='layering', USE_TZ=True, DEFAULT_AUTO_FIELD='django.db.models.BigAutoField',
            INSTALLED_APPS=['django.contrib.admin', 'django.contrib.contenttypes',
                            'django.contrib.auth', 'django.contrib.sessions',
                            'django.contrib.messages', 'rest_framework',
                            'influxpy.contrib.django'],
            DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}})
    if setup:
        import django
        django.setup()

# The import names of setup.py's extras: a module needing one that is not installed is
# skipped (in the project's venv they all are).
EXTRAS = {'pandas', 'numpy', 'django', 'rest_framework', 'drf_spectacular', 'orjson', 'docker',
          'vega_datasets', 'pytest',
          'selenium'}

def import_alone(name):
    try:
        if name.startswith('influxpy.contrib.django'):
            configure_django()
        try:
            importlib.import_module(name)
        except Exception as exc:
            if type(exc).__name__ != 'AppRegistryNotReady':
                raise
            # A module of Django models: Django imports it from django.setup(), which a
            # project runs first; so does this test. A cycle is an ImportError, not this.
            configure_django(setup=True)
            importlib.import_module(name)
    except ModuleNotFoundError as exc:
        extra = (exc.name or '').split('.')[0]
        if extra not in EXTRAS or importlib.util.find_spec(extra) is not None:
            raise

def resolve(dotted):
    # influxpy.a.b.C: the longest importable module, then attributes.
    parts = dotted.split('.')
    for cut in range(len(parts), 0, -1):
        try:
            value = importlib.import_module('.'.join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            value = getattr(value, attr)
        return value

def run_job(code):
    try:
        exec(code, {'import_alone': import_alone, 'resolve': resolve,
                    'configure_django': configure_django})
    except BaseException:
        lines = [line for line in traceback.format_exc().splitlines(True)
                 if '<frozen importlib' not in line]
        return ''.join(lines[-10:])
    return None
"""

# The fork server: a fresh interpreter that preloads PRELOAD (never influxpy), then forks
# one child per job: each child starts with no module of influxpy loaded.
SERVER = CHILD + r"""
import json, os, sys
for lib in PRELOAD:
    try:
        importlib.import_module(lib)
    except Exception:
        pass
early = sorted(m for m in sys.modules if m.split('.')[0] == 'influxpy')
assert not early, f'influxpy was loaded before the test: {early}'
results, running = {}, {}

def reap():
    pid, _ = os.wait()
    index, fd = running.pop(pid)
    with os.fdopen(fd, 'rb') as pipe:
        data = pipe.read()
    results[index] = json.loads(data) if data else 'the child died without an answer'

for index, code in enumerate(json.loads(sys.stdin.read())):
    if len(running) >= 8:
        reap()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.write(write, json.dumps(run_job(code)).encode())
        os._exit(0)
    os.close(write)
    running[pid] = (index, read)
while running:
    reap()
print(json.dumps([results[i] for i in range(len(results))]))
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != 'DJANGO_SETTINGS_MODULE'}
    env['PYTHONPATH'] = os.pathsep.join([str(ROOT), *filter(None, [env.get('PYTHONPATH')])])
    return env


def _python(code: str, *args: str, stdin: str = '') -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args, '-c', code], input=stdin, text=True,
                          capture_output=True, env=_env(), cwd=ROOT, timeout=120)


def run_fresh(jobs: list[str]) -> list[str | None]:
    """Each job (Python source) in an interpreter that has loaded nothing of influxpy: the
    error it raised, or None.

    A fork server by default (one fresh interpreter preloads the third-party libraries,
    then forks a child per job): a few seconds instead of twenty. With
    ``INFLUXPY_LAYERING_SPAWN=1`` (or without fork), one ``python -c`` per job."""
    if hasattr(os, 'fork') and not os.environ.get('INFLUXPY_LAYERING_SPAWN'):
        done = _python(f'PRELOAD = {PRELOAD!r}\n{SERVER}', stdin=json.dumps(jobs))
        assert done.returncode == 0, done.stderr
        answer: list[str | None] = json.loads(done.stdout)
        return answer

    def one(job: str) -> str | None:
        done = _python(f'{CHILD}\nimport json\nprint(json.dumps(run_job({job!r})))')
        return json.loads(done.stdout) if done.returncode == 0 else done.stderr
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return list(pool.map(one, jobs))


def walk(package: ModuleType) -> list[str]:
    """Every module under ``package``, as pkgutil finds them (no list kept by hand)."""
    errors: list[str] = []
    found = [m.name for m in pkgutil.walk_packages(package.__path__, f'{package.__name__}.',
                                                   onerror=errors.append)]
    assert not errors, f'packages that cannot be imported: {errors}'
    return found


# -- 1: every module imports first and alone -------------------------------------------

def test_every_module_imports_first_and_alone() -> None:
    modules = ['influxpy', *walk(influxpy)]
    assert len(modules) > 40 and 'influxpy.contrib.django.storage.influx' in modules
    errors = run_fresh([f'import_alone({name!r})' for name in modules])
    failed = {name: error for name, error in zip(modules, errors) if error is not None}
    assert not failed, 'modules that cannot be imported first and alone:\n\n' + '\n'.join(
        f'{name}:\n{error}' for name, error in sorted(failed.items()))


# -- 2: the read side does no I/O -------------------------------------------------------

# Modules that do I/O or exist to do it. Not listed, because a pure import pulls them in
# innocently: ``urllib``/``urllib.parse`` (the editable install's finder, at start-up),
# ``threading`` (zoneinfo, dateutil), ``zoneinfo`` and ``dateutil`` themselves.
IO_MODULES = ('influxpy.connection', 'influxdb', 'requests', 'urllib3', 'http.client', 'socket',
              'ssl', 'urllib.request')  # with their submodules (influxpy.connection.deadline)
IO_PREFIXES = ('influxpy.write',)  # the write/ package, and any influxpy.writes/writer


def _does_io(name: str) -> bool:
    return (any(name == m or name.startswith(m + '.') for m in IO_MODULES)
            or name.startswith(IO_PREFIXES))


def import_chains(importtime: str) -> dict[str, list[str]]:
    """module -> the chain of imports that first loaded it, from ``-X importtime``.

    Its lines come children first, a child indented two spaces more than its parent."""
    entries = []
    for line in importtime.splitlines():
        match = re.match(r'import time:\s+\d+ \|\s+\d+ \|( *)(\S+)$', line)
        if match:
            entries.append((len(match.group(1)), match.group(2)))
    chains = {}
    for i, (depth, name) in enumerate(entries):
        chain, level = [name], depth
        for parent_depth, parent in entries[i + 1:]:
            if parent_depth < level:
                chain.insert(0, parent)
                level = parent_depth
        chains[name] = chain
    return chains


def test_the_query_package_imports_nothing_that_does_io() -> None:
    modules = ['influxpy.query', *walk(influxpy.query)]
    # __import__, not importlib.import_module: -X importtime records C-level imports only.
    code = ('import json, sys\n'
            f'for name in {modules!r}:\n'
            '    __import__(name)\n'
            'print(json.dumps(sorted(sys.modules)))')
    done = _python(code, '-X', 'importtime')
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    # A package's submodules come with it: name the package (requests, not requests.api).
    leaked = [name for name in loaded
              if _does_io(name) and not _does_io(name.rpartition('.')[0])]
    chains = import_chains(done.stderr)
    report = []
    for name in leaked:
        chain = chains.get(name, [name])
        ours = [m for m in chain if m.split('.')[0] == 'influxpy']
        culprit = next((m for m in reversed(ours) if m.startswith('influxpy.query')), ours[0]
                       if ours else '?')
        report.append(f'{name}, through {culprit}: {" -> ".join(chain)}')
    assert not leaked, ('importing influxpy.query.* loads modules that do I/O (the read side '
                        'builds text only):\n' + '\n'.join(report))


def test_import_chains_are_read_from_importtime() -> None:
    text = ('import time: self [us] | cumulative | imported package\n'
            'import time:        1 |          1 |     socket\n'
            'import time:        1 |          2 |   influxpy.connection\n'
            'import time:        1 |          1 |   influxpy.quoting\n'
            'import time:        1 |          4 | influxpy.query.queryset\n')
    assert import_chains(text)['socket'] == ['influxpy.query.queryset', 'influxpy.connection',
                                              'socket']
    assert import_chains(text)['influxpy.quoting'] == ['influxpy.query.queryset',
                                                        'influxpy.quoting']
    assert _does_io('influxpy.writes') and _does_io('influxpy.write.batches')
    assert _does_io('requests.adapters') and not _does_io('requests_toolbelt')
    assert not _does_io('http') and not _does_io('urllib.parse')


# -- 3: the public import paths keep working --------------------------------------------

ERRORS = ('InfluxPyError', 'ConfigurationError', 'ValidationError', 'QueryError',
          'InfluxConnectionError', 'InfluxTimeoutError', 'ServerError', 'AuthenticationError',
          'DatabaseNotFound', 'WriteError', 'PandasMissingError', 'NaiveDatetimeWarning')
AGGREGATES = ('Abs', 'Acos', 'Asin', 'Atan', 'Atan2', 'Bottom', 'Ceil', 'Cos', 'Count',
              'CumulativeSum', 'Derivative', 'Difference', 'Distinct', 'Elapsed', 'Exp',
              'First', 'Floor', 'Func', 'HoltWinters', 'HoltWintersWithFit', 'Integral', 'Last',
              'Ln', 'Log', 'Log2', 'Log10', 'Max', 'Mean', 'Median', 'Min', 'Mode',
              'MovingAverage', 'NonNegativeDerivative', 'NonNegativeDifference', 'Percentile',
              'Pow', 'Round', 'Sample', 'Sin', 'Spread', 'Sqrt', 'Stddev', 'Sum', 'Tan', 'Top')
SCHEMA = ('create_database', 'drop_database', 'list_databases', 'create_retention_policy',
          'alter_retention_policy', 'drop_retention_policy', 'list_retention_policies',
          'create_continuous_query', 'drop_continuous_query', 'list_continuous_queries',
          'show_measurements', 'show_tag_keys', 'show_tag_values', 'show_field_keys',
          'show_series', 'drop_measurement', 'drop_series', 'RetentionPolicy', 'Tier')

PUBLIC = [
    'from influxpy import models, fields, connect, disconnect, get_connection, Q, F, Now, '
    'Writer, sync',
    f'from influxpy.aggregates import {", ".join(AGGREGATES)}',
    'from influxpy.resolutions import Minute, Second, Hour, Day, Week, MONDAY, Millisecond, '
    'Microsecond, Nanosecond, Duration, to_duration',
    'from influxpy.schema import Tier, RetentionPolicy',
    f'from influxpy.schema import {", ".join(SCHEMA)}',
    'from influxpy.query import batch, QuerySet',
    'import influxpy.timeutil; influxpy.timeutil.settings.naive_datetime',
    'from influxpy.times import settings; settings.naive_datetime',
    f'from influxpy.exceptions import {", ".join(ERRORS)}',
    'from influxpy.synchronize import SyncError, sync, plan',
    'from influxpy.write import BufferFull, Writer',
    'from influxpy.transfer import import_file',
    'from influxpy.testing import start_server, InfluxServer',
    'from influxpy.contrib.django.storage import readings, InfluxStorage, ORMStorage',
    'from influxpy.contrib.django.models import AbstractReading',
]


def readme_paths() -> list[str]:
    """Every ``from influxpy… import …`` and dotted ``influxpy.…`` name README.rst shows."""
    text = re.sub(r'\s+', ' ', (ROOT / 'README.rst').read_text())
    statements = [f'from {module} import {names}' for module, names in re.findall(
        r'from (influxpy[\w.]*) import ((?:\w+, )*\w+)', text)]
    for dotted in sorted(set(re.findall(r'\binfluxpy(?:\.\w+)+', text))):
        # Not import paths: check ids (influxpy.E001) and a Django model label.
        if not re.search(r'\.[EW]\d{3}$', dotted) and dotted != 'influxpy.Reading':
            statements.append(f'resolve({dotted!r})')
    return statements


def test_readme_paths_are_found() -> None:
    paths = readme_paths()
    for shown in ('from influxpy.resolutions import MONDAY', 'from influxpy.query import batch',
                  "resolve('influxpy.times.settings.naive_datetime')",
                  "resolve('influxpy.contrib.django.storage.InfluxStorage')",
                  "resolve('influxpy.exceptions.ConfigurationError')"):
        assert shown in paths


def test_no_public_name_is_hidden_by_a_submodule() -> None:
    """The package's names are loaded on first use; a submodule of the same name imported
    first (influxpy.sync, say) would be bound as the attribute instead (not callable)."""
    children = [m.name for m in pkgutil.iter_modules(influxpy.__path__, 'influxpy.')]
    modules = {'fields', 'models'}  # the public names that are modules
    job = (f'for name in {children!r}:\n'
           '    if not name.startswith("influxpy.contrib"):\n'
           '        importlib.import_module(name)\n'
           'import influxpy, types\n'
           f'for name in influxpy.__all__:\n'
           '    is_module = isinstance(getattr(influxpy, name), types.ModuleType)\n'
           f'    assert is_module == (name in {modules!r}), (name, getattr(influxpy, name))\n')
    (error,) = run_fresh([f'import importlib\n{job}'])
    assert error is None, error


def test_public_import_paths_work_in_a_fresh_interpreter() -> None:
    statements = PUBLIC + readme_paths()

    jobs = [f'configure_django(setup=True)\n{s}' if 'contrib' in s else s
            for s in statements]
    failed = {s: e for s, e in zip(statements, run_fresh(jobs)) if e}
    assert not failed, 'public import paths that broke:\n' + '\n'.join(
        f'{s}\n{e}' for s, e in failed.items())
