"""Suite-wide rules. The fixtures ``influx_server`` and ``influx_db`` come from
influxpy's own pytest plugin (``influxpy.testing.pytest_plugin``)."""

from __future__ import annotations

import os

import pytest


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # A skipped test is not a passed one: the run fails unless skips are allowed.
    reporter = session.config.pluginmanager.get_plugin('terminalreporter')
    skipped = len(reporter.stats.get('skipped', [])) if reporter else 0
    if skipped and not os.environ.get('INFLUXPY_ALLOW_SKIPS') and exitstatus == 0:
        reporter.write_line(
            f'{skipped} test(s) skipped: failing the run (set INFLUXPY_ALLOW_SKIPS=1 to allow)',
            red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
