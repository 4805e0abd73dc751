"""Durations: units, fractions, text, timedelta, arithmetic, bounds, Go's duration text.

Expected values come from ``datetime.timedelta`` arithmetic or are written by hand;
tests/query/test_expressions.py covers the common cases of ``to_duration``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from influxpy import resolutions
from influxpy.exceptions import QueryError
from influxpy.resolutions import (
    MONDAY,
    Day,
    Duration,
    Hour,
    Microsecond,
    Millisecond,
    Minute,
    Nanosecond,
    Second,
    Week,
    duration_ns,
    parse_go_duration,
    to_duration,
)

INT64_MAX = 9_223_372_036_854_775_807


def ns(delta: timedelta) -> int:
    """Nanoseconds of a timedelta, by timedelta's own integer division."""
    return delta // timedelta(microseconds=1) * 1000


# -- units -----------------------------------------------------------------------------

@pytest.mark.parametrize('duration, delta', [
    (Microsecond(1), timedelta(microseconds=1)),
    (Millisecond(3), timedelta(milliseconds=3)),
    (Second(59), timedelta(seconds=59)),
    (Minute(61), timedelta(minutes=61)),
    (Hour(25), timedelta(hours=25)),
    (Day(8), timedelta(days=8)),
    (Week(53), timedelta(weeks=53)),
    (Day(-1), timedelta(days=-1)),
    # fractions that are whole nanoseconds
    (Hour(1.5), timedelta(minutes=90)),
    (Minute(0.25), timedelta(seconds=15)),
    (Week(0.5), timedelta(days=3, hours=12)),
    (Day(Decimal('0.1')), timedelta(hours=2, minutes=24)),
    (Second(0.000001), timedelta(microseconds=1)),
    (Millisecond(1.5), timedelta(microseconds=1500)),
])
def test_units_are_exact(duration: Duration, delta: timedelta) -> None:
    assert duration.ns == ns(delta)
    assert duration == delta and duration == Duration(ns(delta))


def test_fractions_down_to_the_nanosecond() -> None:
    assert Millisecond(0.000001).ns == 1 and Microsecond(1.5).ns == 1500
    assert Second(Decimal('1.000000001')).ns == 1_000_000_001
    assert Second(0.1).ns == 100_000_000  # the decimal text 0.1, not the nearest double
    assert Nanosecond(2.0).ns == 2
    cases: list[tuple[Any, str]] = [(0.5e-9, 'whole number of nanoseconds'),
                       (1e-10, 'whole number of nanoseconds'),
                       (Decimal('0.0000000005'), 'whole number of nanoseconds'),
                       (float('nan'), 'whole number|finite'),
                       (float('inf'), 'whole number|finite'),
                       (Decimal('Infinity'), 'whole number|finite'),
                       (Decimal('sNaN'), 'finite'),
                       (True, 'must be a number'), ('1', 'must be a number'),
                       (None, 'must be a number')]
    for bad, words in cases:
        with pytest.raises(QueryError, match=words):
            Second(bad)


def test_a_duration_holds_whole_nanoseconds_only() -> None:
    assert Duration(0).ns == 0 and Duration(-1).ns == -1
    for bad in (1.0, True, '5', Decimal(1), None):
        with pytest.raises(QueryError, match='whole number of nanoseconds'):
            Duration(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize('duration, text, shown', [
    (Minute(90), '90m', 'Minute(90)'),            # no unit larger than a minute is exact
    (Hour(24), '1d', 'Hour(24)'),
    (Day(7), '1w', 'Day(7)'),
    (Day(14), '2w', 'Day(14)'),
    (Second(1.5), '1500ms', 'Second(1.5)'),
    (Microsecond(1000), '1ms', 'Microsecond(1000)'),
    (Nanosecond(1001), '1001ns', 'Nanosecond(1001)'),
    (Minute(-5), '-5m', 'Minute(-5)'),
    (Minute(1) + Second(30), '90s', "Duration('1m30s')"),
    (Duration(0), '0s', "Duration('0s')"),
    (Duration(-(Day(1) + Nanosecond(1)).ns), '-86400000000001ns', "Duration('-1d1ns')"),
    (Week(1) + Day(1) + Hour(1) + Minute(1) + Second(1) + Millisecond(1) + Microsecond(1)
     + Nanosecond(1), '694861001001001ns', "Duration('1w1d1h1m1s1ms1u1ns')"),
])
def test_text_and_repr(duration: Duration, text: str, shown: str) -> None:
    assert str(duration) == text and repr(duration) == shown
    # The text reads back as the same duration (it is InfluxQL's literal).
    assert duration_ns(text, allow_negative=True, allow_zero=True) == duration.ns


# -- arithmetic, compared with timedelta's -------------------------------------------------

PAIRS = [(Hour(1), timedelta(hours=1), Minute(15), timedelta(minutes=15)),
         (Day(1), timedelta(days=1), Microsecond(1), timedelta(microseconds=1)),
         (Second(1.5), timedelta(seconds=1.5), Week(1), timedelta(weeks=1)),
         (Minute(-3), timedelta(minutes=-3), Second(7), timedelta(seconds=7))]


@pytest.mark.parametrize('a, ta, b, tb', PAIRS)
def test_arithmetic_agrees_with_timedelta(a: Duration, ta: timedelta, b: Duration,
                                          tb: timedelta) -> None:
    assert (a + b).ns == ns(ta + tb) and (a - b).ns == ns(ta - tb)
    assert (b - a).ns == ns(tb - ta) and (-a).ns == ns(-ta)
    assert (a * 3).ns == ns(ta * 3) and (3 * a).ns == ns(3 * ta) and (a * -2).ns == ns(ta * -2)
    assert (a + tb).ns == ns(ta + tb) and (a - tb).ns == ns(ta - tb)
    assert type(a + b) is Duration  # a sum is no longer "n minutes"


def test_arithmetic_with_text_and_what_is_refused() -> None:
    assert Hour(1) + '30m' == timedelta(minutes=90)
    assert Hour(1) - '-30m' == timedelta(minutes=90)
    assert Hour(1) + '0s' == Hour(1)
    assert (Minute(1) - Minute(1)).ns == 0
    with pytest.raises(QueryError):
        Hour(1) + 5
    with pytest.raises(QueryError):
        Hour(1) + 'soon'
    with pytest.raises(TypeError):
        Hour(1) * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        Hour(1) * True


def test_equality_and_hash_follow_the_nanoseconds() -> None:
    assert Minute(1) == Second(60) == Duration(60 * 10 ** 9) == timedelta(seconds=60)
    assert hash(Minute(1)) == hash(Second(60)) and len({Minute(1), Second(60), Hour(1)}) == 2
    assert Minute(1) != Minute(2) and Minute(1) != timedelta(seconds=61)
    assert Minute(1) != 60 and Minute(1) != '1m'
    assert Nanosecond(1000) == timedelta(microseconds=1)


# -- duration_ns: text, timedelta, bounds ----------------------------------------------------

@pytest.mark.parametrize('text, delta', [
    ('1h30m', timedelta(hours=1, minutes=30)),
    ('1u', timedelta(microseconds=1)),
    ('1µ', timedelta(microseconds=1)),
    ('3ms', timedelta(milliseconds=3)),
    ('1m1s', timedelta(minutes=1, seconds=1)),
    ('2w3d', timedelta(weeks=2, days=3)),
    ('1d1h1m1s1ms1u', timedelta(days=1, hours=1, minutes=1, seconds=1, milliseconds=1,
                                microseconds=1)),
    ('  5m ', timedelta(minutes=5)),
    ('90m', timedelta(hours=1, minutes=30)),
])
def test_text(text: str, delta: timedelta) -> None:
    assert duration_ns(text) == ns(delta)


def test_signs_and_zero_only_where_allowed() -> None:
    assert duration_ns('-5m', allow_negative=True) == ns(timedelta(minutes=-5))
    assert duration_ns('-1h30m', allow_negative=True) == ns(-timedelta(hours=1, minutes=30))
    assert duration_ns('0s', allow_zero=True) == 0 and duration_ns('0ns', allow_zero=True) == 0
    assert duration_ns(timedelta(days=-1, seconds=1), allow_negative=True) == \
        ns(timedelta(seconds=-86399))
    for value, words in [('-5m', 'negative'), (Minute(-5), 'negative'),
                         (timedelta(microseconds=-1), 'negative'), ('0s', 'zero'),
                         (timedelta(0), 'zero'), (Duration(0), 'zero')]:
        with pytest.raises(QueryError, match=words):
            duration_ns(value)


@pytest.mark.parametrize('junk', ['', 'µ', 'u', 'm', '5', '5 m', '5M', '1.5h', '+5m', '1h-30m',
                                  '5us', '5y', '5mn', '--5m', 'h1', '1h 30m', '5m,'])
def test_junk_text_is_refused_with_the_units_named(junk: str) -> None:
    with pytest.raises(QueryError, match=r'is not a duration.*units: ns, u, µ, ms, s'):
        duration_ns(junk, allow_negative=True, allow_zero=True)


@pytest.mark.parametrize('junk', [5, 5.0, None, b'5m', ['5m'], Decimal(5)])
def test_other_types_are_refused_by_name(junk: Any) -> None:
    with pytest.raises(QueryError, match=f'{type(junk).__name__}.*is not a duration'):
        duration_ns(junk)


def test_what_names_the_value_in_errors() -> None:
    with pytest.raises(QueryError, match="^resolution 'soon' is not a duration"):
        duration_ns('soon', what='resolution')


# INT64_MAX nanoseconds = 106751 days 23:47:16.854775807 (about 292 years).
LONGEST = timedelta(days=106751, hours=23, minutes=47, seconds=16, microseconds=854775)


def test_bounds_of_about_292_years() -> None:
    assert ns(LONGEST) + 807 == INT64_MAX
    assert duration_ns(LONGEST) == INT64_MAX - 807
    assert duration_ns(Nanosecond(INT64_MAX)) == INT64_MAX
    assert duration_ns(Nanosecond(-INT64_MAX), allow_negative=True) == -INT64_MAX
    assert duration_ns('15250w') == ns(timedelta(weeks=15250))
    assert duration_ns('106751d') == ns(timedelta(days=106751))
    assert duration_ns(f'{INT64_MAX}ns') == INT64_MAX
    for too_long in (LONGEST + timedelta(microseconds=1), '15251w', '106752d',
                     f'{INT64_MAX + 1}ns', Nanosecond(INT64_MAX + 1), Week(15251),
                     timedelta.max):
        with pytest.raises(QueryError, match='about 292 years'):
            duration_ns(too_long)
    with pytest.raises(QueryError, match='about 292 years'):
        duration_ns(Nanosecond(-INT64_MAX - 1), allow_negative=True)
    with pytest.raises(QueryError, match='about 292 years'):
        str(Week(15251))  # a literal the server could not read is never written


def test_to_duration() -> None:
    minute = Minute(1)
    assert to_duration(minute) is minute  # a Duration is kept as given (its repr too)
    assert type(to_duration(timedelta(seconds=90))) is Duration
    assert to_duration(timedelta(seconds=90)).ns == ns(timedelta(seconds=90))
    assert to_duration('1h30m') == timedelta(minutes=90)
    assert to_duration(LONGEST).ns == ns(LONGEST)
    for bad in ('-5m', '0s', Minute(0), timedelta(0), 'µ', 60):
        with pytest.raises(QueryError):
            to_duration(bad)


# -- Go's duration text (SHOW RETENTION POLICIES) ----------------------------------------------

@pytest.mark.parametrize('text, expected', [
    ('168h0m0s', ns(timedelta(hours=168))),
    ('1h0m0.5s', ns(timedelta(hours=1, milliseconds=500))),
    ('0s', 0),
    ('0', 0),
    ('720h0m0s', ns(timedelta(days=30))),
    ('1m30s', ns(timedelta(seconds=90))),
    ('500ms', ns(timedelta(milliseconds=500))),
    ('2us', 2000),
    ('1.5µs', 1500),
    ('100ns', 100),
    ('1h0m0.000000001s', ns(timedelta(hours=1)) + 1),
    # Go's longest time.Duration, as Go prints it: every nanosecond kept.
    ('2562047h47m16.854775807s', INT64_MAX),
])
def test_go_duration_text(text: str, expected: int) -> None:
    assert parse_go_duration(text) == expected


@pytest.mark.parametrize('junk', ['', 'abc', 'forever', 'h'])
def test_go_duration_junk(junk: str) -> None:
    with pytest.raises(ValueError, match='not a duration'):
        parse_go_duration(junk)


# -- MONDAY --------------------------------------------------------------------------------------

def test_monday_starts_weeks_on_monday() -> None:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    assert epoch.strftime('%A') == 'Thursday'  # where InfluxDB counts buckets from
    assert MONDAY == timedelta(days=4) and (epoch + timedelta(days=4)).strftime('%A') == 'Monday'
    # Every bucket start epoch + MONDAY + k weeks is a Monday 00:00.
    for k in (-2_000, -1, 0, 1, 2_800):
        start = epoch + timedelta(microseconds=(MONDAY.ns + k * Week(1).ns) // 1000)
        assert start.isoweekday() == 1 and start.time().isoformat() == '00:00:00'
    assert str(MONDAY) == '4d'


def test_public_names() -> None:
    for name in resolutions.__all__:
        assert getattr(resolutions, name) is not None
    assert {'Second', 'Minute', 'Hour', 'Day', 'Week', 'MONDAY', 'to_duration'} <= \
        set(resolutions.__all__)
