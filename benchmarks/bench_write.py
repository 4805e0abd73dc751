"""Write speed: influxpy vs. the raw ``influxdb`` client vs. the server's limit, one run.

    .venv/bin/python -m benchmarks.bench_write [--points 1000000] [--batch 10000]

Starts a throwaway influxd (or uses INFLUX_DATABASE_URL), then writes the same points
(2 tags, 3 fields) each way into a fresh database and prints points/s and ratios:

- influxpy serialize: ``LineSerializer.lines`` over model instances (no I/O);
- influxpy bulk_create: validation, serialization and sending, from model instances;
- raw client: ``InfluxDBClient.write_points`` with dict points;
- limit: the same points pre-serialized to bytes and POSTed on one connection.
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from collections.abc import Callable
from typing import Any

import requests

import influxpy
from influxpy import fields, models
from influxpy.lineprotocol import serializer_for
from influxpy.quoting import quote_ident
from influxpy.testing import ExternalServer, start_server

START_NS = 1_600_000_000_000_000_000


class Metric(models.InfluxMeasurement):
    measurement = 'bench'
    host = fields.InfluxTag()
    region = fields.InfluxTag()
    cpu = fields.FloatField()
    mem = fields.IntegerField()
    ok = fields.BooleanField()


def make_instances(n: int) -> list[Metric]:
    return [Metric(host=f'host-{i % 100}', region=f'region-{i % 7}', cpu=i * 0.001,
                   mem=i, ok=bool(i & 1), time=START_NS + i * 1000) for i in range(n)]


def make_dicts(n: int) -> list[dict[str, Any]]:
    return [{'measurement': 'bench',
             'tags': {'host': f'host-{i % 100}', 'region': f'region-{i % 7}'},
             'fields': {'cpu': i * 0.001, 'mem': i, 'ok': bool(i & 1)},
             'time': START_NS + i * 1000} for i in range(n)]


def timed(fn: Callable[[], Any]) -> float:
    gc.collect()
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--points', type=int, default=1_000_000)
    parser.add_argument('--batch', type=int, default=10_000)
    args = parser.parse_args()
    n, batch = args.points, args.batch

    url = os.environ.get('INFLUX_DATABASE_URL')
    server: Any = ExternalServer(url) if url else start_server()
    db = 'influxpy_bench_write'
    conn = influxpy.connect(f'{server.url}/{db}', timeout=60, retries=0)

    def fresh() -> None:
        conn.query(f'DROP DATABASE {quote_ident(db)}')
        conn.query(f'CREATE DATABASE {quote_ident(db)}')

    def count() -> int:
        (result,) = conn.query('SELECT count(cpu) FROM bench')
        return int(result['series'][0]['values'][0][1])

    try:
        print(f'{n:,} points (2 tags, 3 fields), batches of {batch:,}, server {server!r}')
        instances = make_instances(n)
        serializer = serializer_for(Metric)
        lines: list[str] = []
        results: dict[str, float] = {}

        def serialize() -> None:
            nonlocal lines
            lines = serializer.lines(instances)
        results['influxpy serialize (no I/O)'] = n / timed(serialize)
        payloads = [('\n'.join(lines[i:i + batch]) + '\n').encode()
                    for i in range(0, n, batch)]

        fresh()
        results['influxpy bulk_create'] = n / timed(
            lambda: Metric.series.bulk_create(instances, batch_size=batch))
        assert count() == n, 'influxpy lost points'

        fresh()
        dicts = make_dicts(n)
        raw = conn.client
        results['raw client write_points'] = n / timed(
            lambda: raw.write_points(dicts, time_precision='n', batch_size=batch, database=db))
        assert count() == n, 'raw client lost points'
        dicts.clear()

        fresh()
        session = requests.Session()
        write_url = f'{conn.settings.base_url}/write'
        auth = (conn.settings.username, conn.settings.password or '') \
            if conn.settings.username else None

        def post_all() -> None:
            for payload in payloads:
                response = session.post(write_url, params={'db': db}, data=payload, auth=auth)
                response.raise_for_status()
        results['limit: pre-serialized bytes'] = n / timed(post_all)
        assert count() == n, 'limit run lost points'

        raw_rate = results['raw client write_points']
        limit = results['limit: pre-serialized bytes']
        print(f'{"case":34} {"points/s":>12} {"vs raw":>8} {"vs limit":>9}')
        for name, rate in results.items():
            print(f'{name:34} {rate:12,.0f} {rate / raw_rate:7.2f}x {rate / limit:8.2f}x')
        print('targets: bulk_create >= 3x raw and >= 0.8x limit (within 1.25x); '
              'serialize >= 1,000,000 points/s')
    finally:
        conn.query(f'DROP DATABASE {quote_ident(db)}')
        influxpy.disconnect()
        server.stop()


if __name__ == '__main__':
    main()
