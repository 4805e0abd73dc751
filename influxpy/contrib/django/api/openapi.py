"""The OpenAPI description of the API (drf-spectacular), and its offline docs page.

The views take no serializers (they answer through the sources), so their parameters
and answers are described here, once, from the same tables params.py checks against.
"""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularSwaggerView

from .types import DOWNSAMPLERS, EPOCHS, FILLS, FORMATS, ORDERS, SHAPES, TAG_LOOKUPS

SIDECAR = 'drf_spectacular_sidecar/swagger-ui-dist'


def _query(name: str, description: str, enum: Any = None,
           kind: Any = OpenApiTypes.STR) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description,
                            enum=list(enum) if enum else None)


TAGS_NOTE = ('Tag filters: `<tag>=<value>` and `<tag>__<lookup>=<value>` with lookups '
             f'{", ".join(TAG_LOOKUPS)} (`__in` takes comma-separated values).')
TIME = [_query(n, f'{what}: RFC 3339 (up to nine fraction digits), epoch seconds, `now` or '
                  '`now-6h`') for n, what in (('start', 'inclusive lower bound'),
                                              ('end', 'inclusive upper bound'),
                                              ('after', 'exclusive lower bound'),
                                              ('before', 'exclusive upper bound'))]
PAGING = [_query('limit', 'points (or series) per page; 0: metadata only',
                 kind=OpenApiTypes.INT),
          _query('cursor', 'opaque; from `next` or `previous`')]
POINTS = [
    *TIME,
    _query('fields', 'comma-separated field names (default: all)'),
    _query('granularity', 'a duration (`10s`, `5m`, `1h`, `1d`, `1w`), `minute hour day week '
                          'month`, or datastream names (`10minutes`, `6hours`…); absent: raw'),
    _query('downsamplers', f'comma-separated: {", ".join(DOWNSAMPLERS)} or pNN '
                           '(percentile); default mean'),
    _query('fill', f'{", ".join(FILLS)} or a number'),
    _query('tz', 'IANA time zone for buckets and times (default UTC)'),
    _query('max_points', 'choose the finest granularity with at most this many points per '
                         'series', kind=OpenApiTypes.INT),
    _query('order', 'by time', ORDERS), *PAGING,
    _query('shape', 'rows: a list of points; columns: one array per name', SHAPES),
    _query('epoch', 'times as integers in this unit instead of RFC 3339', EPOCHS),
    _query('format', 'json, or csv (streamed; also by Accept: text/csv)', FORMATS),
]

ANSWER = {'type': 'object', 'description': 'see the README, section HTTP API'}

root = extend_schema(summary='Links to the API', responses={200: ANSWER})
measurements = extend_schema(summary='The measurements you may see', responses={200: ANSWER})
measurement = extend_schema(summary='One measurement: fields, tags, tiers, retention',
                            responses={200: ANSWER, 404: ANSWER})
series = extend_schema(summary='Its series (tag sets) with first and last time',
                       description=TAGS_NOTE, parameters=PAGING, responses={200: ANSWER})
points_get = extend_schema(summary='Points, raw or downsampled', description=TAGS_NOTE,
                           parameters=POINTS, responses={200: ANSWER, 400: ANSWER})
points_post = extend_schema(
    summary='Append points',
    description='JSON `{"points": [{"time", "tags", "fields"}]}` or a list of flat objects; '
                'CSV (`text/csv`, with a header); line protocol (`text/plain`). Checked '
                'entirely before anything is written. gzip accepted.',
    parameters=[_query('precision', 'unit of integer times', EPOCHS)],
    request={'application/json': ANSWER, 'text/csv': OpenApiTypes.STR,
             'text/plain': OpenApiTypes.STR},
    responses={201: ANSWER, 400: ANSWER, 403: ANSWER, 413: ANSWER, 503: ANSWER})
points_delete = extend_schema(summary='Delete points by tags and time (a filter is required)',
                              description=TAGS_NOTE, parameters=TIME,
                              responses={200: ANSWER, 400: ANSWER})


class OfflineDocs(SpectacularSwaggerView):
    """Swagger UI from drf-spectacular-sidecar's static files: no CDN, works offline."""

    @staticmethod
    def _swagger_ui_resource(filename: str) -> str:
        return str(static(f'{SIDECAR}/{filename}'))

    @staticmethod
    def _swagger_ui_favicon() -> str:
        return str(static(f'{SIDECAR}/favicon-32x32.png'))
