"""The demo's models and data: Seattle's weather (from the ``vega_datasets`` package,
read from disk) or generated server metrics."""

from __future__ import annotations

import csv
import importlib.util
import math
import os
import random
from datetime import UTC, datetime, timedelta

from .. import fields, models
from ..schema import Tier

WEATHER_FILE = ('_data', 'seattle-weather.csv')


class SeattleWeather(models.InfluxMeasurement):
    """One day of Seattle's weather; weekly and 4-weekly tiers kept by the server."""

    measurement = 'seattle_weather'
    city = fields.InfluxTag()
    temp_max = fields.FloatField()          # °C
    temp_min = fields.FloatField()          # °C
    precipitation = fields.FloatField()     # mm
    wind = fields.FloatField()              # m/s
    weather = fields.StringField()          # sun, rain, drizzle, snow, fog

    class Meta:
        tiers = [Tier('1w', ('mean', 'min', 'max')),
                 Tier('4w', ('mean', 'max'))]


class FourWeekWeather(models.InfluxMeasurement):
    """The 4w tier."""

    measurement = 'seattle_weather_4w'
    city = fields.InfluxTag()
    mean_temp_max = fields.FloatField(null=True)
    max_temp_max = fields.FloatField(null=True)

    class Meta:
        retention_policy = 'keep_inf'


class ServerMetrics(models.InfluxMeasurement):
    """CPU and load of a few servers every five minutes (generated)."""

    measurement = 'server_metrics'
    host = fields.InfluxTag()
    cpu = fields.FloatField()               # percent
    load = fields.FloatField()

    class Meta:
        tiers = [Tier('1h', ('mean', 'max')), Tier('1d', ('mean',))]


# -- data ---------------------------------------------------------------------------------

def weather_csv_path() -> str | None:
    """``seattle-weather.csv`` inside the installed ``vega_datasets``, or None."""
    spec = importlib.util.find_spec('vega_datasets')
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(location, *WEATHER_FILE)
        if os.path.exists(path):
            return path
    return None


def read_weather(path: str) -> list[SeattleWeather]:
    """The rows of vega's ``seattle-weather.csv`` (``2012/01/01,0.0,12.8,5.0,4.7,drizzle``)."""
    points = []
    with open(path, newline='', encoding='utf-8') as handle:
        for row in csv.DictReader(handle):
            day = datetime.strptime(row['date'], '%Y/%m/%d').replace(tzinfo=UTC)
            points.append(SeattleWeather(
                time=day, city='Seattle', temp_max=float(row['temp_max']),
                temp_min=float(row['temp_min']), precipitation=float(row['precipitation']),
                wind=float(row['wind']), weather=row['weather']))
    return points


def generate_metrics(days: int = 14, seed: int = 7) -> list[ServerMetrics]:
    """Server metrics with a daily rhythm, noise and a busy afternoon (reproducible)."""
    rng = random.Random(seed)
    start = datetime(2024, 3, 4, tzinfo=UTC)
    points = []
    for host, base in (('web-1', 35.0), ('web-2', 30.0), ('db-1', 55.0)):
        load = 1.0
        for step in range(days * 288):
            when = start + timedelta(minutes=5 * step)
            hour = when.hour + when.minute / 60
            daily = 20 * math.sin((hour - 9) / 24 * 2 * math.pi)
            spike = 30.0 if host == 'db-1' and when.day == 12 and 14 <= hour < 16 else 0.0
            cpu = min(100.0, max(0.0, base + daily + spike + rng.gauss(0, 4)))
            load = max(0.0, 0.8 * load + 0.2 * cpu / 20 + rng.gauss(0, 0.05))
            points.append(ServerMetrics(time=when, host=host, cpu=round(cpu, 2),
                                        load=round(load, 3)))
    return points
