"""One quoting function per literal kind: exact text, then what the real server reads."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from influxpy.connection import Connection
from influxpy.exceptions import QueryError
from influxpy.quoting import (
    quote_bool,
    quote_duration,
    quote_ident,
    quote_number,
    quote_regex,
    quote_string,
    quote_time,
    quote_value,
)

HOSTILE = ["it's", 'dq"x', 'back\\slash', '\\', '\\\\', "\\'", 'a/b', '/', '\\/', '$x',
           '$p0', 'ünï😀', 'tab\tx', 'new\nline', 'a\\nb', '.*', '[a-z]+', '(?i)x', '^$',
           '', ' ', 'ends\\', '\u2028', '\x7f', '\x01']
server_settings = settings(max_examples=60, deadline=None, derandomize=True,
                           suppress_health_check=[HealthCheck.function_scoped_fixture])
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=3)),
                        max_size=5).map(''.join).filter(lambda s: '\r' not in s and '\0' not in s)


# -- exact text ------------------------------------------------------------------------


def test_identifiers_and_strings_escape_quotes_backslashes_and_newlines() -> None:
    assert quote_ident('cpu load') == '"cpu load"'
    assert quote_ident('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert quote_string("it's \\ \"x\"\n") == "'it\\'s \\\\ \\\"x\\\"\\n'"
    assert quote_string('$p0') == "'$p0'"


@pytest.mark.parametrize('bad', ['a\rb', 'a\x00b'])
def test_carriage_return_and_nul_have_no_influxql_escape(bad: str) -> None:
    with pytest.raises(QueryError, match='bind parameter'):
        quote_string(bad)
    with pytest.raises(QueryError, match='carriage return or NUL'):
        quote_ident(bad)


@pytest.mark.parametrize(('pattern', 'literal'), [
    ('a/b', '/a\\/b/'),
    ('a\\/b', '/a\\\\/b/'),              # RE2's escaped slash survives the scanner
    ('a\\\\', '/a\\\\(?:)/'),            # an escaped backslash must not eat the delimiter
    ('x\ny', '/x\\x{0a}y/'),
    ('x\\\ny', '/x\\x{0a}y/'),           # re.escape's backslash-newline
    ('\r\x00', '/\\x{0d}\\x{00}/'),
    ('^it\'s "q"$', '/^it\'s "q"$/'),
    ('', '//'),
])
def test_regex_literals(pattern: str, literal: str) -> None:
    assert quote_regex(pattern) == literal


def test_regex_from_compiled_pattern_keeps_flags() -> None:
    assert quote_regex(re.compile('^a.b$', re.I | re.S)) == '/(?is)^a.b$/'


def test_regex_ending_in_a_lone_backslash_is_refused() -> None:
    with pytest.raises(QueryError, match='lone backslash'):
        quote_regex('a\\')


@pytest.mark.parametrize(('ns', 'text'), [
    (1, '1ns'), (1_000, '1u'), (1_500, '1500ns'), (1_000_000, '1ms'), (1_000_000_000, '1s'),
    (90_000_000_000, '90s'), (300_000_000_000, '5m'), (3_600_000_000_000, '1h'),
    (86_400_000_000_000, '1d'), (604_800_000_000_000, '1w'), (1_209_600_000_000_000, '2w'),
    (-900_000_000_000, '-15m'), (0, '0s'),
])
def test_durations_use_the_largest_exact_unit(ns: int, text: str) -> None:
    assert quote_duration(ns) == text


def test_time_literals_are_exact_to_the_nanosecond() -> None:
    assert quote_time(0) == "'1970-01-01T00:00:00Z'"
    assert quote_time(1) == "'1970-01-01T00:00:00.000000001Z'"
    assert quote_time(-1) == "'1969-12-31T23:59:59.999999999Z'"
    paris = timezone(timedelta(hours=1))
    assert quote_time(datetime(2024, 1, 1, 1, tzinfo=paris)) == "'2024-01-01T00:00:00Z'"
    assert quote_time('2024-01-01T00:00:00.123456789Z') == "'2024-01-01T00:00:00.123456789Z'"
    with pytest.raises(QueryError, match='not a time'):
        quote_time(None)


def test_numbers_never_use_an_exponent() -> None:
    assert quote_number(5) == '5'
    assert quote_number(-5) == '-5'
    assert quote_number(2.0) == '2.0'
    assert quote_number(1e-6) == '0.000001'
    assert quote_number(1e16) == '10000000000000000.0'
    assert quote_number(Decimal('1.25')) == '1.25'
    assert quote_number(2 ** 63 - 1) == '9223372036854775807'
    for bad in (2 ** 63, float('nan'), float('inf'), True, '5'):
        with pytest.raises(QueryError):
            quote_number(bad)  # type: ignore[arg-type]


def test_booleans_and_the_value_funnel() -> None:
    assert quote_bool(True) == 'true'
    assert quote_bool(False) == 'false'
    assert quote_value('x') == "'x'"
    assert quote_value(False) == 'false'
    assert quote_value(1.5) == '1.5'
    with pytest.raises(QueryError):
        quote_bool(1)  # type: ignore[arg-type]


# -- what the server reads -------------------------------------------------------------


def _values(conn: Connection, statement: str) -> list[list[object]]:
    (result,) = conn.query(statement)
    return [row for series in result.get('series', []) for row in series['values']]


@server_settings
@given(text=hostile_text)
def test_server_reads_strings_identifiers_and_regexes_back_exactly(
        influx_db: Connection, text: str) -> None:
    influx_db.query('DROP SERIES FROM "q"')
    body = text.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')
    influx_db.write(f'q s="{body}" 1'.encode())
    # The string literal matches exactly that value; the alias comes back as the column.
    (result,) = influx_db.query(f'SELECT "s" AS {quote_ident(text or "x")} FROM "q" '
                                f'WHERE "s" = {quote_string(text)}')
    (series,) = result['series']
    assert series['columns'] == ['time', text or 'x']
    assert series['values'] == [[1, text]]
    # A regex of the escaped text, anchored, matches it too.
    pattern = '^' + re.escape(text) + '$'
    assert _values(influx_db, f'SELECT "s" FROM "q" WHERE "s" =~ {quote_regex(pattern)}') \
        == [[1, text]]


def test_server_reads_durations_times_and_numbers(influx_db: Connection) -> None:
    influx_db.write(b'q v=1.5,i=9007199254740993i 1000000001\nq v=2,i=-5i 2000000000\n')
    since = quote_time(datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC).timestamp().__int__()
                       * 1_000_000_000 + 1)
    assert _values(influx_db, f'SELECT v FROM q WHERE time >= {since}') == \
        [[1000000001, 1.5], [2000000000, 2.0]]
    assert _values(influx_db, f'SELECT v FROM q WHERE time > {since}') == [[2000000000, 2.0]]
    assert _values(influx_db, f'SELECT i FROM q WHERE i = {quote_number(9007199254740993)}') \
        == [[1000000001, 9007199254740993]]
    assert _values(influx_db, f'SELECT v FROM q WHERE v > {quote_number(1e-300)} AND '
                              f'v < {quote_number(1e300)}') == [[1000000001, 1.5],
                                                               [2000000000, 2.0]]
    ago = quote_duration(604_800_000_000_000 * 10_000)  # 10000w: before 1970
    assert len(_values(influx_db, f'SELECT v FROM q WHERE time > now() - {ago}')) == 2
    for unit_ns in (1, 1_000, 1_000_000, 60_000_000_000, 86_400_000_000_000):
        assert _values(influx_db, f'SELECT v FROM q WHERE time < now() - '
                                  f'{quote_duration(unit_ns * 7)}') != []
