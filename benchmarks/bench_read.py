"""Reading points back: influxpy against the raw ``influxdb`` client, in one run.

    python -m benchmarks.bench_read [--points N] [--chunk-size N] [--repeat N]

Starts a throwaway ``influxd``, writes N points (2 tags, 3 fields) as pre-serialized
line protocol, then runs every case in a fresh subprocess (so each one's peak memory is
its own) and prints points per second, the ratio to the raw client's ``get_points`` (and
to its ``DataFrameClient`` for DataFrames) and the peak RSS above the subprocess's start.

A second table replays each client's recorded answer from memory, running the same
client code with no server time: the server (influxd, single query) is the limit of the
first table on small machines, and the second shows what each client itself costs.

Every case runs the InfluxQL the QuerySet compiles for ``Bench.series.all()``.
Cases: the raw client's ``query().get_points()`` and ``DataFrameClient.query()``; the
limit (the server's chunked msgpack answer decoded, nothing else built); influxpy's
public QuerySet: ``values_list().iterator()`` (tuples), ``iterator()`` (instances, both
streamed in chunks), ``list(all())`` (instances, kept) and ``to_dataframe()``.
Iterators are consumed without keeping their rows, as a streaming reader would.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

MEASUREMENT = 'bench'
DATABASE = 'bench'
START_NS = 1_700_000_000_000_000_000
STEP_NS = 1_000_000_007  # about a second, with nanoseconds that must survive
HOSTS = 100
REGIONS = ('us-east-1', 'us-west-2', 'eu-west-1', 'ap-south-1')
BATCH = 50_000


def line_protocol(count: int) -> Iterable[bytes]:
    """Batches of pre-serialized points: 2 tags, floats cpu and mem, integer requests."""
    lines = []
    for i in range(count):
        lines.append(f'{MEASUREMENT},host=h{i % HOSTS:03d},region={REGIONS[i % 4]} '
                     f'cpu={(i % 1000) / 7!r},mem={i * 0.5!r},requests={i}i '
                     f'{START_NS + i * STEP_NS}')
        if len(lines) == BATCH:
            yield '\n'.join(lines).encode()
            lines = []
    if lines:
        yield '\n'.join(lines).encode()


_model: Any = None


def model() -> Any:
    global _model
    if _model is None:
        _model = _declare()
    return _model


def _declare() -> Any:
    from influxpy import fields, models

    class Bench(models.InfluxMeasurement):
        measurement = MEASUREMENT
        cpu = fields.FloatField()
        mem = fields.FloatField()
        requests = fields.IntegerField()
        host = fields.InfluxTag()
        region = fields.InfluxTag()

    return Bench


def _count(iterator: Iterable[Any]) -> int:
    count = 0
    for _ in iterator:
        count += 1
    return count


# -- the cases: each returns the number of points it read -----------------------------

class RecordedSession:
    """Stands in for a ``requests`` session: records the first answer, then replays it.

    With it the clients' own code runs unchanged (decoding, rows, DataFrames) while the
    server does nothing: what remains is each client's own cost.
    """

    def __init__(self, session: Any) -> None:
        self.session = session
        self.answer: tuple[int, Any, bytes] | None = None

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        import requests

        if self.answer is None:
            kwargs['stream'] = False
            real = self.session.request(method, url, **kwargs)
            self.answer = (real.status_code, real.headers, real.content)
        response = requests.Response()
        response.status_code, response.headers, response._content = self.answer
        response._content_consumed = True
        response.url = url
        return response

    def __getattr__(self, name: str) -> Any:
        return getattr(self.session, name)


class Context:
    """Clients for one case; in recorded mode they answer from memory after one request."""

    def __init__(self, url: str, chunk_size: int, recorded: bool) -> None:
        self.url = url
        self.chunk_size = chunk_size
        self.recorded = recorded
        self._clients: dict[str, Any] = {}

    def client(self, kind: str) -> Any:
        if kind not in self._clients:
            import influxdb

            from influxpy.connection import parse_url

            settings = parse_url(self.url)
            client = getattr(influxdb, kind)(host=settings.host, port=settings.port,
                                             database=DATABASE, timeout=300)
            if self.recorded:
                client._session = RecordedSession(client._session)
            self._clients[kind] = client
        return self._clients[kind]

    def connection(self) -> Any:
        """influxpy's default connection (what the QuerySet uses)."""
        if 'influxpy' not in self._clients:
            import influxpy

            connection = influxpy.connect(f'{self.url}/{DATABASE}', timeout=300)
            if self.recorded:
                connection._session = RecordedSession(connection.session)
            self._clients['influxpy'] = connection
        return self._clients['influxpy']


def query_text() -> str:
    """What the QuerySet runs for all points; the raw clients run the same text."""
    return str(model().series.all().query)


def case_raw_get_points(ctx: Context) -> int:
    return _count(ctx.client('InfluxDBClient').query(query_text()).get_points())


def case_raw_dataframe(ctx: Context) -> int:
    # epoch='ns': with pandas 3 its parsing of RFC3339 times fails on mixed fraction lengths.
    frames = ctx.client('DataFrameClient').query(query_text(), epoch='ns')
    return len(frames[MEASUREMENT])


def case_limit(ctx: Context) -> int:
    count = 0
    for chunk in ctx.connection().query_chunks(query_text(), chunk_size=ctx.chunk_size):
        for series in chunk.get('series', ()):
            count += len(series['values'])
    return count


def case_tuples(ctx: Context) -> int:
    ctx.connection()
    return _count(model().series.values_list().iterator(chunk_size=ctx.chunk_size))


def case_instances(ctx: Context) -> int:
    ctx.connection()
    return _count(model().series.iterator(chunk_size=ctx.chunk_size))


def case_instances_list(ctx: Context) -> int:
    ctx.connection()
    return len(list(model().series.all()))


def case_dataframe(ctx: Context) -> int:
    ctx.connection()
    return len(model().series.to_dataframe())


def case_dataframe_chunked(ctx: Context) -> int:
    # What to_dataframe() costs when fed from a chunked answer (see the closing note).
    from influxpy.results import iter_series, to_dataframe

    chunks = ctx.connection().query_chunks(query_text(), chunk_size=ctx.chunk_size)
    return len(to_dataframe(model(), iter_series(chunks)))


CASES: dict[str, tuple[str, Callable[[Context], int]]] = {
    'raw_get_points': ('raw client: query().get_points()', case_raw_get_points),
    'raw_dataframe': ('raw client: DataFrameClient.query()', case_raw_dataframe),
    'limit': ('limit: chunked msgpack, decoded only', case_limit),
    'tuples': ('influxpy: values_list().iterator()', case_tuples),
    'instances': ('influxpy: iterator() (instances)', case_instances),
    'instances_list': ('influxpy: list(all()) (instances)', case_instances_list),
    'dataframe': ('influxpy: to_dataframe()', case_dataframe),
    'dataframe_chunked': ('influxpy: results.to_dataframe, chunked', case_dataframe_chunked),
}
# DataFrames compare with DataFrameClient, the other cases with get_points.
BASELINE = {'dataframe': 'raw_dataframe', 'dataframe_chunked': 'raw_dataframe'}


def _rss_kib() -> int:
    with open('/proc/self/statm') as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() // 1024


def run_child(name: str, url: str, chunk_size: int, recorded: bool) -> None:
    """In a fresh interpreter: run one case, print seconds, points and peak RSS growth."""
    # Import what the cases need first: only the reading counts.
    import influxdb  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    import influxpy.results  # noqa: F401

    function = CASES[name][1]
    ctx = Context(url, chunk_size, recorded)
    if recorded:
        function(ctx)  # records the answer (and warms up); its memory is not reported
    start_rss = _rss_kib()
    started = time.perf_counter()
    points = function(ctx)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # Linux: KiB
    print(json.dumps({'seconds': seconds, 'points': points,
                      'peak_mib': None if recorded else max(peak_kib - start_rss, 0) / 1024}))


def run_case(name: str, url: str, chunk_size: int, repeat: int,
             recorded: bool) -> dict[str, Any]:
    best: dict[str, Any] | None = None
    for _ in range(repeat):
        command = [sys.executable, '-m', 'benchmarks.bench_read', '--child', name,
                   '--url', url, '--chunk-size', str(chunk_size)]
        output = subprocess.run(command + (['--recorded'] if recorded else []),
                                check=True, capture_output=True, text=True).stdout
        result = json.loads(output.strip().splitlines()[-1])
        if best is None or result['seconds'] < best['seconds']:
            best = result
    assert best is not None
    return best


def report(title: str, names: list[str], url: str, args: argparse.Namespace,
           recorded: bool) -> None:
    print(f'\n{title}')
    print(f'{"case":<40} {"seconds":>8} {"points/s":>10} {"ratio":>15} {"peak MB":>8}')
    results: dict[str, dict[str, Any]] = {}
    for name in names:
        result = results[name] = run_case(name, url, args.chunk_size, args.repeat, recorded)
        if result['points'] != args.points:
            raise SystemExit(f'{name} read {result["points"]} points, not {args.points}')
        rate = result['points'] / result['seconds']
        baseline = BASELINE.get(name, 'raw_get_points')
        ratio = ''
        if baseline in results and name != baseline:
            ratio = (f'{results[baseline]["seconds"] / result["seconds"]:.2f}x '
                     f'{"DataFrameClient" if baseline == "raw_dataframe" else "get_points"}')
        peak = '' if result['peak_mib'] is None else f'{result["peak_mib"]:.0f}'
        print(f'{CASES[name][0]:<40} {result["seconds"]:>8.2f} {rate:>10,.0f} '
              f'{ratio:>15} {peak:>8}', flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--points', type=int, default=1_000_000)
    parser.add_argument('--chunk-size', type=int, default=10_000)
    parser.add_argument('--repeat', type=int, default=1, help='best of N runs per case')
    parser.add_argument('--cases', default=','.join(CASES), help='comma-separated')
    parser.add_argument('--no-recorded', action='store_true',
                        help='skip the second table (answers replayed from memory)')
    parser.add_argument('--child', help=argparse.SUPPRESS)
    parser.add_argument('--url', help=argparse.SUPPRESS)
    parser.add_argument('--recorded', action='store_true', help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_child(args.child, args.url, args.chunk_size, args.recorded)
        return

    import influxpy
    from influxpy.testing import start_server

    names = args.cases.split(',')
    with start_server() as server:
        connection = influxpy.connect(f'{server.url}/{DATABASE}', timeout=300)
        connection.query(f'CREATE DATABASE {DATABASE}')
        started = time.perf_counter()
        for batch in line_protocol(args.points):
            connection.write(batch)
        print(f'wrote {args.points:,} points (2 tags, 3 fields) in '
              f'{time.perf_counter() - started:.1f} s; reading them back with '
              f'chunk_size={args.chunk_size:,}, best of {args.repeat}; '
              f'peak MB: RSS above the start of each case\'s own process')
        report('From the server (end to end):', names, server.url, args, recorded=False)
        if not args.no_recorded:
            report('Client side only (each client replays its recorded answer: '
                   'no server time):', names, server.url, args, recorded=True)


if __name__ == '__main__':
    main()
