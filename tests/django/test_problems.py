"""The check ids: one per kind of problem, each documented in the system checks' table."""

from __future__ import annotations

import re

import pytest

from influxpy.contrib.django import checks, problems
from influxpy.contrib.django.problems import Problem, StorageConfigurationError, raise_first


def test_every_id_is_distinct_and_in_the_table_of_the_checks() -> None:
    ids = [value for name, value in vars(problems).items()
           if name.isupper() and isinstance(value, str) and value.startswith('influxpy.')]
    assert len(ids) == len(set(ids))
    assert checks.__doc__ is not None
    assert sorted(ids) == sorted(re.findall(r'``(influxpy\.[EW]\d{3})``', checks.__doc__))


def test_a_problem_is_raised_with_its_id_and_hint() -> None:
    raise_first([])
    with pytest.raises(StorageConfigurationError) as info:
        raise_first([Problem(problems.BAD_TIER, 'no tier', 'add one'),
                      Problem(problems.BAD_MODEL, 'no model')])
    assert str(info.value) == 'no tier (add one)'
    assert info.value.problem == Problem(problems.BAD_TIER, 'no tier', 'add one')
