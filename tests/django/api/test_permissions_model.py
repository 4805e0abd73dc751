"""The SeriesPermission model: its validation, its database constraint, its migration and
how its JSON selector round-trips, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ProjectState

from influxpy.contrib.django.models import SeriesPermission

from . import perms_db

database = perms_db.database     # the fixture: SQLite, then PostgreSQL


@pytest.fixture
def who(database: str) -> tuple[Any, Any]:
    return User.objects.create_user('alice'), Group.objects.create(name='eu')


def test_the_migration_made_the_table_and_is_complete(database: str) -> None:
    with connections[database].cursor() as cursor:
        tables = connections[database].introspection.table_names(cursor)
        columns = {c.name for c in connections[database].introspection.get_table_description(
            cursor, 'influxpy_seriespermission')}
    assert 'influxpy_seriespermission' in tables
    assert columns == {'id', 'user_id', 'group_id', 'measurement', 'tags', 'can_view',
                       'can_append', 'can_delete'}
    assert ('influxpy', '0002_seriespermission') in MigrationRecorder(
        connections[database]).applied_migrations()
    # The models and the migrations agree: makemigrations would find nothing to write.
    loader = MigrationLoader(None, ignore_no_migrations=True)
    changes = MigrationAutodetector(loader.project_state(), ProjectState.from_apps(apps)
                                    ).changes(graph=loader.graph, trim_to_apps={'influxpy'})
    assert changes == {}


def _errors(**fields: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        SeriesPermission(**fields).full_clean()
    return caught.value.message_dict


def test_a_user_or_a_group_exactly(who: tuple[Any, Any]) -> None:
    user, group = who
    SeriesPermission(user=user).full_clean()
    SeriesPermission(group=group).full_clean()
    assert _errors() == {'user': ['give a user or a group'], 'group': ['give a user or a group']}
    assert _errors(user=user, group=group) == {'user': ['give a user or a group, not both'],
                                               'group': ['give a user or a group, not both']}


def test_the_database_refuses_neither_and_both(who: tuple[Any, Any]) -> None:
    user, group = who
    for fields in ({}, {'user': user, 'group': group}):
        with pytest.raises(IntegrityError), transaction.atomic(using=user._state.db):
            SeriesPermission.objects.create(**fields)
    assert SeriesPermission.objects.count() == 0


def test_a_permission_grants_something(who: tuple[Any, Any]) -> None:
    assert _errors(user=who[0], can_view=False) == {
        '__all__': ['grant at least one right (view, append or delete)']}


@pytest.mark.parametrize('tags, message', [
    (['eu'], 'a selector is a JSON object of tag values such as {"region": "eu"} ({} for '
             'every series), not list'),
    ('region=eu', 'not str'),
    (None, 'give a selector: {} for every series'),
    ({'region': 1}, "the value of tag 'region' must be a non-empty string, not 1"),
    ({'region': ''}, "the value of tag 'region' must be a non-empty string, not ''"),
    ({'region': None}, "must be a non-empty string, not None"),
    ({'': 'eu'}, "tag key '' must be a non-empty string"),
    ({'time': 'x'}, "tag key 'time' is reserved"),
    ({'re\ngion': 'eu'}, 'contains a line break'),
    ({'region': 'e\nu'}, 'contains a newline'),
    ({'region': 'eu\\'}, 'ends with a backslash'),
])
def test_a_bad_selector_is_refused_by_name(who: tuple[Any, Any], tags: Any,
                                           message: str) -> None:
    errors = _errors(user=who[0], tags=tags)
    assert list(errors) == ['tags']
    assert message in errors['tags'][0]


@pytest.mark.parametrize('measurement, message', [
    ('', 'This field cannot be blank.'),
    ('#cpu', "starts with '#'"),
    ('c\npu', 'contains a line break'),
    ('x' * 256, 'at most 255 characters'),
])
def test_a_bad_measurement_is_refused(who: tuple[Any, Any], measurement: str,
                                      message: str) -> None:
    errors = _errors(user=who[0], measurement=measurement)
    assert list(errors) == ['measurement']
    assert message in ' '.join(errors['measurement'])


def test_defaults_and_text(who: tuple[Any, Any]) -> None:
    user, group = who
    default = SeriesPermission.objects.create(user=user)
    assert (default.measurement, default.tags, default.rights) == ('*', {}, ['view'])
    assert str(default) == 'user alice: view on every measurement (every series)'
    narrow = SeriesPermission.objects.create(group=group, measurement='cpu',
                                             tags={'region': 'eu', 'host': 'a'},
                                             can_append=True, can_delete=True)
    assert str(narrow) == 'group eu: view/append/delete on cpu (host=a, region=eu)'
    assert list(SeriesPermission.objects.all()) == [default, narrow]   # '*' before 'cpu'
    assert SeriesPermission._meta.verbose_name_plural == 'series permissions'


def test_selectors_round_trip_exactly(who: tuple[Any, Any], database: str) -> None:
    tags = {'région': 'Île-de-France €', 'host': 'a "quoted" b', 'z': "it's",
            'path': 'C:\\dir\\x', 'emoji': '🌡️', 'n': '1'}
    row = SeriesPermission.objects.create(user=who[0], tags=tags)
    again = SeriesPermission.objects.using(database).get(pk=row.pk)
    assert again.tags == tags
    assert all(type(v) is str for v in again.tags.values())
    again.full_clean()
    # The JSON is stored as JSON (jsonb on PostgreSQL), so the database can read a key.
    assert SeriesPermission.objects.filter(tags__région='Île-de-France €').count() == 1
    assert SeriesPermission.objects.filter(tags__n='1').count() == 1
