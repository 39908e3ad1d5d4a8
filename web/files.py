"""Serving a record's files from the archive: the archival PDF to view in the page, and
the PDF or the untouched original to download — each one audited."""

from __future__ import annotations

from typing import Literal

from fastapi import Request
from fastapi.responses import FileResponse

from archive.layout import archival_file, original_file, stored_file
from search.config import Settings
from search.errors import FileNotAvailable
from archive.records import Record

from .auth import Principal, audit
from .restrictions import refuse_if_restricted

Variant = Literal["archival", "original"]
#: Types a browser runs rather than shows: never served inline from our origin.
ACTIVE_TYPES = frozenset({"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml"})


def available(settings: Settings, record_id: str) -> dict[str, bool]:
    """Which files the record page can offer (template keys ``has_pdf``, ``has_original``)."""
    return {"has_pdf": archival_file(settings.archive_dir, record_id) is not None,
            "has_original": original_file(settings.archive_dir, record_id) is not None}


def send_file(request: Request, who: Principal, settings: Settings, record: Record, variant: Variant,
              download: bool, action: str | None = None) -> FileResponse:
    """The file as a response, after writing the audit line (``action``: by default
    ``download`` or ``view_file`` for a PDF shown in the page)."""
    refuse_if_restricted(request, who, record, action or ("download" if download else "view_file"))
    stored = stored_file(settings.archive_dir, record, variant)
    if stored is None:
        raise FileNotAvailable(record.id, variant)
    audit(request, who, action or ("download" if download else "view_file"), record_id=record.id,
          subject_id=record.subject_id, detail=variant)
    headers = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
    active = stored.media_type.split(";")[0].strip().lower() in ACTIVE_TYPES
    if active:
        # An HTML, SVG or XML original runs in the browser: from our origin it could script
        # the officer's session or send them elsewhere (a meta refresh passes the page CSP).
        # It is always a download, and sandboxed should a browser render it anyway.
        headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return FileResponse(
        stored.path, media_type=stored.media_type, filename=stored.download_name,
        content_disposition_type="attachment" if download or active else "inline", headers=headers,
    )
