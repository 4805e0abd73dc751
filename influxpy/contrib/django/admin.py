"""influxpy in Django's admin: the series permissions the HTTP API enforces."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model

from .models import SeriesPermission


@admin.register(SeriesPermission)
class SeriesPermissionAdmin(admin.ModelAdmin):
    list_display = ('__str__', 'user', 'group', 'measurement', 'selector', 'can_view',
                    'can_append', 'can_delete')
    list_filter = ('measurement', 'can_view', 'can_append', 'can_delete', 'group')
    raw_id_fields = ('user',)       # a project may have many users
    fieldsets = (
        ('Who', {'fields': ('user', 'group'),
                 'description': 'One user or one group, not both.'}),
        ('Which series', {'fields': ('measurement', 'tags')}),
        ('Rights', {'fields': ('can_view', 'can_append', 'can_delete')}),
    )

    @admin.display(description='tag selector', ordering='tags')
    def selector(self, obj: SeriesPermission) -> str:
        tags = obj.tags if isinstance(obj.tags, dict) else {}
        return ', '.join(f'{k}={v}' for k, v in sorted(tags.items())) or 'every series'

    def get_search_fields(self, request: Any) -> tuple[str, ...]:
        # The user model is the project's: search it by its own username field.
        return ('measurement', 'tags', 'group__name',
                f'user__{get_user_model().USERNAME_FIELD}')
