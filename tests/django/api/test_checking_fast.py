"""model_instances' fast path (every point valid) leaves instances as full_clean() does."""

from __future__ import annotations

from influxpy import fields, models
from influxpy.contrib.django.api.checking import _all_valid, model_instances
from influxpy.contrib.django.api.types import PointIn

from .test_checking import Probe


class Rounded(fields.FloatField):
    def to_python(self, value: object) -> float:
        return round(super().to_python(value), 1)


class Custom(models.InfluxMeasurement):
    measurement = 'api_custom'
    host = fields.InfluxTag()
    level = Rounded()


POINTS = [
    PointIn(0, 1, 5, {'host': 'a', 'region': ''}, {'ratio': 2, 'count': 3.0, 'raw': 4}),
    PointIn(1, 2, None, {'host': 'b'}, {'ok': True, 'note': 'x', 'raw': 'yes', 'ratio': 1.5}),
    PointIn(2, 3, 7, {'host': 'c', 'region': 'eu'}, {'raw': False, 'count': 9}),
]


def state(objs: list[models.InfluxMeasurement]) -> list[dict[str, object]]:
    return [{k: (v, type(v)) for k, v in obj.__dict__.items()} for obj in objs]


def slow(model: type[models.InfluxMeasurement], points: list[PointIn]
         ) -> list[models.InfluxMeasurement]:
    out = []
    for point in points:
        obj = model(time=point.time_ns, **{**point.tags, **point.fields})
        obj.full_clean()
        out.append(obj)
    return out


def test_the_fast_path_gives_what_full_clean_gives() -> None:
    fast = _all_valid(Probe, POINTS)
    assert fast is not None  # every point is valid: the fast path answered
    assert state(fast) == state(slow(Probe, POINTS))
    assert fast[1].time_ns is None  # not stamped: bulk_create stamps it when it writes
    assert (fast[0].ratio, fast[0].count, fast[0].raw, fast[0].region) == (2.0, 3, 4.0, None)


def test_a_field_that_converts_is_always_cleaned() -> None:
    points = [PointIn(0, 1, 5, {'host': 'a'}, {'level': 1.26})]
    (obj,) = model_instances(Custom, points)
    assert obj.level == 1.3


def test_an_invalid_point_takes_the_slow_path() -> None:
    points = [*POINTS, PointIn(3, 4, 8, {'host': 'd'}, {'count': 1.5})]
    assert _all_valid(Probe, points) is None
