"""The ``chromium`` fixture and :mod:`influxpy.testing.browser` themselves."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from influxpy.testing import browser
from influxpy.testing.browser import Browser, BrowserUnavailable

# A page that logs an error and asks another host for an image.
PAGE = ('data:text/html,<h1>hello</h1><script>console.error("on purpose")</script>'
        '<img src="http://example.invalid/x.png">')


def test_the_browser_sees_console_errors_and_every_request(chromium: Browser) -> None:
    assert chromium.requests() == [] and chromium.console() == []   # a fresh start
    chromium.get(PAGE)
    errors = chromium.console_errors()
    assert any('"on purpose"' in message for message in errors), errors
    assert any('example.invalid/x.png' in message for message in errors), errors
    assert chromium.requests() == [PAGE, 'http://example.invalid/x.png']
    # data: stays in the browser; the image's host is another one.
    assert chromium.requests_elsewhere('http://127.0.0.1:8000') == [
        'http://example.invalid/x.png']
    chromium.forget()
    assert chromium.requests() == [] and chromium.console_errors() == []


def test_without_chromium_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('INFLUXPY_CHROMEDRIVER', '/nowhere/chromedriver')
    assert browser.missing() == ['/nowhere/chromedriver']
    with pytest.raises(BrowserUnavailable,
                       match=r'/nowhere/chromedriver missing.*apt-get install chromium '
                             r'chromium-driver'):
        browser.start_browser()


def test_a_failing_test_keeps_a_screenshot_and_the_console_log(tmp_path: Path) -> None:
    """A user's test file run through the plugin in a separate pytest process."""
    (tmp_path / 'test_user.py').write_text(textwrap.dedent(f'''
        def test_fails(chromium):
            chromium.get({PAGE!r})
            assert False, 'on purpose'
        def test_without_a_browser(monkeypatch, request):
            monkeypatch.setenv('INFLUXPY_CHROMIUM', '/nowhere/chromium')
            request.getfixturevalue('chromium')
    '''))
    env = {k: v for k, v in os.environ.items() if k != 'PYTEST_ADDOPTS'}
    run = subprocess.run([sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider', '-q',
                          '-rA', f'--basetemp={tmp_path / "base"}', 'test_user.py'],
                         cwd=tmp_path, capture_output=True, text=True, env=env)
    out = run.stdout + run.stderr
    assert '2 failed' in run.stdout and 'skipped' not in run.stdout, out
    assert ('/nowhere/chromium missing; install Debian\'s chromium and chromium-driver'
            in run.stdout), out
    shot = next(line.split(': ', 1)[1] for line in run.stdout.splitlines()
                if line.startswith('screenshot: '))
    log = next(line.split(': ', 1)[1] for line in run.stdout.splitlines()
               if line.startswith('console log: '))
    assert Path(shot).is_relative_to(tmp_path / 'base')      # under the test's tmp_path
    assert Path(shot).read_bytes().startswith(b'\x89PNG\r\n')
    text = Path(log).read_text(encoding='utf-8')
    assert text.startswith('page: data:text/html') and '"on purpose"' in text, text
