"""The OpenAPI 3 schema (drf-spectacular) and the offline docs page."""

from __future__ import annotations

import json
import re
from typing import Any

from drf_spectacular.validation import validate_schema

BASE = '/some/prefix/api'


def test_schema_is_valid_openapi_and_names_the_parameters(probes: Any,
                                                          admin_client: Any) -> None:
    response = admin_client.get(f'{BASE}/schema/', {'format': 'json'})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    assert schema['openapi'].startswith('3.')
    points = schema['paths']['/some/prefix/api/measurements/{name}/points/']
    assert set(points) >= {'get', 'post', 'delete'}
    names = {p['name'] for p in points['get']['parameters']}
    assert names >= {'start', 'end', 'after', 'before', 'fields', 'granularity',
                     'downsamplers', 'fill', 'tz', 'max_points', 'order', 'limit', 'cursor',
                     'shape', 'epoch', 'format'}
    assert set(points['post']['requestBody']['content']) == {
        'application/json', 'text/csv', 'text/plain'}


def test_docs_page_works_offline(probes: Any, admin_client: Any) -> None:
    response = admin_client.get(f'{BASE}/docs/')
    assert response.status_code == 200
    html = response.content.decode()
    assert '/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js' in html
    external = re.findall(r'''(?:src|href)=["'](https?:)?//''', html)
    assert external == [], 'the docs page loads something from another host'
    from django.contrib.staticfiles import finders

    for name in ('swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-ui-standalone-preset.js'):
        assert finders.find(f'drf_spectacular_sidecar/swagger-ui-dist/{name}'), name
