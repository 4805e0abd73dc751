"""The permission tests run on SQLite and on PostgreSQL (JSONField differs): a fixture
that sends every query of a test to one database through a router, as a project that
keeps its users elsewhere than ``default`` would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

DATABASES = [
    pytest.param('default', marks=pytest.mark.django_db(databases=['default']), id='sqlite'),
    pytest.param('pg', marks=pytest.mark.django_db(databases=['pg']), id='postgresql'),
]


class OneDatabase:
    """Every model on ``alias`` (set by the fixture)."""

    alias = 'default'

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return self.alias

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return self.alias

    def allow_relation(self, *objs: Any, **hints: Any) -> bool:
        return True


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest) -> Iterator[str]:
    """The alias every query of the test goes to; a query elsewhere fails the test."""
    OneDatabase.alias = request.param
    with override_settings(DATABASE_ROUTERS=[f'{__name__}.OneDatabase']):
        yield request.param
    OneDatabase.alias = 'default'
