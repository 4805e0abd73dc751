"""Series permissions in Django's admin, through the test client as an admin user."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client, override_settings

from influxpy.contrib.django.models import SeriesPermission

from . import perms_db

database = perms_db.database     # the fixture: SQLite, then PostgreSQL

URL = '/admin/influxpy/seriespermission/'
pytestmark = pytest.mark.usefixtures('urls')


@pytest.fixture
def urls() -> Any:
    with override_settings(ROOT_URLCONF='tests.django.api.urls_admin'):
        yield


@pytest.fixture
def admin(database: str) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser('root'))
    return client


def _form(**changes: Any) -> dict[str, Any]:
    data = {'user': '', 'group': '', 'measurement': 'cpu', 'tags': '{}', 'can_view': 'on'}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    form = response.context['adminform'].form
    return {key: list(value) for key, value in form.errors.items()}


def test_changelist_lists_filters_and_searches(admin: Client) -> None:
    alice = User.objects.create_user('alice')
    eu = Group.objects.create(name='eu')
    SeriesPermission.objects.create(user=alice, measurement='cpu', tags={'region': 'eu'},
                                    can_append=True)
    SeriesPermission.objects.create(group=eu, measurement='*')
    page = admin.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'user alice: view/append on cpu (region=eu)' in text
    assert 'group eu: view on every measurement (every series)' in text
    assert 'region=eu' in text and 'every series' in text      # the selector column
    appending = admin.get(URL, {'can_append__exact': '1'})
    assert [str(p) for p in appending.context['cl'].result_list] == [
        'user alice: view/append on cpu (region=eu)']
    found = admin.get(URL, {'q': 'alice'})
    assert [p.user for p in found.context['cl'].result_list] == [alice]
    # The group's name and the selector's text are searched too.
    assert admin.get(URL, {'q': 'eu'}).context['cl'].result_count == 2
    assert admin.get(URL, {'q': 'region'}).context['cl'].result_count == 1


def test_the_add_form_renders_and_saves(admin: Client) -> None:
    page = admin.get(URL + 'add/')
    assert page.status_code == 200
    text = page.content.decode()
    for name in ('user', 'group', 'measurement', 'tags', 'can_view', 'can_append',
                 'can_delete'):
        assert f'name="{name}"' in text
    alice = User.objects.create_user('alice')
    saved = admin.post(URL + 'add/', _form(user=alice.pk, tags='{"region": "eu", "host": "a"}',
                                           can_append='on'))
    assert saved.status_code == 302
    row = SeriesPermission.objects.get()
    assert (row.user, row.group, row.measurement, row.tags, row.rights) == (
        alice, None, 'cpu', {'region': 'eu', 'host': 'a'}, ['view', 'append'])
    # And the change form shows it back as JSON.
    change = admin.get(f'{URL}{row.pk}/change/').content.decode()
    shown = re.search(r'<textarea name="tags"[^>]*>\s*(.*?)</textarea>', change, re.DOTALL)
    assert shown is not None
    assert json.loads(html.unescape(shown.group(1))) == {'region': 'eu', 'host': 'a'}


@pytest.mark.parametrize('tags, message', [
    ('["eu"]', 'a selector is a JSON object of tag values such as {"region": "eu"} ({} for '
               'every series), not list'),
    ('{"region": 5}', "selector: the value of tag 'region' must be a non-empty string, not 5"),
    ('{"time": "x"}', "selector: tag key 'time' is reserved"),
    ('{region: eu}', 'Enter a valid JSON.'),
    ('', 'give a selector: {} for every series, {"region": "eu"} for some'),
])
def test_a_bad_selector_is_refused_clearly(admin: Client, tags: str, message: str) -> None:
    eu = Group.objects.create(name='eu')
    response = admin.post(URL + 'add/', _form(group=eu.pk, tags=tags))
    errors = _errors(response)
    assert list(errors) == ['tags']
    assert message in errors['tags'][0]
    assert html.escape(message) in response.content.decode()
    assert SeriesPermission.objects.count() == 0


def test_a_user_or_a_group_and_some_right(admin: Client) -> None:
    alice = User.objects.create_user('alice')
    eu = Group.objects.create(name='eu')
    assert _errors(admin.post(URL + 'add/', _form())) == {
        'user': ['give a user or a group'], 'group': ['give a user or a group']}
    assert _errors(admin.post(URL + 'add/', _form(user=alice.pk, group=eu.pk))) == {
        'user': ['give a user or a group, not both'],
        'group': ['give a user or a group, not both']}
    assert _errors(admin.post(URL + 'add/', _form(user=alice.pk, can_view=None))) == {
        '__all__': ['grant at least one right (view, append or delete)']}
    assert _errors(admin.post(URL + 'add/', _form(user=alice.pk, measurement='#cpu'))) == {
        'measurement': ["permission: measurement '#cpu' starts with '#': InfluxDB would read "
                        'the line as a comment and drop it']}
    assert SeriesPermission.objects.count() == 0
