"""Text lookups (``regex contains startswith endswith`` and their ``i`` forms) and
``isnull``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from ...exceptions import QueryError
from ...fields import ANY, STRING, TAG
from ...quoting import quote_regex
from ..where import TIME

if TYPE_CHECKING:
    from ..compiler import Compiler
from .base import Lookup, register_lookup

_TEXT_KINDS = frozenset({TAG, STRING, ANY})


class _Pattern(Lookup):
    """A regex match, inlined through :func:`quote_regex` (``=~`` / ``!~``)."""

    __slots__ = ()
    kinds = _TEXT_KINDS

    def pattern(self, value: Any) -> str | re.Pattern[str]:
        raise NotImplementedError

    def prepare(self, value: Any) -> None:
        self.value = value
        self.rhs = quote_regex(self.pattern(value))

    def as_influxql(self, compiler: Compiler) -> str:
        return f'{self.column.sql} {"!~" if self.negated else "=~"} {self.rhs}'


@register_lookup
class Regex(_Pattern):
    """``field__regex=r'^web-\\d+$'``: ``=~ /…/`` (RE2 syntax; a ``re.Pattern`` works)."""

    __slots__ = ()
    lookup_name = 'regex'

    def pattern(self, value: Any) -> str | re.Pattern[str]:
        if not isinstance(value, (str, re.Pattern)):
            raise QueryError(f'{self.column.label}: regex takes a pattern string, not {value!r}')
        return value


class _Text(_Pattern):
    __slots__ = ()
    template: ClassVar[str]
    flags: ClassVar[str] = ''

    def pattern(self, value: Any) -> str:
        if not isinstance(value, str):
            raise QueryError(f'{self.column.label}: {self.lookup_name} takes a string, '
                             f'not {value!r}')
        return self.flags + self.template.format(re.escape(value))


@register_lookup
class Contains(_Text):
    """``field__contains='x'``: a regex of the escaped text."""

    __slots__ = ()
    lookup_name, template = 'contains', '{}'


@register_lookup
class StartsWith(_Text):
    """``field__startswith='x'``: ``=~ /^x/``."""

    __slots__ = ()
    lookup_name, template = 'startswith', '^{}'


@register_lookup
class EndsWith(_Text):
    """``field__endswith='x'``: ``=~ /x$/``."""

    __slots__ = ()
    lookup_name, template = 'endswith', '{}$'


@register_lookup
class IExact(_Text):
    """``field__iexact='x'``: ``=~ /(?i)^x$/``."""

    __slots__ = ()
    lookup_name, template, flags = 'iexact', '^{}$', '(?i)'


@register_lookup
class IContains(_Text):
    """``field__icontains='x'``: case-insensitive ``contains``."""

    __slots__ = ()
    lookup_name, template, flags = 'icontains', '{}', '(?i)'


@register_lookup
class IStartsWith(_Text):
    """``field__istartswith='x'``."""

    __slots__ = ()
    lookup_name, template, flags = 'istartswith', '^{}', '(?i)'


@register_lookup
class IEndsWith(_Text):
    """``field__iendswith='x'``."""

    __slots__ = ()
    lookup_name, template, flags = 'iendswith', '{}$', '(?i)'


@register_lookup
class IsNull(Lookup):
    """``tag__isnull=True``: the tag is absent (``tag = ''``); tags only."""

    __slots__ = ()
    lookup_name = 'isnull'
    kinds = frozenset({TAG})

    def _kind_problem(self, kind: str) -> str:
        if kind == TIME:
            return 'does not apply to time (every point has one)'
        return ('does not apply to fields: InfluxQL cannot test a field for null. Select the '
                'field (only(…)) and skip the points where it is None')

    def prepare(self, value: Any) -> None:
        if not isinstance(value, bool):
            raise QueryError(f'{self.column.label}: isnull takes True or False, not {value!r}')
        self.value = value

    def as_influxql(self, compiler: Compiler) -> str:
        return f"{self.column.sql} {'=' if self.value != self.negated else '!='} ''"
