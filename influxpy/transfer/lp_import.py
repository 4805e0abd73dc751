"""Reading line protocol for an import: each line parsed as InfluxDB reads it
(``influxpy.lineprotocol.parse``), then written as it is or checked against a model."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..lineprotocol import Line, logical_lines, parse_line, strip_line
from .errors import ImportReport
from .importer import Importer, model_column


def read_line_protocol(importer: Importer, lines: Iterable[str]) -> ImportReport:
    """Import the line-protocol ``lines`` through ``importer``."""
    for line_no, text in logical_lines(lines):
        text = strip_line(text)
        if not text or text.startswith('#') or line_no < importer.resume_from:
            continue
        importer.report.read += 1
        if importer.not_utf8_among(line_no, line_no + text.count('\n')):
            continue
        try:
            parsed = parse_line(text, importer.precision)
        except ValueError as exc:
            importer.problem(line_no, str(exc))
            continue
        ns = parsed.time if parsed.time is not None else importer.now()
        if importer.model is None:
            importer.add_line(line_no, importer.measurement or parsed.measurement,
                              parsed.tags, parsed.fields, ns)
        else:
            _add_to_model(importer, line_no, parsed, ns)
    return importer.finish()


def _add_to_model(importer: Importer, line_no: int, parsed: Line, ns: int) -> None:
    """A line's tags and fields as the model's, or refused if one is not the model's."""
    model = importer.model
    assert model is not None
    values: dict[str, Any] = {}
    unknown = []
    for key, value in (*parsed.tags.items(), *parsed.fields.items()):
        found = model_column(model, key)
        if found is None or found.is_tag != (key in parsed.tags):
            unknown.append(key)
        else:
            values[found.name] = value
    if unknown:
        meta = model._meta
        importer.problem(line_no, f'unknown field or tag {", ".join(map(repr, unknown))}; '
                                  f'{meta.model_name} has tags {", ".join(meta.tags)} and '
                                  f'fields {", ".join(meta.fields)}')
        return
    importer.add_model_point(line_no, values, ns)
