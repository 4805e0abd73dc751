"""Headless Chromium through Selenium, for tests and benchmarks of influxpy's web pages.

Debian's ``chromium`` and ``chromium-driver`` (``/usr/bin/chromium``, ``/usr/bin/chromedriver``;
``INFLUXPY_CHROMIUM`` and ``INFLUXPY_CHROMEDRIVER`` name others) and the ``selenium`` package
(``influxpy[browser]``). :func:`start_browser` gives a :class:`Browser` with a fresh profile
that keeps what the page wrote to its console and every request it made; the pytest
plugin's ``chromium`` fixture is one per test, and a test that fails without them fails
(never skips) with a message naming what to install.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = '/usr/bin/chromium'
CHROMEDRIVER = '/usr/bin/chromedriver'
INSTALL_HINT = ('install Debian\'s chromium and chromium-driver (sudo apt-get install '
                'chromium chromium-driver) and selenium (pip install "influxpy[browser]")')

# No GPU, sandbox or shared memory in containers; nothing fetched behind the page's back
# (updates, sync, QUIC probes), so the requests seen are the page's own.
FLAGS = (
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
)
# Schemes of requests that never leave the browser.
LOCAL_SCHEMES = frozenset({'data', 'blob', 'about', 'chrome', 'devtools'})
_FAVICON = re.compile(r'https?://[^/\s]+/favicon\.ico - Failed to load resource: .* 404 ')


class BrowserUnavailable(RuntimeError):
    """Chromium, its driver or selenium is missing, or the browser would not start."""


def _paths() -> tuple[str, str]:
    return (os.environ.get('INFLUXPY_CHROMIUM', CHROMIUM),
            os.environ.get('INFLUXPY_CHROMEDRIVER', CHROMEDRIVER))


def missing() -> list[str]:
    """What is missing to start the browser (empty when nothing is)."""
    found = []
    for path in _paths():
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            found.append(path)
    try:
        import selenium  # noqa: F401
    except ImportError:
        found.append('the selenium package')
    return found


class Browser:
    """A running headless Chromium: ``driver`` is Selenium's WebDriver.

    The browser's console and performance logs are emptied by each read, so they are
    collected here as they are read: :meth:`console` and :meth:`requests` see everything
    since the start (or since :meth:`forget`). :meth:`save_artifacts` writes to
    ``artifacts`` (the pytest fixture points it at the test's ``tmp_path``).
    """

    def __init__(self, driver: Any, profile: str) -> None:
        self.driver = driver
        self._profile = profile
        self.artifacts = Path(profile).with_name(Path(profile).name + '-artifacts')
        self._console: list[dict[str, Any]] = []
        self._network: list[dict[str, Any]] = []

    def get(self, url: str) -> None:
        self.driver.get(url)

    def console(self) -> list[dict[str, Any]]:
        """The console entries so far: dicts with ``level``, ``message``, ``source``."""
        self._console.extend(self.driver.get_log('browser'))
        return list(self._console)

    def console_errors(self) -> list[str]:
        """The messages of console entries at level SEVERE (errors, failed loads), but
        for a missing ``/favicon.ico``: the browser asks for it itself, not the page."""
        return [entry['message'] for entry in self.console() if entry['level'] == 'SEVERE'
                and not _FAVICON.match(entry['message'])]

    def requests(self) -> list[str]:
        """The URL of every request the pages made so far, in order (from the
        DevTools ``Network.requestWillBeSent`` events: failed requests too)."""
        for entry in self.driver.get_log('performance'):
            message = json.loads(entry['message'])['message']
            if message.get('method') == 'Network.requestWillBeSent':
                self._network.append(message['params'])
        return [params['request']['url'] for params in self._network]

    def requests_elsewhere(self, origin: str) -> list[str]:
        """The requests that went anywhere but ``origin`` (``http://host:port``) and did
        not stay in the browser (``data:``, ``blob:``…)."""
        wanted = urlsplit(origin)
        return [url for url in self.requests()
                if urlsplit(url).scheme not in LOCAL_SCHEMES
                and (urlsplit(url).scheme, urlsplit(url).netloc)
                != (wanted.scheme, wanted.netloc)]

    def forget(self) -> None:
        """Drop the console entries and requests seen so far."""
        self.console()
        self.requests()
        self._console.clear()
        self._network.clear()

    def save_artifacts(self) -> tuple[Path, Path]:
        """A screenshot of the page and its console log in :attr:`artifacts`: their paths."""
        directory = self.artifacts
        directory.mkdir(parents=True, exist_ok=True)
        screenshot = directory / 'browser-screenshot.png'
        log = directory / 'browser-console.log'
        self.driver.save_screenshot(str(screenshot))
        lines = [f"{entry['level']} {entry.get('source', '')} {entry['message']}"
                 for entry in self.console()]
        log.write_text(f'page: {self.driver.current_url}\n' + '\n'.join(lines) + '\n',
                       encoding='utf-8')
        return screenshot, log

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self._profile, ignore_errors=True)


def start_browser(width: int = 1280, height: int = 900) -> Browser:
    """Start a headless Chromium with a fresh profile in a temporary directory."""
    absent = missing()
    if absent:
        raise BrowserUnavailable(f'cannot start Chromium: {", ".join(absent)} missing; '
                                 f'{INSTALL_HINT}')
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = _paths()
    profile = tempfile.mkdtemp(prefix='influxpy-chromium-')
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*FLAGS, f'--user-data-dir={profile}', f'--window-size={width},{height}'):
        options.add_argument(flag)
    options.set_capability('goog:loggingPrefs', {'browser': 'ALL', 'performance': 'ALL'})
    try:
        driver = webdriver.Chrome(service=Service(executable_path=chromedriver),
                                  options=options)
    except WebDriverException as exc:
        shutil.rmtree(profile, ignore_errors=True)
        raise BrowserUnavailable(f'Chromium ({chromium}) did not start through '
                                 f'{chromedriver}: {exc.msg or exc}') from exc
    browser = Browser(driver, profile)
    browser.get('about:blank')      # past the new-tab page and its chrome:// requests
    browser.forget()
    return browser
