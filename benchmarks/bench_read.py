"""Reading points back: influxpy against the raw ``influxdb`` client, in one run.

    python -m benchmarks.bench_read [--points N] [--chunk-size N] [--repeat N]

Starts a throwaway ``influxd``, writes N points (2 tags, 3 fields) as pre-serialized
line protocol, then runs every case in a fresh subprocess (so each one's peak memory is
its own) and prints points per second, the ratio to the raw client's ``get_points`` (and
to its ``DataFrameClient`` for DataFrames) and the peak RSS above the subprocess's start.

Cases: the raw client's ``query().get_points()`` and ``DataFrameClient.query()``; the
limit (the server's chunked msgpack answer decoded, nothing else built); influxpy's
tuples, instances, instances streamed in chunks, and DataFrame. Iterators are consumed
without keeping their rows, as a streaming reader would.
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
QUERY = f'SELECT * FROM {MEASUREMENT}'
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


def model() -> Any:
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

def case_raw_get_points(url: str, chunk_size: int) -> int:
    from influxdb import InfluxDBClient

    host, port = _host_port(url)
    client = InfluxDBClient(host=host, port=port, database=DATABASE)
    return _count(client.query(QUERY).get_points())


def case_raw_dataframe(url: str, chunk_size: int) -> int:
    from influxdb import DataFrameClient

    host, port = _host_port(url)
    client = DataFrameClient(host=host, port=port, database=DATABASE)
    # epoch='ns': with pandas 3 its parsing of RFC3339 times fails on mixed fraction lengths.
    return len(client.query(QUERY, epoch='ns')[MEASUREMENT])


def case_limit(url: str, chunk_size: int) -> int:
    connection = _connect(url)
    count = 0
    for chunk in connection.query_chunks(QUERY, chunk_size=chunk_size):
        for series in chunk.get('series', ()):
            count += len(series['values'])
    return count


def case_tuples(url: str, chunk_size: int) -> int:
    from influxpy.results import iter_series, to_tuples

    connection = _connect(url)
    chunks = connection.query_chunks(QUERY, chunk_size=chunk_size)
    return _count(to_tuples(model(), iter_series(chunks)))


def case_instances(url: str, chunk_size: int) -> int:
    from influxpy.results import iter_series, to_instances

    connection = _connect(url)
    chunks = connection.query_chunks(QUERY, chunk_size=chunk_size)
    return _count(to_instances(model(), iter_series(chunks)))


def case_instances_list(url: str, chunk_size: int) -> int:
    from influxpy.results import iter_series, to_instances

    connection = _connect(url)
    chunks = connection.query_chunks(QUERY, chunk_size=chunk_size)
    return len(list(to_instances(model(), iter_series(chunks))))


def case_dataframe(url: str, chunk_size: int) -> int:
    from influxpy.results import iter_series, to_dataframe

    connection = _connect(url)
    chunks = connection.query_chunks(QUERY, chunk_size=chunk_size)
    return len(to_dataframe(model(), iter_series(chunks)))


CASES: dict[str, tuple[str, Callable[[str, int], int]]] = {
    'raw_get_points': ('raw client: query().get_points()', case_raw_get_points),
    'raw_dataframe': ('raw client: DataFrameClient.query()', case_raw_dataframe),
    'limit': ('limit: chunked msgpack, decoded only', case_limit),
    'tuples': ('influxpy: to_tuples (values_list)', case_tuples),
    'instances': ('influxpy: to_instances, streamed', case_instances),
    'instances_list': ('influxpy: to_instances, all kept', case_instances_list),
    'dataframe': ('influxpy: to_dataframe', case_dataframe),
}
BASELINE = {'dataframe': 'raw_dataframe'}  # other cases compare with raw_get_points


def _host_port(url: str) -> tuple[str, int]:
    from influxpy.connection import parse_url

    settings = parse_url(url)
    return settings.host, settings.port


def _connect(url: str) -> Any:
    import influxpy

    return influxpy.connect(f'{url}/{DATABASE}', timeout=300)


def _rss_kib() -> int:
    with open('/proc/self/statm') as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() // 1024


def run_child(name: str, url: str, chunk_size: int) -> None:
    """In a fresh interpreter: run one case, print seconds, points and peak RSS growth."""
    # Import what the case needs first: only the reading counts.
    import influxdb  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    import influxpy.results  # noqa: F401

    function = CASES[name][1]
    start_rss = _rss_kib()
    started = time.perf_counter()
    points = function(url, chunk_size)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # Linux: KiB
    print(json.dumps({'seconds': seconds, 'points': points,
                      'peak_mib': max(peak_kib - start_rss, 0) / 1024}))


def run_case(name: str, url: str, chunk_size: int, repeat: int) -> dict[str, Any]:
    best: dict[str, Any] | None = None
    for _ in range(repeat):
        output = subprocess.run(
            [sys.executable, '-m', 'benchmarks.bench_read', '--child', name, '--url', url,
             '--chunk-size', str(chunk_size)],
            check=True, capture_output=True, text=True).stdout
        result = json.loads(output.strip().splitlines()[-1])
        if best is None or result['seconds'] < best['seconds']:
            best = result
    assert best is not None
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--points', type=int, default=1_000_000)
    parser.add_argument('--chunk-size', type=int, default=10_000)
    parser.add_argument('--repeat', type=int, default=1, help='best of N runs per case')
    parser.add_argument('--cases', default=','.join(CASES), help='comma-separated')
    parser.add_argument('--child', help=argparse.SUPPRESS)
    parser.add_argument('--url', help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_child(args.child, args.url, args.chunk_size)
        return

    import influxpy
    from influxpy.testing import start_server

    with start_server() as server:
        connection = influxpy.connect(f'{server.url}/{DATABASE}', timeout=300)
        connection.query(f'CREATE DATABASE {DATABASE}')
        started = time.perf_counter()
        for batch in line_protocol(args.points):
            connection.write(batch)
        print(f'wrote {args.points:,} points (2 tags, 3 fields) in '
              f'{time.perf_counter() - started:.1f} s; reading them back with '
              f'chunk_size={args.chunk_size:,}, best of {args.repeat}')
        results: dict[str, dict[str, Any]] = {}
        print(f'{"case":<40} {"seconds":>8} {"points/s":>10} {"ratio":>14} {"peak MB":>8}')
        for name in args.cases.split(','):
            result = results[name] = run_case(name, server.url, args.chunk_size, args.repeat)
            if result['points'] != args.points:
                raise SystemExit(f'{name} read {result["points"]} points, not {args.points}')
            rate = result['points'] / result['seconds']
            baseline = BASELINE.get(name, 'raw_get_points')
            ratio = ''
            if baseline in results and name != baseline:
                base = results[baseline]
                ratio = f'{base["seconds"] / result["seconds"]:.2f}x {baseline.split("_")[1]}'
            print(f'{CASES[name][0]:<40} {result["seconds"]:>8.2f} {rate:>10,.0f} '
                  f'{ratio:>14} {result["peak_mib"]:>8.0f}')


if __name__ == '__main__':
    main()
