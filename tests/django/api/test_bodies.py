"""Write bodies (api/bodies.py): JSON, CSV and line protocol, gzip, size caps, and every
problem of a body reported at once. Expected times are worked out by hand:
2024-01-01T00:00:00Z is 1_704_067_200 seconds after the epoch."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from influxpy.contrib.django.api.bodies import MAX_ERRORS, decompress, media_type, parse_body
from influxpy.contrib.django.api.types import APIError, ParameterError, PointIn

T0 = 1_704_067_200 * 10**9
TAGS = ('host', 'region')
FIELDS = {'ratio': 'float', 'count': 'integer', 'ok': 'boolean', 'note': 'string',
          'raw': 'any'}
HOSTILE = ['a b', 'a,b', 'a=b', 'say "hi"', 'back\\slash', 'é€😀', "it's", '#not a comment']


def parse(body: bytes | str, content_type: str = 'application/json', *,
          encoding: str | None = None, max_bytes: int = 1 << 20,
          precision: str = 'ns') -> list[PointIn]:
    data = body.encode() if isinstance(body, str) else body
    return parse_body(data, content_type=content_type, content_encoding=encoding,
                      measurement='probe', tags=TAGS, fields=FIELDS, max_bytes=max_bytes,
                      precision=precision)


def refused(body: bytes | str, content_type: str = 'application/json',
            **kwargs: Any) -> APIError:
    with pytest.raises(APIError) as info:
        parse(body, content_type, **kwargs)
    return info.value


def points_json(*points: dict[str, Any]) -> str:
    return json.dumps({'points': list(points)})


# -- JSON -------------------------------------------------------------------------------

def test_json_points_with_tags_and_fields() -> None:
    body = points_json(
        {'time': '2024-01-01T00:00:00.123456789Z', 'tags': {'host': 'a'},
         'fields': {'ratio': 0.5, 'count': 3, 'ok': True, 'note': 'n'}},
        {'time': '2024-01-01T01:00:00.000000001+01:00', 'tags': {'host': 'b', 'region': 'eu'},
         'fields': {'raw': 'x'}},
        {'tags': {'host': 'c'}, 'fields': {'raw': False}})
    assert parse(body) == [
        PointIn(0, None, T0 + 123_456_789, {'host': 'a'},
                {'ratio': 0.5, 'count': 3, 'ok': True, 'note': 'n'}),
        PointIn(1, None, T0 + 1, {'host': 'b', 'region': 'eu'}, {'raw': 'x'}),
        PointIn(2, None, None, {'host': 'c'}, {'raw': False})]


def test_json_flat_objects_split_into_tags_and_fields() -> None:
    body = json.dumps([{'time': T0, 'host': 'a', 'ratio': 1.5, 'note': None},
                       {'host': 'b', 'region': None, 'count': -7}])
    assert parse(body) == [PointIn(0, None, T0, {'host': 'a'}, {'ratio': 1.5}),
                           PointIn(1, None, None, {'host': 'b'}, {'count': -7})]


def test_json_floats_and_integers_are_exact() -> None:
    extremes = {'ratio': '0x1.fffffffffffffp+1023', 'raw': '0x0.0000000000001p-1022',
                'note': '0x1.3333333333334p-2'}  # max, smallest subnormal, 0.30000000000000004
    text = ('[{"host": "a", "ratio": 1.7976931348623157e308, "raw": 5e-324, '
            '"count": 9223372036854775807},'
            ' {"host": "b", "ratio": 0.30000000000000004, "count": 123456789012345678901234}]')
    first, second = parse(text)
    assert first.fields['ratio'].hex() == extremes['ratio']
    assert first.fields['raw'].hex() == extremes['raw']
    assert second.fields['ratio'].hex() == extremes['note']
    assert first.fields['count'] == 2**63 - 1
    # Beyond 64 bits an integer stays an integer (the model refuses it, not the parser).
    assert second.fields['count'] == 123456789012345678901234
    assert type(second.fields['count']) is int


@pytest.mark.parametrize('precision, time, expected', [
    ('ns', T0 + 1, T0 + 1), ('us', 1_704_067_200_000_001, T0 + 1_000),
    ('ms', 1_704_067_200_001, T0 + 1_000_000), ('s', 1_704_067_201, T0 + 10**9),
    ('s', -1, -10**9)])
def test_integer_times_are_epoch_in_the_precision(precision: str, time: int,
                                                  expected: int) -> None:
    body = json.dumps([{'time': time, 'host': 'a', 'ratio': 1.0}])
    assert parse(body, precision=precision)[0].time_ns == expected
    lp = f'probe,host=a ratio=1 {time}\n'
    assert parse(lp, 'text/plain', precision=precision)[0].time_ns == expected
    csv = f'time,host,ratio\n{time},a,1\n'
    assert parse(csv, 'text/csv', precision=precision)[0].time_ns == expected


def test_an_unknown_precision_names_the_parameter() -> None:
    with pytest.raises(ParameterError) as info:
        parse('[{"host": "a", "ratio": 1}]', precision='minutes')
    assert info.value.parameter == 'precision'
    assert info.value.errors[0]['valid'] == ['s', 'ms', 'us', 'ns']


def test_hostile_strings_are_kept_exactly_in_json() -> None:
    body = json.dumps([{'host': s, 'note': s + '\n\t', 'raw': s} for s in HOSTILE])
    points = parse(body)
    assert [p.tags['host'] for p in points] == HOSTILE
    assert [p.fields['note'] for p in points] == [s + '\n\t' for s in HOSTILE]


def test_every_bad_json_point_is_reported_with_its_index_and_field() -> None:
    body = json.dumps([
        {'host': 'a', 'ratio': 1},                              # fine
        {'host': 'a', 'cpu': 1, 'time': 1.5},                   # unknown key, float time
        {'host': 7, 'ratio': [1]},                              # tag not a string, list value
        'no object',
        {'host': 'a', 'ratio': 1, 'time': '2024-01-01T00:00:00'},  # no offset
        {'host': 'a', 'ratio': 1, 'time': '2024-13-01T00:00:00Z'},
        {'host': 'a', 'ratio': 1, 'time': 10**30}])
    error = refused(body)
    assert error.status == 400
    assert error.message == '8 problems in the body; nothing was written'
    got = [(e['index'], e['line'], e['field']) for e in error.errors]
    assert got == [(1, None, 'cpu'), (1, None, 'time'), (2, None, 'host'), (2, None, 'ratio'),
                   (3, None, None), (4, None, 'time'), (5, None, 'time'), (6, None, 'time')]
    messages = [e['message'] for e in error.errors]
    assert "probe has no tag or field 'cpu'" in messages[0]
    assert 'is not a time' in messages[1]
    assert "the tag 'host' is 7, not a string" == messages[2]
    assert 'JSON list' in messages[3]
    assert 'has no UTC offset' in messages[5]
    assert 'is not a time' in messages[6]
    assert 'outside the times InfluxDB stores' in messages[7]


def test_nested_points_check_their_keys_tags_and_fields() -> None:
    body = points_json({'tags': {'ratio': 'x'}, 'fields': {'host': 1.0, 'cpu': 2}},
                       {'tags': ['host'], 'fields': {'ratio': 1}, 'value': 3})
    error = refused(body)
    got = [(e['index'], e['field'], e['message']) for e in error.errors]
    assert got[0] == (0, 'ratio', "'ratio' is a field of probe, not a tag")
    assert got[1] == (0, 'host', "'host' is a tag of probe, not a field")
    assert got[2][:2] == (0, 'cpu')
    assert {g[1] for g in got[3:]} == {'value', 'tags'}


@pytest.mark.parametrize('body, message', [
    ('{"points": [], "extra": 1}', 'the one key "points"'),
    ('{"point": []}', 'the one key "points"'),
    ('{"points": {}}', 'the one key "points"'),
    ('"text"', 'the body is a JSON str'),
    ('[{"host": "a", "ratio": NaN}]', 'NaN is no JSON number'),
    ('[{"host": "a", "ratio": 1, "ratio": 2}]', "repeats the key 'ratio'"),
    ('[]', 'the body has no point'),
    ('{"points": []}', 'the body has no point'),
])
def test_json_bodies_of_the_wrong_shape(body: str, message: str) -> None:
    error = refused(body)
    assert error.status == 400
    assert message in error.message


def test_a_json_syntax_error_names_its_line() -> None:
    error = refused('[\n{"host": "a",\n "ratio": 1,,}]')
    assert error.errors[0]['line'] == 3
    assert 'line 3' in error.message


# -- CSV --------------------------------------------------------------------------------

def test_csv_cells_take_the_type_of_their_field() -> None:
    body = ('time,host,region,ratio,count,ok,note,raw\r\n'
            '2024-01-01T00:00:00.000000007Z,a,,1,-2,true,1.5,2\r\n'
            f'{T0},b,eu,,,F,,true\r\n'
            ',c,,,,,,text\r\n')
    assert parse(body, 'text/csv') == [
        PointIn(0, 2, T0 + 7, {'host': 'a'},
                {'ratio': 1.0, 'count': -2, 'ok': True, 'note': '1.5', 'raw': 2.0}),
        PointIn(1, 3, T0, {'host': 'b', 'region': 'eu'}, {'ok': False, 'raw': True}),
        PointIn(2, 4, None, {'host': 'c'}, {'raw': 'text'})]
    assert type(parse(body, 'text/csv')[0].fields['ratio']) is float


def test_csv_keeps_hostile_strings_and_counts_lines_of_quoted_newlines() -> None:
    header = 'host,note\n'
    rows = ''.join('"{0}","{0}\n{0}"\n'.format(s.replace('"', '""')) for s in HOSTILE)
    points = parse('\ufeff' + header + '\n' + rows, 'text/csv')
    assert [p.tags['host'] for p in points] == HOSTILE
    assert [p.fields['note'] for p in points] == [f'{s}\n{s}' for s in HOSTILE]
    # Line 1 the header, line 2 blank, then two physical lines per record.
    assert [p.line for p in points] == list(range(3, 3 + 2 * len(HOSTILE), 2))
    assert [p.index for p in points] == list(range(len(HOSTILE)))


def test_every_bad_csv_row_is_reported_with_its_line() -> None:
    body = ('host,ratio,count,ok,time\n'
            'a,1,1,true,\n'
            'a,x,1.5,maybe,\n'
            'a,1\n'
            'a,1,1,true,yesterday\n'
            'a,1,1,true,\n')
    error = refused(body, 'text/csv')
    got = [(e['index'], e['line'], e['field']) for e in error.errors]
    assert got == [(1, 3, 'ratio'), (1, 3, 'count'), (1, 3, 'ok'), (2, 4, None),
                   (3, 5, 'time')]
    messages = [e['message'] for e in error.errors]
    assert messages[0] == "the float field 'ratio': 'x' is not a number"
    assert messages[1] == "the integer field 'count': '1.5' is not an integer"
    assert messages[2] == "the boolean field 'ok': 'maybe' is not true or false"
    assert messages[3] == '2 values for the 5 columns host, ratio, count, ok, time'


@pytest.mark.parametrize('header, field, message', [
    ('time,host,cpu', 'cpu', "probe has no tag or field 'cpu'"),
    ('host,ratio,host', 'host', "the header names 'host' twice"),
    ('host, ratio', ' ratio', "probe has no tag or field ' ratio'"),
])
def test_a_bad_csv_header_names_the_column(header: str, field: str, message: str) -> None:
    error = refused(f'{header}\na,1,2\n', 'text/csv')
    assert (error.errors[0]['line'], error.errors[0]['field']) == (1, field)
    assert message in error.errors[0]['message']


def test_broken_csv_quoting_is_reported_at_its_line() -> None:
    error = refused('host,ratio\na,1\n"b"x,2\n', 'text/csv')
    assert (error.errors[0]['index'], error.errors[0]['line']) == (1, 3)
    assert error.errors[0]['message'].startswith('not CSV')


def test_a_csv_header_alone_is_no_point() -> None:
    assert 'no point' in refused('time,host,ratio\n', 'text/csv').message


# -- line protocol -----------------------------------------------------------------------

def test_line_protocol_reads_escapes_as_influxdb_does() -> None:
    body = ('# a comment\n'
            '\n'
            'probe,host=a\\ b\\,c\\=d,region=eu ratio=1.5,count=-3i,ok=t,note="say \\"hi\\" '
            'a=b,c" 1704067200000000001\n'
            'probe,host=x note="two\nlines",raw=2 \r\n'
            'probe,host=y raw="z"\n')
    assert parse(body, 'text/plain; charset=utf-8') == [
        PointIn(0, 3, T0 + 1, {'host': 'a b,c=d', 'region': 'eu'},
                {'ratio': 1.5, 'count': -3, 'ok': True, 'note': 'say "hi" a=b,c'}),
        PointIn(1, 4, None, {'host': 'x'}, {'note': 'two\nlines', 'raw': 2.0}),
        PointIn(2, 6, None, {'host': 'y'}, {'raw': 'z'})]
    assert parse(body, 'application/x-influx-line-protocol') == parse(body, 'text/plain')


def test_line_protocol_floats_are_exact() -> None:
    (point,) = parse('probe,host=a ratio=0.30000000000000004,raw=5e-324', 'text/plain')
    assert point.fields['ratio'].hex() == '0x1.3333333333334p-2'
    assert point.fields['raw'].hex() == '0x0.0000000000001p-1022'


def test_every_bad_line_is_reported_with_its_line() -> None:
    body = ('probe,host=a ratio=1\n'
            'other,host=a ratio=1\n'
            'probe,host=a cpu=1,region="x"\n'
            'probe,host=a ratio=\n'
            'probe,host=a ratio=1 12:00\n')
    error = refused(body, 'text/plain')
    got = [(e['index'], e['line'], e['field']) for e in error.errors]
    assert got == [(1, 2, None), (2, 3, 'cpu'), (2, 3, 'region'), (3, 4, None), (4, 5, None)]
    assert error.errors[0]['message'] == ("the line is for the measurement 'other', not "
                                          "'probe'")
    assert error.errors[2]['message'] == "'region' is a tag of probe, not a field"
    assert "the field 'ratio' has no value" in error.errors[3]['message']
    assert 'is not a timestamp' in error.errors[4]['message']


def test_at_most_a_hundred_problems_are_listed_and_all_counted() -> None:
    body = ''.join(f'probe,host=a cpu={i}\n' for i in range(150))
    error = refused(body, 'text/plain')
    assert len(error.errors) == MAX_ERRORS
    assert error.errors[-1]['line'] == MAX_ERRORS
    assert error.message == ('150 problems in the body (the first 100 listed); nothing was '
                             'written')


def test_only_comments_are_no_point() -> None:
    assert 'no point' in refused('# nothing\n\n', 'text/plain').message


# -- media types, encodings and sizes ----------------------------------------------------

@pytest.mark.parametrize('content_type', ['application/xml', '', 'text/html; charset=utf-8',
                                          'multipart/form-data; boundary=x'])
def test_other_media_types_are_415_naming_the_accepted_ones(content_type: str) -> None:
    error = refused('[{"host": "a", "ratio": 1}]', content_type)
    assert error.status == 415
    assert ('application/json, text/csv, text/plain, application/x-influx-line-protocol'
            in error.message)


def test_media_types_ignore_case_and_parameters() -> None:
    assert media_type('Application/JSON; charset="UTF-8"') == ('application/json', 'utf-8')
    assert media_type('text/csv;header=present') == ('text/csv', 'utf-8')
    error = refused('host,ratio\na,1\n', 'text/csv; charset=latin-1')
    assert (error.status, error.message) == (415, "charset 'latin-1' is not accepted; send "
                                                  'UTF-8')


def test_a_body_that_is_not_utf8_names_its_line() -> None:
    error = refused(b'host,ratio\na,1\n\xff,2\n', 'text/csv')
    assert error.status == 400
    assert error.errors[0]['line'] == 3


@pytest.mark.parametrize('body', [b'', b'  \n\t'])
def test_an_empty_body_is_400(body: bytes) -> None:
    error = refused(body)
    assert (error.status, error.message) == (400, 'the body is empty: send at least one point')


def test_gzip_bodies_are_read_member_after_member() -> None:
    lines = [f'probe,host=h{i} ratio={i}.5 {T0 + i}\n' for i in range(1000)]
    half = len(lines) // 2
    body = gzip.compress(''.join(lines[:half]).encode()) + \
        gzip.compress(''.join(lines[half:]).encode())
    points = parse(body, 'text/plain', encoding='gzip')
    assert [(p.tags['host'], p.fields['ratio'], p.time_ns) for p in points] == \
        [(f'h{i}', i + 0.5, T0 + i) for i in range(1000)]
    assert parse(body, 'text/plain', encoding=' GZIP ') == points


def test_a_gzip_bomb_is_413_without_inflating_it() -> None:
    bomb = gzip.compress(b'0' * (64 << 20))        # 64 MiB of zeros in about 64 KiB
    assert len(bomb) < 100_000
    error = refused(bomb, 'text/plain', encoding='gzip', max_bytes=1 << 20)
    assert error.status == 413
    assert 'once decompressed' in error.message


def test_the_cap_is_exact() -> None:
    data = b'x' * 1000
    assert decompress(gzip.compress(data), 'gzip', 1000) == data
    with pytest.raises(APIError) as info:
        decompress(gzip.compress(data), 'gzip', 999)
    assert info.value.status == 413
    assert decompress(data, None, 1000) == data
    body = '[{"host": "a", "ratio": 1}]'
    assert len(parse(body, max_bytes=len(body))) == 1
    error = refused(body, max_bytes=len(body) - 1)
    assert (error.status, error.message) == (413, f'the body is {len(body)} bytes; at most '
                                                  f'{len(body) - 1} are accepted')


@pytest.mark.parametrize('body, message', [
    (b'not gzip at all', 'not valid gzip'),
    (gzip.compress(b'probe,host=a ratio=1\n')[:-6], 'ends before the end of its data'),
    (gzip.compress(b'probe,host=a ratio=1\n') + b'junk', 'not valid gzip'),
])
def test_bad_gzip_is_400(body: bytes, message: str) -> None:
    error = refused(body, 'text/plain', encoding='gzip')
    assert error.status == 400
    assert message in error.message


def test_an_unknown_content_encoding_is_415() -> None:
    error = refused(b'x', 'text/plain', encoding='br')
    assert (error.status, error.message) == (415, "Content-Encoding 'br' is not accepted; "
                                                  'send one of gzip, identity')


def test_line_protocol_without_strings_counts_crlf_lines_too() -> None:
    body = '# numbers only\r\nprobe,host=a ratio=1\r\n\r\nprobe,host=b count=2i 5\r\n'
    assert parse(body, 'text/plain') == [PointIn(0, 2, None, {'host': 'a'}, {'ratio': 1.0}),
                                         PointIn(1, 4, 5, {'host': 'b'}, {'count': 2})]


@pytest.mark.parametrize('text, expected', [
    ('2024-01-01T00:00:00Z', T0),
    ('2024-01-01t00:00:00.5z', T0 + 500_000_000),
    ('2024-01-01 05:30:00.000000001+05:30', T0 + 1),
    ('2023-12-31T23:59:59.999999999-00:00', T0 - 1),
    (' 1704067200000000000 ', T0),
])
def test_rfc3339_times(text: str, expected: int) -> None:
    body = json.dumps([{'time': text, 'host': 'a', 'ratio': 1}])
    assert parse(body)[0].time_ns == expected
    assert parse(f'time,host,ratio\n"{text}",a,1\n', 'text/csv')[0].time_ns == expected


@pytest.mark.parametrize('text, message', [
    ('2024-01-01T00:00:00', 'has no UTC offset: end it with Z or +HH:MM'),
    ('2024-01-01', 'is not a time: give RFC 3339'),
    ('2024-01-01T00:00:00.1234567891Z', 'more than nine fraction digits'),
    ('2024-02-30T00:00:00Z', 'is not a time: day is out of range for month'),
    ('2262-04-12T00:00:00Z', 'is outside the times InfluxDB stores'),
    ('-9223372036854775808', 'is outside the times InfluxDB stores'),
    ('now', 'is not a time'),
])
def test_times_that_are_refused(text: str, message: str) -> None:
    error = refused(f'time,host,ratio\n{text},a,1\n', 'text/csv')
    assert (error.errors[0]['line'], error.errors[0]['field']) == (2, 'time')
    assert message in error.errors[0]['message']


@pytest.mark.parametrize('strings', [True, False])
def test_line_protocol_lines_end_at_newlines_only(strings: bool) -> None:
    note = ',note="x\ry\x0bz"' if strings else ''
    body = f'probe,host=a\u2028b\x1cc ratio=1{note}\nprobe,host=d\rx ratio=2\n'
    first, second = parse(body, 'text/plain')
    assert (first.line, first.tags['host'], second.line, second.tags['host']) == \
        (1, 'a\u2028b\x1cc', 2, 'd\rx')
    assert first.fields.get('note') == ('x\ry\x0bz' if strings else None)
