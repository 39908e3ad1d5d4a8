"""Absolute links to a record, as put in citations and references that leave the system."""

from __future__ import annotations

from fastapi import Request

from archive.layout import archival_file
from search.config import Settings


def record_links(request: Request, settings: Settings, record_id: str,
                 has_pdf: bool | None = None) -> tuple[str, str]:
    """(record page, file) — the file is the archival PDF, or the original where there is
    none (``has_pdf`` when the caller already looked)."""
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    if has_pdf is None:
        has_pdf = archival_file(settings.archive_dir, record_id) is not None
    variant = "archival" if has_pdf else "original"
    return f"{base}/records/{record_id}", f"{base}/api/v1/records/{record_id}/file?variant={variant}"
