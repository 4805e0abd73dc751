"""The former name of :mod:`influxpy.times`, kept for ``influxpy.timeutil.settings``."""

from .times import *  # noqa: F403
from .times import settings

__all__ = ['settings']
