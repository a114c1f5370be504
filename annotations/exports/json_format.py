"""JSON and JSON Lines: every claim with its occurrences, verdict, evidence and corrections.

JSON Lines holds one claim per line. JSON is one object: the export's filters, the documents
the claims occur in or cite (with their text and every version), then the claims; with the
history (the claims' reviews and the documents' own) it is a backup that ``import_claims``
restores. Date-times are ISO 8601 in UTC.

Format version 2 added the documents' author, language, origin, version, revision, update time,
versions and history, the occurrences' version and ``removed_in`` and the claims'
``source_changed_at``. Version 3 added triage: the claims' ``wording``, ``published_wording``,
``checkworthiness`` and its ``checkworthiness_features``, ``dismissal_reason`` and
``dismissal_note``, ``merged_into`` and ``split_from`` (claim ids), the corrections'
``old_wording`` and ``new_wording``, and the filters' ``include_closed``. ``workflow.backup``
reads versions 1 to 3.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import orjson
from django.utils import timezone

from .filters import ExportFilters
from .records import claim_batches, documents_of, moment

FORMAT = "factcheck-export"
FORMAT_VERSION = 3


def stream_jsonl(
    filters: ExportFilters, *, history: bool = False, progress: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """Yield one JSON object per claim, a line each."""
    for records in claim_batches(filters.claims(), history=history):
        yield b"".join(orjson.dumps(record) + b"\n" for record in records)
        if progress:
            progress(len(records))


def stream_json(
    filters: ExportFilters, *, history: bool = False, progress: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """Yield one JSON document: the export's header, its documents, then its claims."""
    header = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": moment(timezone.now()),
        "filters": filters.as_dict(),
        "filters_described": filters.describe(),
        "history": history,
    }
    yield orjson.dumps(header)[:-1] + b',"documents":['
    first = True
    for document in documents_of(filters.claims(), history=history):
        yield (b"" if first else b",") + b"\n" + orjson.dumps(document)
        first = False
    yield b'\n],"claims":['
    first = True
    for records in claim_batches(filters.claims(), history=history):
        yield (b"" if first else b",") + b"\n" + b",\n".join(orjson.dumps(record) for record in records)
        first = False
        if progress:
            progress(len(records))
    yield b"\n]}\n"
