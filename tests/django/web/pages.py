"""Steps shared by the browser tests: waiting for the page, signing in."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from influxpy.testing.browser import Browser

TIMEOUT = 10


def wait_for(browser: Browser, css: str, timeout: float = TIMEOUT) -> Any:
    """The first element matching ``css`` once it is on the page."""
    return WebDriverWait(browser.driver, timeout).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)),
        f'no element {css!r} on {browser.driver.current_url} after {timeout} s')


def fill(browser: Browser, fields: dict[str, str]) -> None:
    """Type into the form fields named by their ids (replacing what they hold)."""
    for element_id, value in fields.items():
        element = browser.driver.find_element(By.ID, element_id)
        element.clear()
        element.send_keys(value)


def sign_in(browser: Browser, base_url: str, username: str, password: str) -> None:
    """Through the admin's login form, as a person would."""
    browser.get(f'{base_url}/admin/login/?next=/admin/')
    fill(browser, {'id_username': username, 'id_password': password})
    browser.driver.find_element(By.CSS_SELECTOR, 'input[type=submit]').click()
    wait_for(browser, '#user-tools')     # only a signed-in page has it
