"""Exports: the claims out of the tool, one module per format, all streamed.

``FORMATS`` names each format with how to stream it, its media type and file name; the command,
the admin and the API all go through ``export``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from . import claimreview, csv_format, html_report, json_format
from .filters import ExportFilters, FilterError


@dataclass(frozen=True)
class Format:
    name: str
    stream: Callable[..., Iterator[bytes]]
    content_type: str
    file_name: str
    published: bool  # defaults to approved claims only
    takes_history: bool = False


FORMATS = {
    f.name: f
    for f in (
        Format("csv", csv_format.stream, "text/csv; charset=utf-8", "claims.csv", published=False),
        Format("json", json_format.stream_json, "application/json", "claims.json", False, takes_history=True),
        Format("jsonl", json_format.stream_jsonl, "application/jsonl", "claims.jsonl", False, takes_history=True),
        Format("claimreview", claimreview.stream, "application/ld+json", "claimreview.jsonld", published=True),
        Format("html", html_report.stream, "text/html; charset=utf-8", "report.html", published=True),
    )
}


def export(name: str, filters: ExportFilters, *, history: bool = False, progress=None) -> Iterator[bytes]:
    """Return the chunks of the export of ``filters`` in format ``name``."""
    fmt = FORMATS[name]
    if fmt.takes_history:
        return fmt.stream(filters, history=history, progress=progress)
    return fmt.stream(filters, progress=progress)


def streaming_response(name: str, filters: ExportFilters, *, history: bool = False, file_name: str = ""):
    """Return a streamed download of the export, its filters in the ``Export-Filters`` header."""
    from django.http import StreamingHttpResponse

    fmt = FORMATS[name]
    response = StreamingHttpResponse(export(name, filters, history=history), content_type=fmt.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name or fmt.file_name}"'
    response["Export-Filters"] = filters.describe()
    response["Cache-Control"] = "no-store"
    return response


__all__ = ["FORMATS", "ExportFilters", "FilterError", "Format", "export", "streaming_response"]
