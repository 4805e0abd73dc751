"""Who may see, append to and delete which series: the rows of ``SeriesPermission`` and
the ``PUBLIC`` grants of ``INFLUXPY_API``, as selectors (types.Selectors).

A view asks :func:`selectors_for` and hands the answer to its source, which adds it to
every query as conditions; so a filter a user crafts can only narrow what they see.

- an active superuser may do everything (``None``);
- an active user what any permission of theirs or of their groups grants, and what
  ``PUBLIC`` grants (being logged in never shows less than being anonymous);
- anyone else (anonymous, inactive) what ``PUBLIC`` grants; by default nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Q, QuerySet

from ..models import ALL_MEASUREMENTS, SeriesPermission, selector_error
from .conf import api_settings
from .sources.base import matches
from .types import RIGHTS, APIError, PointIn, Selectors

logger = logging.getLogger(__name__)

MAX_ERRORS = 100  # points named in a refused write; the message says how many in all


def selectors_for(user: Any, measurement: str, right: str) -> Selectors:
    """The series of ``measurement`` on which ``user`` has ``right`` (one query)."""
    if right not in RIGHTS:
        raise ValueError(f'unknown right {right!r}; rights are {", ".join(RIGHTS)}')
    if _is_superuser(user):
        return None
    found: list[Mapping[str, str]] = [
        grant.tags for grant in api_settings().public
        if right in grant.rights and grant.measurement in (measurement, ALL_MEASUREMENTS)]
    if _is_active(user):
        rows = _granted(user).filter(**{f'can_{right}': True},
                                     measurement__in=(measurement, ALL_MEASUREMENTS))
        for tags in rows.values_list('tags', flat=True):
            # A row saved without full_clean() may hold anything: it grants nothing then.
            problem = selector_error(tags)
            if problem is None:
                found.append(tags)
            else:
                logger.warning('a series permission with a bad selector is ignored: %s',
                               problem)
    return simplify(found)


def visible_measurements(user: Any, names: Iterable[str]) -> list[str]:
    """Those of ``names`` (in their order) where ``user`` may view some series (one query)."""
    names = list(names)
    if _is_superuser(user):
        return names
    granted = {grant.measurement for grant in api_settings().public if 'view' in grant.rights}
    if _is_active(user):
        rows = _granted(user).filter(can_view=True).values_list('measurement', 'tags')
        # As selectors_for: a row with a bad selector grants nothing, not even a listing.
        granted.update(name for name, tags in rows if selector_error(tags) is None)
    if ALL_MEASUREMENTS in granted:
        return names
    return [name for name in names if name in granted]


def simplify(selectors: Iterable[Mapping[str, str]]) -> tuple[dict[str, str], ...]:
    """The same series with fewer selectors: ``({},)`` if one is ``{}``; no duplicates,
    none that another, looser one already covers; in a stable order."""
    unique = {tuple(sorted(s.items())) for s in selectors}
    # {} covers every other selector, so it alone is kept when present.
    kept = [s for s in unique
            if not any(other != s and set(other) <= set(s) for other in unique)]
    return tuple(dict(s) for s in sorted(kept))


def outside(selectors: Selectors, tags_list: Iterable[Mapping[str, str]]) -> list[int]:
    """The indexes of the tag sets that are not inside ``selectors``."""
    if selectors is None or any(not selector for selector in selectors):
        return []  # everything is inside: no need to look at each point
    return [index for index, tags in enumerate(tags_list) if not matches(selectors, tags)]


def check_append(selectors: Selectors, points: Sequence[PointIn]) -> None:
    """Refuse (403, naming the series) a write with any point outside ``selectors``."""
    bad = outside(selectors, (point.tags for point in points))
    if not bad:
        return
    errors = [{'index': points[i].index, 'line': points[i].line, 'tags': dict(points[i].tags),
               'message': f'you may not append to the series {_series(points[i].tags)}'}
              for i in bad[:MAX_ERRORS]]
    first = points[bad[0]]
    more = f' (and {len(bad) - 1} more points outside your rights)' if len(bad) > 1 else ''
    raise APIError(f'point {first.index}: you may not append to the series '
                   f'{_series(first.tags)}{more}; nothing was written',
                   status=403, errors=errors)


def _series(tags: Mapping[str, str]) -> str:
    return ','.join(f'{k}={v}' for k, v in sorted(tags.items())) or '(no tags)'


def _is_active(user: Any) -> bool:
    return bool(getattr(user, 'is_authenticated', False) and getattr(user, 'is_active', False))


def _is_superuser(user: Any) -> bool:
    return _is_active(user) and bool(getattr(user, 'is_superuser', False))


def _granted(user: Any) -> QuerySet[SeriesPermission]:
    """The user's permissions and their groups' (the groups as a subquery: one query)."""
    mine = Q(user=user)
    groups = getattr(user, 'groups', None)      # a user model may have no groups
    if groups is not None:
        mine |= Q(group__in=groups.all())
    return SeriesPermission.objects.filter(mine)
