"""Django's admin and the API docs page in a real browser (headless Chromium) against
pytest-django's live server: what a person signing in would see and do."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from selenium.webdriver.common.by import By

from influxpy.contrib.django.models import SeriesPermission
from influxpy.testing.browser import Browser

from .pages import fill, sign_in, wait_for

pytestmark = pytest.mark.django_db(transaction=True)    # the live server's thread reads it

URL = '/admin/influxpy/seriespermission/'


@pytest.fixture
def admin_browser(chromium: Browser, live_server: Any) -> Browser:
    User.objects.create_superuser('root', 'root@example.com', 'a password')
    sign_in(chromium, live_server.url, 'root', 'a password')
    return chromium


def _text(browser: Browser, css: str) -> str:
    return str(browser.driver.find_element(By.CSS_SELECTOR, css).text)


def test_a_permission_added_through_the_admin_form(admin_browser: Browser,
                                                   live_server: Any) -> None:
    browser = admin_browser
    alice = User.objects.create_user('alice')
    SeriesPermission.objects.create(user=alice, measurement='disk')
    browser.get(live_server.url + URL)
    wait_for(browser, '#result_list')
    assert 'user alice: view on disk (every series)' in _text(browser, '#result_list')

    browser.get(live_server.url + URL + 'add/')
    wait_for(browser, '#seriespermission_form')
    fill(browser, {'id_user': str(alice.pk), 'id_measurement': 'cpu',
                   'id_tags': '{"region": "eu", "host": "a"}'})
    browser.driver.find_element(By.ID, 'id_can_append').click()
    browser.driver.find_element(By.NAME, '_save').click()
    wait_for(browser, '.messagelist .success')
    saved = SeriesPermission.objects.get(measurement='cpu')
    assert (saved.user, saved.group, saved.tags) == (alice, None, {'region': 'eu', 'host': 'a'})
    assert saved.rights == ['view', 'append']
    assert 'user alice: view/append on cpu (host=a, region=eu)' in _text(browser,
                                                                          '#result_list')
    assert browser.console_errors() == []


def test_a_bad_selector_is_refused_on_the_page(admin_browser: Browser,
                                               live_server: Any) -> None:
    browser = admin_browser
    alice = User.objects.create_user('alice')
    browser.get(live_server.url + URL + 'add/')
    wait_for(browser, '#seriespermission_form')
    fill(browser, {'id_user': str(alice.pk), 'id_measurement': 'cpu',
                   'id_tags': '{"region": 5}'})
    browser.driver.find_element(By.NAME, '_save').click()
    wait_for(browser, '.errornote')
    errors = _text(browser, '.field-tags .errorlist')
    assert "selector: the value of tag 'region' must be a non-empty string, not 5" in errors
    assert browser.driver.current_url == live_server.url + URL + 'add/'   # still the form
    assert not SeriesPermission.objects.exists()
    assert browser.console_errors() == []


def test_the_api_docs_page_renders_with_no_other_host(admin_browser: Browser,
                                                      live_server: Any) -> None:
    browser = admin_browser
    browser.forget()                # the sign-in's requests are not the docs page's
    browser.get(live_server.url + '/some/prefix/api/docs/')
    # Swagger UI's own markup, drawn from the schema it fetched: one block per operation.
    wait_for(browser, '.swagger-ui .opblock')
    paths = [element.text for element in
             browser.driver.find_elements(By.CSS_SELECTOR, '.opblock-summary-path')]
    assert '/some/prefix/api/measurements/{name}/points/' in paths
    requests = browser.requests()
    assert live_server.url + '/some/prefix/api/schema/' in requests
    assert any('swagger-ui-bundle.js' in url for url in requests)
    assert browser.requests_elsewhere(live_server.url) == []
    assert browser.console_errors() == []
