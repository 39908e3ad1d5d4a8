"""Serving a record's files from the archive: the archival PDF to view in the page, and
the PDF or the untouched original to download."""

from __future__ import annotations

from typing import Literal

from fastapi.responses import FileResponse

from search.archive import stored_file
from search.config import Settings
from search.errors import FileNotAvailable
from search.records import Record

Variant = Literal["archival", "original"]


def file_response(settings: Settings, record: Record, variant: Variant, download: bool) -> FileResponse:
    stored = stored_file(settings.archive_dir, record, variant)
    if stored is None:
        raise FileNotAvailable(record.id, variant)
    return FileResponse(
        stored.path, media_type=stored.media_type, filename=stored.download_name,
        content_disposition_type="attachment" if download else "inline",
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )
