"""A source asks influxd for its series' spans once, and forgets them on its own writes
and deletes (a CSV download asks for page after page of the same query)."""

from __future__ import annotations

from typing import Any

from influxpy.contrib.django.api.sources.model import ModelSource
from influxpy.contrib.django.api.types import PointIn, PointsQuery, TimeRange

from .measurements import Probe

S = 10**9
T0 = 1_700_000_000 * S


def spans(source: ModelSource) -> list[tuple[dict[str, str], int | None, int | None]]:
    page = source.points(PointsQuery(limit=0), None)
    return [(s.tags, s.first, s.last) for s in page.series]


def test_spans_follow_the_sources_own_writes_and_deletes(influx_db: Any) -> None:
    source = ModelSource(Probe)
    assert spans(source) == []
    source.write([PointIn(0, None, T0, {'host': 'a'}, {'cpu': 1.0})])
    assert spans(source) == [({'host': 'a'}, T0, T0)]
    source.write([PointIn(0, None, T0 + S, {'host': 'a'}, {'cpu': 2.0})])
    assert spans(source) == [({'host': 'a'}, T0, T0 + S)]
    # The server's own answer, outside influxpy:
    (result,) = influx_db.query('SELECT count(cpu) FROM probes')
    assert result['series'][0]['values'][0][1] == 2
    assert source.delete((), TimeRange(T0 + S, None), None) == 1
    assert spans(source) == [({'host': 'a'}, T0, T0)]


def test_every_page_of_a_walk_shares_one_ask(influx_db: Any) -> None:
    influx_db.client.write_points([f'probes,host=h{i % 3} cpu={i}.5 {T0 + i * S}'
                                   for i in range(30)], protocol='line',
                                  time_precision='n', database=influx_db.database)
    source = ModelSource(Probe)
    asked = 0
    fetch = source._fetch_spans

    def counted(qs: Any) -> Any:
        nonlocal asked
        asked += 1
        return fetch(qs)

    source._fetch_spans = counted  # type: ignore[method-assign]
    query, seen = PointsQuery(limit=4), []
    while True:
        page = source.points(query, None)
        seen += [(t, s.tags['host']) for s in page.series for t, _ in s.rows]
        assert all(s.first == T0 + int(s.tags['host'][1]) * S for s in page.series)
        if page.next is None:
            break
        query = PointsQuery(limit=4, cursor=page.next)
    assert sorted(seen) == [(T0 + i * S, f'h{i % 3}') for i in range(30)]
    assert asked == 1
