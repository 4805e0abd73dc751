"""``python -m influxpy demo``: a guided tour on a real time series.

Starts a throwaway ``influxd`` unless a server is configured, loads Seattle's daily
weather 2012-2015 (shipped inside the ``vega_datasets`` package, read from disk: no
network) or, without that package, generated server metrics; declares a model with
downsampling tiers, syncs it with backfill, and runs a few queries, printing for each
the Python, the InfluxQL and the answer as a table. It ends with an exported CSV.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from ..connection import Connection, connect, disconnect, parse_url
from ..exceptions import ConfigurationError
from ..quoting import quote_ident
from ..schema import list_databases, show_measurements
from ..synchronize import tier_measurement
from .demo_data import SeattleWeather, ServerMetrics, weather_csv_path
from .tours import Tour, metrics_tour, weather_tour

DEMO_DATABASE = 'influxpy_demo'


@contextlib.contextmanager
def _server(url: str | None, tour: Tour) -> Iterator[str]:
    """The demo's connection URL (with its database), starting a server when needed."""
    if url:
        settings = parse_url(url)
        database = settings.database or DEMO_DATABASE
        server = settings.safe_url.rsplit('/', 1)[0] if settings.database else \
            settings.safe_url
        tour.say(f'Using the InfluxDB at {server}, database {database!r}')
        if settings.database:
            yield url
        else:
            base, _, query = url.partition('?')
            yield f'{base.rstrip("/")}/{DEMO_DATABASE}' + (f'?{query}' if query else '')
        return
    from ..testing import start_server
    tour.say('No server configured (--url or INFLUX_DATABASE_URL): starting a throwaway '
             'influxd...')
    instance = start_server()
    try:
        tour.say(f'InfluxDB running at {instance.http_url} (stopped and removed at the end)')
        yield f'{instance.url}/{DEMO_DATABASE}'
    finally:
        instance.stop()


DEMO_MEASUREMENTS = {SeattleWeather._meta.measurement, ServerMetrics._meta.measurement} | {
    tier_measurement(model, tier) for model in (SeattleWeather, ServerMetrics)
    for tier in model._meta.tiers}


def _fresh_database(conn: Connection) -> None:
    """Create the demo's database, or empty it if it only holds an earlier demo's data."""
    database = conn.database or DEMO_DATABASE
    if database in list_databases(using=conn.alias):
        found = set(show_measurements(database, using=conn.alias))
        if found - DEMO_MEASUREMENTS:
            raise ConfigurationError(
                f'database {database!r} holds other data ({", ".join(sorted(found)[:5])}…); '
                'the demo will not touch it: point --url at a new database')
        conn.query(f'DROP DATABASE {quote_ident(database)}', epoch=None)
    conn.query(f'CREATE DATABASE {quote_ident(database)}', epoch=None)


def run_demo(url: str | None = None, *, output: str | None = None, dataset: str = 'auto',
             weather_csv: str | None = None, out: TextIO | None = None,
             progress: bool | None = None) -> int:
    """Run the tour; return 0. ``weather_csv`` replaces vega's file (same columns)."""
    stream = out if out is not None else sys.stdout
    reconfigure: Callable[..., Any] | None = getattr(stream, 'reconfigure', None)
    if reconfigure is not None:
        reconfigure(errors='replace')  # a terminal without UTF-8 gets '?' for '°'
    tour = Tour(stream)
    started = time.monotonic()
    path = weather_csv or (weather_csv_path() if dataset in ('auto', 'weather') else None)
    if dataset == 'weather' and path is None:
        raise ConfigurationError("the weather dataset needs the vega_datasets package: "
                                 "pip install vega_datasets (or use --dataset metrics)")
    if output is None:
        output = os.path.join(tempfile.mkdtemp(prefix='influxpy-demo-'),
                              'weekly.csv' if path else 'hourly.csv')
    tour.say('influxpy demo: a Django-style ORM for InfluxDB 1.x, on a real time series')
    tour.say()
    with _server(url, tour) as connection_url:
        conn = connect(connection_url)
        try:
            _fresh_database(conn)
            if path:
                weather_tour(tour, path, output, progress)
            else:
                metrics_tour(tour, output, progress)
        finally:
            disconnect()
    tour.say()
    tour.say(f'Done in {time.monotonic() - started:.1f} s. Next: python -m influxpy --help')
    return 0
