"""What the chain says is what comes back, or a QueryError explains: descending time keeps
the series in their tags' order; offsets in a zone across a DST change are refused."""

from __future__ import annotations

import pytest

from influxpy import fields, models
from influxpy.aggregates import Max
from influxpy.connection import Connection
from influxpy.exceptions import QueryError
from influxpy.resolutions import Day, Hour, Minute

MINUTE = 60 * 10**9


class Host(models.InfluxMeasurement):
    measurement = 'hosts'
    host = fields.InfluxTag()
    v = fields.FloatField()


def test_descending_time_keeps_the_series_in_tag_order(influx_db: Connection) -> None:
    Host.series.bulk_create([Host(host=h, v=float(i), time=i * MINUTE + n)
                             for n, h in enumerate('cab') for i in range(5)])
    (asc,) = influx_db.query('SELECT max(v) FROM hosts WHERE time < 600000000000 '
                             'GROUP BY time(1m), host fill(none)')
    (desc,) = influx_db.query('SELECT max(v) FROM hosts WHERE time < 600000000000 '
                              'GROUP BY time(1m), host fill(none) ORDER BY time DESC')
    tag_order = [s['tags']['host'] for s in asc['series']]
    assert tag_order == ['a', 'b', 'c']
    assert [s['tags']['host'] for s in desc['series']] == ['c', 'b', 'a']  # the server's
    per_tag = {s['tags']['host']: s['values'] for s in desc['series']}
    qs = (Host.series.filter(time__lt=10 * MINUTE).group_by('host')
          .annotate(m=Max('v')).resolution(Minute(1)).fill('none').order_by('-time'))
    got = list(qs)
    assert [r.tags['host'] for r in got] == tag_order
    for r in got:
        assert [[p['time'].time_ns, p['m']] for p in r.points] == per_tag[r.tags['host']]
    rows = list(qs.values('host', 'm'))
    assert [row['host'] for row in rows] == [h for h in tag_order for _ in range(5)]


def test_an_offset_in_a_zone_is_refused_where_influxdb_misplaces_buckets() -> None:
    qs = Host.series.annotate(m=Max('v'))
    for resolution, offset in ((Day(1), Hour(6)), ('1w', '4d'), ('2h', '30m')):
        with pytest.raises(QueryError, match='daylight saving'):
            str(qs.resolution(resolution, offset=offset).tz('Europe/Paris').query)
    # Without the offset, or in UTC, or buckets of an hour or less: as before.
    str(qs.resolution(Day(1)).tz('Europe/Paris').query)
    str(qs.resolution(Day(1), offset=Hour(6)).query)
    str(qs.resolution('1h', offset='15m').tz('Europe/Paris').query)
    # A bounded range in which the zone keeps one offset is fine; across a change it is not.
    winter = qs.filter(time__gte='2024-01-08T00:00:00Z', time__lt='2024-02-05T00:00:00Z')
    str(winter.resolution('1w', offset='4d').tz('Europe/Paris').query)
    spring = qs.filter(time__gte='2024-03-04T00:00:00Z', time__lt='2024-04-08T00:00:00Z')
    with pytest.raises(QueryError, match='daylight saving'):
        str(spring.resolution('1w', offset='4d').tz('Europe/Paris').query)
    str(qs.resolution(Day(1), offset=Hour(6)).tz('Asia/Kolkata').query)  # one offset since 1970


def test_the_server_misplaces_offset_buckets_after_a_dst_change(influx_db: Connection) -> None:
    # Why the refusal above: with 6h-offset days in Paris, the day after the spring change
    # should start at 06:00+02:00; InfluxDB 1.x starts it at 07:00+02:00.
    start = 1711584000 * 10**9  # 2024-03-28T00:00Z
    influx_db.write(''.join(f'hosts,host=a v=1 {start + i * 1800 * 10**9}\n'
                            for i in range(8 * 48)).encode())
    (result,) = influx_db.query(
        f"SELECT count(v) FROM hosts WHERE time >= {start} AND time < {start + 8 * 86400 * 10**9}"
        " GROUP BY time(1d, 6h) fill(none) tz('Europe/Paris')")
    starts = [row[0] for row in result['series'][0]['values']]
    five_am_utc, four_am_utc = 1711861200 * 10**9, 1711857600 * 10**9  # 07:00 and 06:00 +02
    assert five_am_utc in starts and four_am_utc not in starts
