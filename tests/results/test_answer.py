"""``results.records`` and ``iter_series``: the one walk over what the server answered,
checked against answers the server gave to raw InfluxQL, and a hand-built one."""

from __future__ import annotations

from influxpy.connection import Connection
from influxpy.results import iter_series, records


def test_records_of_a_select_and_a_show(influx_db: Connection) -> None:
    influx_db.write(b'm,host=a v=1.5,n=2i 10\nm,host=b v=2.5 20\nother x=1 30\n')
    select = influx_db.query('SELECT * FROM "m"')
    assert list(records(select)) == [('m', {'time': 10, 'host': 'a', 'n': 2, 'v': 1.5}),
                                     ('m', {'time': 20, 'host': 'b', 'n': None, 'v': 2.5})]
    keys = influx_db.query('SHOW TAG KEYS')
    assert list(records(keys)) == [('m', {'tagKey': 'host'})]
    # Two statements, two results: walked in order, series after series.
    both = influx_db.query('SELECT v FROM "m" GROUP BY host; SELECT x FROM "other"')
    assert [(name, row.get('v', row.get('x'))) for name, row in records(both)] == \
        [('m', 1.5), ('m', 2.5), ('other', 1.0)]
    assert [s.get('tags') for s in iter_series(both)] == [{'host': 'a'}, {'host': 'b'}, None]


def test_records_of_answers_without_rows() -> None:
    answers = [{'statement_id': 0}, {'statement_id': 1, 'series': []},
               {'statement_id': 2, 'series': [{'name': 'm', 'columns': ['time', 'v']}]},
               {'statement_id': 3, 'series': [{'columns': ['name'], 'values': [['db']]}]}]
    assert list(records(answers)) == [('', {'name': 'db'})]
