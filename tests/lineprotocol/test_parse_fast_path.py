"""parse_line's fast path for plain lines reads every line exactly as the scanner does."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from influxpy.lineprotocol import parse

# Pieces that make plain lines, nearly plain ones and broken ones.
PIECES = ['m', ' \tv=1', ' \x00v=1', 'cpu', 'host', 'a', 'h1', '=', ',', ' ', '  ', '\t',
          '\\', '"', '1', '-',
          '.', '5', '12.5', '1e5', '1e400', '-.5', '12i', '-3i', '9223372036854775808i',
          '5u', 't', 'true', 'F', 'FALSE', 'N', 'nan', '1_0', '١', 'x=1', ',b=2',
          ' 1700000000000000000', ' -5', ' 99999999999999999999']


def read(reader: Any, text: str) -> Any:
    try:
        return reader(text)
    except ValueError as exc:
        return ('error', str(exc))


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12),
       st.sampled_from(['ns', 'u', 'ms', 's']))
def test_same_answer_as_the_scanner(pieces: list[str], precision: str) -> None:
    text = parse.strip_line(''.join(pieces))
    fast = read(lambda t: parse.parse_line(t, precision), text)
    scanned = read(lambda t: parse._general_line(t, precision), text)
    assert fast == scanned


def test_a_plain_line_takes_the_fast_path() -> None:
    text = 'cpu,host=a,region=eu value=0.5,n=3i,ok=t 1700000000000000000'
    match = parse._SIMPLE.fullmatch(text)
    assert match is not None
    line = parse._simple_line(match, 'ns')
    assert line == parse.Line('cpu', {'host': 'a', 'region': 'eu'},
                              {'value': 0.5, 'n': 3, 'ok': True}, 1_700_000_000_000_000_000)
    assert type(line.fields['n']) is int and type(line.fields['value']) is float
