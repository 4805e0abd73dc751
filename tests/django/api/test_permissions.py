"""selectors_for, visible_measurements and check_append over real permission rows, on
SQLite and PostgreSQL: a matrix of users × groups × rights × selectors × measurements,
checked against a hand-written table and against a brute-force reading of the grants."""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from influxpy.contrib.django.api.permissions import (
    check_append,
    outside,
    selectors_for,
    simplify,
    visible_measurements,
)
from influxpy.contrib.django.api.sources.base import matches
from influxpy.contrib.django.api.types import RIGHTS, APIError, PointIn
from influxpy.contrib.django.models import SeriesPermission

from . import perms_db

database = perms_db.database     # the fixture: SQLite, then PostgreSQL

MEASUREMENTS = ('cpu', 'mem', 'disk')


@dataclass(frozen=True)
class G:
    """One permission row as the test declares it: for a user name or a group name."""

    user: str | None
    group: str | None
    measurement: str
    tags: dict[str, str]
    rights: tuple[str, ...]


GRANTS = [
    G('alice', None, 'cpu', {'region': 'eu'}, ('view', 'append')),
    G('alice', None, '*', {'host': 'a'}, ('view',)),
    G(None, 'eu', 'cpu', {'region': 'eu', 'host': 'b'}, ('view', 'delete')),
    G(None, 'us', 'cpu', {'region': 'us'}, ('view', 'append')),
    G('carol', None, 'cpu', {'region': 'us', 'host': 'c'}, ('view',)),  # inside 'us' already
    G(None, 'everything-mem', 'mem', {}, ('view',)),
    G(None, 'everything-mem', 'mem', {'host': 'z'}, ('view',)),  # inside {} already
    G('gina', None, 'disk', {}, ('append',)),
    G('erin', None, '*', {}, ('view', 'append', 'delete')),      # erin is inactive
]
MEMBERS = {'bob': ['eu'], 'carol': ['eu', 'us'], 'frank': ['everything-mem'],
           'erin': ['us']}
USERS = ('alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina')


@pytest.fixture
def people(database: str) -> dict[str, Any]:
    groups = {name: Group.objects.create(name=name)
              for name in {g.group for g in GRANTS if g.group}}
    users: dict[str, Any] = {name: User.objects.create_user(name, is_active=name != 'erin')
                             for name in USERS}
    for name, member_of in MEMBERS.items():
        users[name].groups.set([groups[group] for group in member_of])
    for g in GRANTS:
        SeriesPermission.objects.create(
            user=users[g.user] if g.user else None, group=groups[g.group] if g.group else None,
            measurement=g.measurement, tags=g.tags,
            **{f'can_{right}': right in g.rights for right in RIGHTS})
    users['root'] = User.objects.create_superuser('root')
    users['anonymous'] = AnonymousUser()
    # Fetched again: what a view's request.user is (from the database, no cached groups).
    return {name: User.objects.get(pk=user.pk) if user.pk else user
            for name, user in users.items()}


EU, US = {'region': 'eu'}, {'region': 'us'}
EU_B, HOST_A = {'region': 'eu', 'host': 'b'}, {'host': 'a'}

# (user, measurement, right) → selectors, by hand from GRANTS; () for anything not listed
# (and for every user not listed: dave, erin the inactive, anonymous).
EXPECTED: dict[tuple[str, str, str], tuple[dict[str, str], ...]] = {
    ('alice', 'cpu', 'view'): (HOST_A, EU),
    ('alice', 'cpu', 'append'): (EU,),
    ('alice', 'mem', 'view'): (HOST_A,),
    ('alice', 'disk', 'view'): (HOST_A,),
    ('bob', 'cpu', 'view'): (EU_B,),
    ('bob', 'cpu', 'delete'): (EU_B,),
    ('carol', 'cpu', 'view'): (EU_B, US),
    ('carol', 'cpu', 'append'): (US,),
    ('carol', 'cpu', 'delete'): (EU_B,),
    ('frank', 'mem', 'view'): ({},),
    ('gina', 'disk', 'append'): ({},),
}
MATRIX = list(itertools.product((*USERS, 'anonymous'), MEASUREMENTS, RIGHTS))


def test_the_matrix_by_hand(people: dict[str, Any]) -> None:
    for user, measurement, right in MATRIX:
        got = selectors_for(people[user], measurement, right)
        assert got == EXPECTED.get((user, measurement, right), ()), (user, measurement, right)


def test_superusers_may_do_everything(people: dict[str, Any]) -> None:
    for measurement, right in itertools.product(MEASUREMENTS, RIGHTS):
        assert selectors_for(people['root'], measurement, right) is None


# Series to try the answers on: every combination of these tag values (absent included).
CANDIDATES = [{k: v for k, v in zip(('region', 'host'), values) if v is not None}
              for values in itertools.product((None, 'eu', 'us', 'asia'),
                                              (None, 'a', 'b', 'c', 'z'))]


def _oracle(user: str, measurement: str, right: str, tags: dict[str, str]) -> bool:
    """Straight from GRANTS: may ``user`` do ``right`` on this series?"""
    if user in ('erin', 'anonymous'):
        return False
    return any((g.user == user or g.group in MEMBERS.get(user, ()))
               and right in g.rights and g.measurement in (measurement, '*')
               and all(tags.get(k) == v for k, v in g.tags.items())
               for g in GRANTS)


def test_the_matrix_against_the_grants_themselves(people: dict[str, Any]) -> None:
    checked = 0
    for user, measurement, right in MATRIX:
        selectors = selectors_for(people[user], measurement, right)
        for tags in CANDIDATES:
            assert matches(selectors, tags) == _oracle(user, measurement, right, tags), \
                (user, measurement, right, tags)
            checked += _oracle(user, measurement, right, tags)
    assert checked > 50      # the oracle says yes often enough to mean something


def test_one_query_whatever_the_groups(people: dict[str, Any], database: str) -> None:
    def queries(call: Any, *args: Any) -> int:
        with CaptureQueriesContext(connections[database]) as captured:
            call(*args)
        return len(captured)

    assert queries(selectors_for, people['carol'], 'cpu', 'view') == 1  # 2 groups + her own
    assert queries(visible_measurements, people['carol'], MEASUREMENTS) == 1
    for name in ('root', 'anonymous', 'erin'):
        assert queries(selectors_for, people[name], 'cpu', 'view') == 0


def test_inactive_users_get_nothing_even_superusers(people: dict[str, Any]) -> None:
    root = people['root']
    root.is_active = False
    root.save()
    assert selectors_for(User.objects.get(pk=root.pk), 'cpu', 'view') == ()
    assert visible_measurements(User.objects.get(pk=root.pk), MEASUREMENTS) == []
    assert visible_measurements(people['erin'], MEASUREMENTS) == []


def test_visible_measurements(people: dict[str, Any]) -> None:
    visible = {name: visible_measurements(people[name], MEASUREMENTS)
               for name in (*USERS, 'root', 'anonymous')}
    assert visible == {'alice': ['cpu', 'mem', 'disk'],   # her '*' grant
                       'bob': ['cpu'], 'carol': ['cpu'], 'frank': ['mem'],
                       'gina': [],                        # append is not view
                       'dave': [], 'erin': [], 'anonymous': [],
                       'root': ['cpu', 'mem', 'disk']}
    assert visible_measurements(people['alice'], ['disk', 'cpu']) == ['disk', 'cpu']


PUBLIC = [{'measurement': 'disk', 'tags': {'host': 'a'}, 'rights': ['view']},
          {'measurement': '*', 'tags': {'region': 'eu'}, 'rights': ['view', 'append']}]


def test_public_grants_for_anonymous_inactive_and_everyone(people: dict[str, Any]) -> None:
    with override_settings(INFLUXPY_API={'PUBLIC': PUBLIC}):
        for name in ('anonymous', 'erin', 'dave'):
            assert selectors_for(people[name], 'disk', 'view') == (HOST_A, EU)
            assert selectors_for(people[name], 'cpu', 'view') == (EU,)
            assert selectors_for(people[name], 'cpu', 'append') == (EU,)
            assert selectors_for(people[name], 'cpu', 'delete') == ()
            assert visible_measurements(people[name], MEASUREMENTS) == list(MEASUREMENTS)
        # Added to a user's own: bob's eu/b is inside the public eu, so only eu is left.
        assert selectors_for(people['bob'], 'cpu', 'view') == (EU,)
        assert selectors_for(people['bob'], 'cpu', 'delete') == (EU_B,)
    with override_settings(INFLUXPY_API={'PUBLIC': PUBLIC[:1]}):
        assert visible_measurements(people['anonymous'], MEASUREMENTS) == ['disk']
        assert selectors_for(people['anonymous'], 'disk', 'append') == ()
    with override_settings(INFLUXPY_API={}):
        assert selectors_for(people['anonymous'], 'disk', 'view') == ()


def test_a_bad_stored_selector_grants_nothing(people: dict[str, Any],
                                              caplog: pytest.LogCaptureFixture) -> None:
    # objects.create skips validation: such a row must fail closed, not open or crash.
    for tags in (['eu'], {'region': 1}, 'eu', {'': 'x'}):
        SeriesPermission.objects.create(user=people['dave'], measurement='cpu', tags=tags)
    with caplog.at_level(logging.WARNING, 'influxpy.contrib.django.api.permissions'):
        assert selectors_for(people['dave'], 'cpu', 'view') == ()
    assert visible_measurements(people['dave'], MEASUREMENTS) == []
    assert len(caplog.records) == 4
    assert 'bad selector' in caplog.records[0].getMessage()


def test_an_unknown_right_is_an_error(people: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="unknown right 'read'; rights are view, append"):
        selectors_for(people['alice'], 'cpu', 'read')


def test_deleting_a_group_or_user_takes_its_permissions(people: dict[str, Any]) -> None:
    Group.objects.get(name='us').delete()
    assert selectors_for(people['carol'], 'cpu', 'append') == ()
    assert selectors_for(people['carol'], 'cpu', 'view') == (EU_B, {'region': 'us', 'host': 'c'})
    people['alice'].delete()
    assert SeriesPermission.objects.filter(user__username='alice').count() == 0


def test_simplify() -> None:
    assert simplify([]) == ()
    assert simplify([{'a': '1'}, {}, {'b': '2'}]) == ({},)
    assert simplify([{'a': '1', 'b': '2'}, {'a': '1'}, {'a': '1'}, {'b': '3'}]) == (
        {'a': '1'}, {'b': '3'})
    assert simplify([{'b': '2', 'a': '1'}, {'a': '1', 'b': '2'}]) == ({'a': '1', 'b': '2'},)
    # Same keys, other values: neither covers the other.
    assert simplify([{'a': '1'}, {'a': '2'}]) == ({'a': '1'}, {'a': '2'})


_selector = st.dictionaries(st.sampled_from('abc'), st.sampled_from('12'), max_size=3)


@given(st.lists(_selector, max_size=6), _selector)
def test_simplify_keeps_the_same_series(selectors: list[dict[str, str]],
                                        tags: dict[str, str]) -> None:
    simpler = simplify(selectors)
    assert matches(simpler, tags) == matches(tuple(selectors), tags)
    assert len(simpler) <= len(selectors)


def _point(index: int, **tags: str) -> PointIn:
    return PointIn(index=index, line=index + 2, time_ns=None, tags=tags, fields={'v': 1.0})


def test_check_append_names_every_point_outside() -> None:
    points = [_point(0, region='eu', host='a'), _point(1, region='us'), _point(2),
              _point(3, region='eu')]
    check_append(None, points)
    check_append(({},), points)
    assert outside((EU,), [p.tags for p in points]) == [1, 2]
    with pytest.raises(APIError) as caught:
        check_append((EU, HOST_A), points)
    error = caught.value
    assert error.status == 403
    assert error.message == ('point 1: you may not append to the series region=us (and 1 '
                             'more points outside your rights); nothing was written')
    assert error.errors == [
        {'index': 1, 'line': 3, 'tags': {'region': 'us'},
         'message': 'you may not append to the series region=us'},
        {'index': 2, 'line': 4, 'tags': {},
         'message': 'you may not append to the series (no tags)'}]
    with pytest.raises(APIError, match='^point 0: .* series host=a,region=eu; nothing'):
        check_append((), points[:1])
