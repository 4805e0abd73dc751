"""The demo's tours: numbered steps, each showing the Python, the InfluxQL and the
answer as a table."""

from __future__ import annotations

import inspect
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from .. import models
from ..aggregates import Count, Derivative, Max, Mean, Min, Sum, Top
from ..resolutions import MONDAY, Day, Duration, Hour, Week
from ..schema import Tier
from ..synchronize import sync, tier_measurement
from ..times import EPOCH
from ..transfer import Progress, export_csv
from .demo_data import (
    FourWeekWeather,
    SeattleWeather,
    ServerMetrics,
    generate_metrics,
    read_weather,
)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain text table; numbers right-aligned with one decimal."""
    def cell(value: Any) -> str:
        if value is None:
            return '-'
        if isinstance(value, float):
            return f'{value:,.1f}'
        if isinstance(value, datetime):
            return value.strftime('%Y-%m-%d %H:%M') if value.hour or value.minute \
                else value.strftime('%Y-%m-%d')
        return str(value)

    text = [[cell(v) for v in row] for row in rows]
    numeric = [all(isinstance(row[i], (int, float)) or row[i] is None for row in rows)
               for i in range(len(headers))]
    widths = [max([len(h)] + [len(row[i]) for row in text]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return '  '.join(v.rjust(w) if numeric[i] else v.ljust(w)
                         for i, (v, w) in enumerate(zip(values, widths))).rstrip()

    return '\n'.join([line(headers), line(['-' * w for w in widths]),
                      *(line(row) for row in text)])


class Tour:
    """Numbered steps: a title, the Python, the InfluxQL, the answer."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.number = 0

    def say(self, text: str = '') -> None:
        self.out.write(text + '\n')
        self.out.flush()

    def step(self, title: str) -> None:
        self.number += 1
        self.say()
        self.say(f'{self.number}. {title}')
        self.say('=' * (len(title) + len(str(self.number)) + 2))

    def code(self, python: str, influxql: str | None = None, prompt: str = '>>>') -> None:
        self.say()
        for line in python.strip('\n').splitlines():
            self.say(f'    {prompt} {line}' if not line.startswith(' ') else f'    ... {line}')
        if influxql:
            self.say(f'    InfluxQL: {influxql}')
        self.say()

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        for line in format_table(headers, rows).splitlines():
            self.say('    ' + line)


def _week_start(day: datetime, offset: Duration | None = None) -> datetime:
    """The first start of a week at or after ``day``: by default an InfluxDB week (they
    count from the epoch, a Thursday), which a 1w tier keeps; with ``offset=MONDAY``
    a calendar week."""
    epoch = EPOCH + timedelta(microseconds=(offset or Day(0)).ns // 1000)
    weeks = -((epoch - day) // timedelta(weeks=1))
    return epoch + timedelta(weeks=weeks)


def _load(tour: Tour, model: type[models.InfluxMeasurement],
          points: Sequence[models.InfluxMeasurement], progress: bool | None) -> None:
    started = time.monotonic()
    batch = max(100, len(points) // 20)
    with Progress(len(points), desc='    writing', unit='points', enabled=progress) as bar:
        for start in range(0, len(points), batch):
            chunk = points[start:start + batch]
            model.series.bulk_create(chunk)
            bar.update(len(chunk))
    tour.say(f'    {len(points):,} points written in {time.monotonic() - started:.2f} s')


def _sync(tour: Tour, model: type[models.InfluxMeasurement]) -> None:
    tour.step('Sync the model: retention policies, continuous queries, backfill')
    tour.code(f'influxpy.sync({model.__name__}, backfill=True)')
    for change in sync(model, backfill=True):
        tour.say(f'    {change.action} {change.target}')
        tour.say(f'        {change.statement}')


def weather_tour(tour: Tour, path: str, output: str, progress: bool | None) -> None:
    tour.step("Load Seattle's weather, 2012-2015 (vega_datasets' seattle-weather.csv)")
    tour.say('    The model, declared once:')
    tour.say()
    for line in inspect.getsource(SeattleWeather).splitlines():
        tour.say('    ' + line)
    tour.say()
    points = read_weather(path)
    _load(tour, SeattleWeather, points, progress)
    _sync(tour, SeattleWeather)

    tour.step('The whole series at a glance')
    qs = SeattleWeather.series.annotate(days=Count('temp_max'), coldest=Min('temp_min'),
                                        hottest=Max('temp_max'), rain=Sum('precipitation'))
    tour.code("SeattleWeather.series.aggregate(days=Count('temp_max'), coldest=Min('temp_min'),"
              "\n    hottest=Max('temp_max'), rain=Sum('precipitation'))", str(qs.query))
    summary = SeattleWeather.series.aggregate(
        days=Count('temp_max'), coldest=Min('temp_min'), hottest=Max('temp_max'),
        rain=Sum('precipitation'))
    tour.table(['days', 'coldest °C', 'hottest °C', 'rain mm'],
               [[summary['days'], summary['coldest'], summary['hottest'], summary['rain']]])

    tour.step('Daily highs, mean per month and year')
    years = sorted({p.time.year for p in points if p.time is not None})
    first = SeattleWeather.series.filter(time__gte=datetime(years[0], 1, 1, tzinfo=UTC),
                                         time__lt=datetime(years[0], 2, 1, tzinfo=UTC))
    tour.code("SeattleWeather.series.filter(time__gte=month_start, time__lt=next_month)"
              "\n    .aggregate(high=Mean('temp_max'))",
              str(first.annotate(high=Mean('temp_max')).query))
    tour.say('    (one query per month: GROUP BY time() has no calendar months)')
    tour.say()
    rows = []
    for month in range(1, 13):
        row: list[Any] = [datetime(2000, month, 1).strftime('%b')]
        for year in years:
            start = datetime(year, month, 1, tzinfo=UTC)
            end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
            row.append(SeattleWeather.series.filter(time__gte=start, time__lt=end)
                       .aggregate(high=Mean('temp_max'))['high'])
        rows.append(row)
    tour.table(['month', *map(str, years)], rows)

    tour.step('The five hottest days')
    qs = SeattleWeather.series.annotate(high=Top('temp_max', 5))
    tour.code("SeattleWeather.series.annotate(high=Top('temp_max', 5))", str(qs.query))
    hottest = sorted(((point['time'], point['high']) for result in qs for point in result),
                     key=lambda item: -item[1])
    tour.table(['day', 'high °C'], hottest)

    year = years[-1]
    tour.step(f'How fast spring warms up: derivative of the weekly mean high, {year}')
    qs = (SeattleWeather.series
          .filter(time__gte=_week_start(datetime(year, 2, 1, tzinfo=UTC), MONDAY),
                  time__lt=_week_start(datetime(year, 7, 1, tzinfo=UTC), MONDAY))
          .annotate(warming=Derivative(Mean('temp_max'), Day(1)), high=Mean('temp_max'))
          .resolution(Week(1), offset=MONDAY))
    tour.code("SeattleWeather.series.filter(time__gte=feb, time__lt=jul)"
              "\n    .annotate(warming=Derivative(Mean('temp_max'), Day(1)),"
              " high=Mean('temp_max'))\n    .resolution(Week(1), offset=MONDAY)"
              "  # weeks from Monday", str(qs.query))
    tour.table(['week of (Monday)', 'mean high °C', '°C per day'],
               [(p['time'], p['high'], p['warming']) for result in qs for p in result][:12])

    tour.step('Reading a downsampled tier: the query picks it by itself')
    start = _week_start(datetime(year, 1, 1, tzinfo=UTC))
    end = start + timedelta(weeks=8)
    qs = (SeattleWeather.series.filter(time__gte=start, time__lt=end)
          .annotate(high=Mean('temp_max'), low=Min('temp_min'), rain=Mean('precipitation'))
          .resolution(Week(1)).group_by('city'))
    tour.code("SeattleWeather.series.filter(time__gte=jan, time__lt=mar)"
              "\n    .annotate(high=Mean('temp_max'), low=Min('temp_min'),"
              " rain=Mean('precipitation'))\n    .resolution(Week(1)).group_by('city')",
              str(qs.query))
    weeks = [(p['time'], p['high'], p['low'], p['rain']) for r in qs for p in r]
    tour.table(['1w tier week of (Thursday)', 'mean high °C', 'lowest °C', 'mean rain mm'],
               weeks)
    raw = [(p['time'], p['high'], p['low'], p['rain']) for r in qs.raw_tier() for p in r]
    tour.say()
    tour.say(f'    The same from the {len(points):,} raw points (qs.raw_tier()): '
             f'{"identical" if raw == weeks else "DIFFERENT"}.')
    qs4 = FourWeekWeather.series.annotate(high=Top('mean_temp_max', 3))
    tour.code("FourWeekWeather.series.annotate(high=Top('mean_temp_max', 3))  # warmest "
              "4 weeks", str(qs4.query))
    tour.table(['4 weeks from', 'mean high °C'],
               sorted(((p['time'], p['high']) for r in qs4 for p in r),
                      key=lambda item: -item[1]))

    _export(tour, SeattleWeather, SeattleWeather._meta.tiers[0], output)


def metrics_tour(tour: Tour, output: str, progress: bool | None) -> None:
    tour.step('Load two weeks of generated server metrics (install vega_datasets for real '
              'weather data)')
    tour.say()
    for line in inspect.getsource(ServerMetrics).splitlines():
        tour.say('    ' + line)
    tour.say()
    points = generate_metrics()
    _load(tour, ServerMetrics, points, progress)
    _sync(tour, ServerMetrics)

    tour.step('Daily mean CPU per host')
    first, last = points[0].time, points[-1].time
    assert first is not None and last is not None
    qs = (ServerMetrics.series.filter(time__gte=first, time__lte=last)
          .annotate(avg=Mean('cpu')).resolution(Day(1)).group_by('host'))
    tour.code("ServerMetrics.series.filter(time__gte=first, time__lte=last)"
              "\n    .annotate(avg=Mean('cpu')).resolution(Day(1)).group_by('host')",
              str(qs.query))
    by_host = {r.tags['host']: {p['time']: p['avg'] for p in r} for r in qs}
    hosts = sorted(by_host)
    days = sorted({day for values in by_host.values() for day in values})
    tour.table(['day', *hosts], [[day, *(by_host[h].get(day) for h in hosts)] for day in days])

    tour.step('The five busiest moments')
    qs = ServerMetrics.series.annotate(busiest=Top('cpu', 'host', 5))
    tour.code("ServerMetrics.series.annotate(busiest=Top('cpu', 'host', 5))  # one per host",
              str(qs.query))
    tour.table(['time', 'host', 'cpu %'],
               sorted(((p['time'], p.get('host'), p['busiest']) for r in qs for p in r),
                      key=lambda item: -item[2]))

    tour.step('Rate of change of the hourly mean load of db-1 on its busy day')
    qs = (ServerMetrics.series.filter(host='db-1', time__gte='2024-03-12T10:00:00Z',
                                      time__lt='2024-03-12T20:00:00Z')
          .annotate(avg=Mean('load'), per_hour=Derivative(Mean('load'), Hour(1)))
          .resolution(Hour(1)))
    tour.code("ServerMetrics.series.filter(host='db-1', time__gte=…, time__lt=…)"
              "\n    .annotate(avg=Mean('load'), per_hour=Derivative(Mean('load'), Hour(1)))"
              "\n    .resolution(Hour(1))", str(qs.query))
    tour.table(['hour', 'load', 'change per hour'],
               [(p['time'], p['avg'], p['per_hour']) for r in qs for p in r])

    tour.step('Reading a downsampled tier: the query picks it by itself')
    qs = (ServerMetrics.series.filter(host='db-1', time__gte='2024-03-12T12:00:00Z',
                                      time__lt='2024-03-12T18:00:00Z')
          .annotate(avg=Mean('cpu'), peak=Max('cpu')).resolution(Hour(1)))
    tour.code("ServerMetrics.series.filter(host='db-1', time__gte=…, time__lt=…)"
              "\n    .annotate(avg=Mean('cpu'), peak=Max('cpu')).resolution(Hour(1))",
              str(qs.query))
    hours = [(p['time'], p['avg'], p['peak']) for r in qs for p in r]
    tour.table(['hour', 'mean cpu %', 'max cpu %'], hours)
    raw = [(p['time'], p['avg'], p['peak']) for r in qs.raw_tier() for p in r]
    tour.say()
    tour.say(f'    The same from the raw points (qs.raw_tier()): '
             f'{"identical" if raw == hours else "DIFFERENT"}.')
    _export(tour, ServerMetrics, ServerMetrics._meta.tiers[0], output)


def _export(tour: Tour, model: type[models.InfluxMeasurement], tier: Tier,
            output: str) -> None:
    tour.step('Export a tier to CSV (data can always leave)')
    measurement, rp = tier_measurement(model, tier), str(tier.retention_policy)
    tour.code(f'python -m influxpy export {measurement} --retention-policy {rp} -o {output}',
              prompt='$')
    with open(output, 'w', newline='', encoding='utf-8') as out:
        report = export_csv(out, measurement=measurement, retention_policy=rp)
    with open(output, encoding='utf-8') as handle:
        head = [next(handle, '').rstrip('\n') for _ in range(3)]
    for line in head:
        tour.say(f'    {line[:96]}' + ('…' if len(line) > 96 else ''))
    tour.say('    …')
    tour.say()
    tour.say(f'    {report.rows:,} rows written to {output}')
