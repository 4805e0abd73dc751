"""The API's views: measurements, their series, their points (read, append, delete).

Each view checks every parameter (params.py) and the user's rights (permissions.py)
before a source sees anything; every refusal is JSON naming the problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse, StreamingHttpResponse
from rest_framework.authentication import (
    BasicAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from influxpy.exceptions import InfluxConnectionError, InfluxPyError, ServerError
from influxpy.times import rfc3339

from . import openapi
from . import params as p
from .choose import choose
from .conf import api_settings
from .cursor import encode_cursor, encode_key
from .permissions import check_append, selectors_for, visible_measurements
from .registry import exposed
from .render import page_csv, page_json
from .sources.base import Source
from .types import APIError, PointsQuery, Selectors

CSV_PAGE = 10_000


class JSONOnly(BaseContentNegotiation):
    """Errors are JSON; answers are rendered by the views (``format`` is theirs)."""

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type

    def select_parser(self, request: Any, parsers: Any) -> Any:
        return parsers[0] if parsers else None


class BaseView(APIView):
    # Token first: refused credentials answer 401 with 'WWW-Authenticate: Token', which
    # (unlike Basic) opens no login box in a browser page using the API.
    authentication_classes = [TokenAuthentication, BasicAuthentication, SessionAuthentication]
    permission_classes: list[Any] = []
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly

    def get_throttles(self) -> list[Any]:
        # Read REST_FRAMEWORK's throttles when asked, not when this module was imported.
        from rest_framework.settings import api_settings as drf_settings

        return [throttle() for throttle in drf_settings.DEFAULT_THROTTLE_CLASSES]

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, APIError):
            return Response(exc.body(), status=exc.status)
        if isinstance(exc, (InfluxConnectionError, ServerError)):
            return Response({'detail': f'the database did not answer: {exc}'}, status=503)
        if isinstance(exc, InfluxPyError):
            return Response({'detail': str(exc)}, status=400)
        return super().handle_exception(exc)

    def source(self, name: str, right: str = 'view') -> tuple[Source, Selectors]:
        """The source ``name`` and the user's selectors for ``right`` on it. 404 when they
        have neither that right nor view on any series of it (write-only credentials, as
        a device's, may append without seeing); 403 when they may only view."""
        found = exposed().get(name)
        if found is None:
            raise APIError(f'no measurement {name!r}', status=404)
        selectors = selectors_for(self.request.user, name, right)
        if selectors == ():
            if right == 'view' or selectors_for(self.request.user, name, 'view') == ():
                raise APIError(f'no measurement {name!r}', status=404)
            raise APIError(f'you may not {right} points of {name!r}', status=403)
        return found, selectors

    def link(self, route: str, **kwargs: Any) -> str:
        return str(reverse(route, kwargs=kwargs or None, request=self.request))

    def with_params(self, **changes: str | None) -> str:
        query = self.request.query_params.copy()
        for key, value in changes.items():
            query.pop(key, None)
            if value is not None:
                query[key] = value
        base = self.request.build_absolute_uri(self.request.path)
        return f'{base}?{urlencode(list(query.lists()), doseq=True)}' if query else base


class RootView(BaseView):
    @openapi.root
    def get(self, request: Request) -> Response:
        return Response({'measurements': self.link('influxpy-api:measurements'),
                         'schema': self.link('influxpy-api:schema'),
                         'docs': self.link('influxpy-api:docs')})


class MeasurementsView(BaseView):
    @openapi.measurements
    def get(self, request: Request) -> Response:
        sources = exposed()
        out = [self.described(sources[name])
               for name in visible_measurements(request.user, sources)]
        return Response({'count': len(out), 'measurements': out})

    def described(self, source: Source) -> dict[str, Any]:
        out = source.describe()
        out['links'] = {
            'self': self.link('influxpy-api:measurement', name=source.name),
            'series': self.link('influxpy-api:series', name=source.name),
            'points': self.link('influxpy-api:points', name=source.name)}
        return out


class MeasurementView(MeasurementsView):
    @openapi.measurement
    def get(self, request: Request, name: str) -> Response:  # type: ignore[override]
        source, _ = self.source(name)
        return Response(self.described(source))


class SeriesView(BaseView):
    @openapi.series
    def get(self, request: Request, name: str) -> Response:
        source, selectors = self.source(name)
        config = api_settings()
        query = p.parse_series_query(request.query_params, tags=list(source.tags),
                                     default_limit=config.default_limit,
                                     max_limit=config.max_limit)
        cursor = query.cursor or ''
        if cursor.startswith('<'):  # a 'previous' link: the page before that key
            before = [s for s in source.series(replace(query, cursor=None,
                                                       limit=config.max_limit), selectors)
                      if s.key < cursor[1:]]
            found, behind, ahead = before[-query.limit:], len(before) > query.limit, True
        else:
            found = source.series(replace(query, cursor=cursor[1:] or None), selectors)
            ahead, behind = len(found) > query.limit, bool(cursor)
            found = found[:query.limit]
        return Response({
            'measurement': name, 'count': len(found),
            'next': (self.with_params(cursor=encode_key('>' + found[-1].key))
                     if ahead and found else None),
            'previous': (self.with_params(cursor=encode_key('<' + found[0].key))
                         if behind and found else None),
            'series': [{'tags': s.tags, 'first': _rfc(s.first), 'last': _rfc(s.last)}
                       for s in found]})


class PointsView(BaseView):
    @openapi.points_get
    def get(self, request: Request, name: str) -> HttpResponse:
        source, selectors = self.source(name)
        query = choose(source, self.points_query(source), selectors)
        if query.format == 'csv':
            return self.csv(source, query, selectors)
        page = source.points(query, selectors)
        links = {'next': self.with_params(cursor=encode_cursor(page.next)) if page.next else None,
                 'previous': (self.with_params(cursor=encode_cursor(page.previous))
                              if page.previous else None)}
        return HttpResponse(page_json(name, query, page, links),
                            content_type='application/json')

    def points_query(self, source: Source) -> PointsQuery:
        config = api_settings()
        params = self.request.query_params
        wanted_csv = 'format' not in params and 'text/csv' in self.request.META.get(
            'HTTP_ACCEPT', '')
        query: PointsQuery = p.parse_points_query(
            params, tags=list(source.tags), fields=[f.name for f in source.fields],
            downsamplers_allowed=getattr(source, 'downsamplers', None),
            default_limit=config.default_limit, max_limit=config.max_limit)
        if wanted_csv:
            query = replace(query, format='csv')
        return query

    def csv(self, source: Source, query: PointsQuery, selectors: Selectors
            ) -> StreamingHttpResponse:
        def pages() -> Iterator[Any]:
            # Without a cursor, every point, in big pages (they join without gaps at any
            # size): a tenth of the round trips, still constant memory.
            current = query if query.cursor else replace(query, limit=max(query.limit,
                                                                           CSV_PAGE))
            while True:
                page = source.points(current, selectors)
                yield page
                if page.next is None or query.cursor is not None:
                    return
                current = replace(current, cursor=page.next)

        response = StreamingHttpResponse(page_csv(query, pages(), list(source.tags)),
                                         content_type='text/csv; charset=utf-8')
        response['Content-Disposition'] = f'attachment; filename="{source.name}.csv"'
        return response

    @openapi.points_post
    def post(self, request: Request, name: str) -> Response:
        from .bodies import parse_body

        source, selectors = self.source(name, 'append')
        config = api_settings()
        precision = request.query_params.get('precision', 'ns')
        body = read_body(request, config.max_body)
        points = parse_body(body, content_type=request.content_type or '',
                            content_encoding=request.META.get('HTTP_CONTENT_ENCODING'),
                            measurement=name, tags=list(source.tags),
                            fields={f.name: f.type for f in source.fields},
                            max_bytes=config.max_body, precision=precision)
        check_append(selectors, points)
        written = source.write(points)
        return Response({'written': written}, status=201)

    @openapi.points_delete
    def delete(self, request: Request, name: str) -> Response:
        source, selectors = self.source(name, 'delete')
        tags, time = p.parse_delete_query(request.query_params, tags=list(source.tags))
        return Response({'deleted': source.delete(tags, time, selectors)})


def read_body(request: Request, max_bytes: int) -> bytes:
    """The raw body, at most ``max_bytes`` (else 413). Read from the stream, not through
    ``request.body``, whose DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) would answer an HTML 400
    first: ``INFLUXPY_API['MAX_BODY']`` is the one limit."""
    too_big = APIError(f'the body is over {max_bytes:,} bytes (INFLUXPY_API MAX_BODY)',
                       status=413)
    try:
        declared = int(request.META.get('CONTENT_LENGTH') or 0)
    except ValueError:
        raise APIError('Content-Length is not a number') from None
    if declared > max_bytes:
        raise too_big
    body = request._request.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise too_big
    return bytes(body)


def _rfc(ns: int | None) -> str | None:
    return None if ns is None else rfc3339(ns)

