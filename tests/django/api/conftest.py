"""Fixtures of the API tests: a fresh influxd database, the API's settings, users."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

S = 10**9
T0 = 1_700_000_000 * S  # 2023-11-14T22:13:20Z
API = {'MEASUREMENTS': ['tests.django.api.measurements.Probe'], 'READINGS': None}


@pytest.fixture
def probes(influx_db: Any) -> Iterator[Any]:
    """``probes`` written by the raw client: hosts a (eu) and b, ten points each."""
    lines = []
    for i in range(10):
        lines.append(f'probes,host=a,region=eu cpu={i * 1.1!r},hits={i}i {T0 + i * 10 * S}')
        lines.append(f'probes,host=b cpu={i + 0.1!r} {T0 + i * 10 * S + 1}')
    influx_db.client.write_points(lines, protocol='line', time_precision='n',
                                  database=influx_db.database)
    with override_settings(INFLUXPY_API=API):
        yield influx_db


@pytest.fixture
def admin_client(db: Any) -> Any:
    from django.contrib.auth.models import User
    from rest_framework.test import APIClient

    user = User.objects.create_superuser('root', 'root@example.com', 'pw')
    client = APIClient()
    client.force_authenticate(user)
    return client


def raw(conn: Any, statement: str) -> list[list[Any]]:
    """Rows of a statement sent to the server as it is (times in epoch ns)."""
    (result,) = conn.query(statement, epoch='ns')
    return [row for series in result.get('series', []) for row in series['values']]
