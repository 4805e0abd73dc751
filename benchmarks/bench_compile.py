"""Compiling a typical query: microseconds per chain built and per compile, no server.

    .venv/bin/python -m benchmarks.bench_compile [--runs 20000]

The chain is the seed's: filter on a tag and a time range, annotate a mean, resolution,
group by a tag. Prints the best of five runs of each measure.
"""

from __future__ import annotations

import argparse
import timeit
from datetime import UTC, datetime

from influxpy import fields, models
from influxpy.aggregates import Mean
from influxpy.query.compiler import compile_select
from influxpy.resolutions import Minute


class ServerMeasurement(models.InfluxMeasurement):
    measurement = 'servers'
    cpu = fields.InfluxField()
    name = fields.InfluxTag()
    region = fields.InfluxTag()


A = datetime(2024, 1, 1, tzinfo=UTC)
B = datetime(2024, 1, 2, tzinfo=UTC)


def chain() -> object:
    return (ServerMeasurement.series.filter(name='i-3a99f2b', time__gte=A, time__lt=B)
            .annotate(cpu_m=Mean('cpu')).resolution(Minute(5)).group_by('name'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=20_000)
    runs = parser.parse_args().runs
    qs = chain()
    query = qs.query  # type: ignore[attr-defined]
    build = min(timeit.repeat(chain, number=runs, repeat=5)) / runs
    compile_only = min(timeit.repeat(lambda: compile_select(query), number=runs,
                                     repeat=5)) / runs
    both = min(timeit.repeat(lambda: compile_select(chain().query),  # type: ignore[attr-defined]
                             number=runs, repeat=5)) / runs
    print(str(query))
    print(f'build the chain:        {build * 1e6:6.1f} us')
    print(f'compile (text, params): {compile_only * 1e6:6.1f} us')
    print(f'build and compile:      {both * 1e6:6.1f} us   (target: compile under 50 us)')


if __name__ == '__main__':
    main()
