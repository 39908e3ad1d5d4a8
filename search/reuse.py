"""Reuse of a digitized result in a new dossier: the citation an officer pastes, the JSON
reference the one-stop system takes, and the event that counts the reuse.

The event itself is archive/reuse.py; the events are kept in the database (database/reuse_events.py).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from archive.records import Record, Status


def vn_date(day: dt.date | None) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else ""


def citation(record: Record, url: str) -> str:
    """One line an officer pastes into the new dossier: kind, number, date, agency, link."""
    parts = [(record.result_type or "Kết quả").capitalize()]
    if record.doc_number:
        parts.append(f"số {record.doc_number}")
    if record.issued_date:
        parts.append(f"ngày {vn_date(record.issued_date)}")
    if record.issuing_agency:
        parts.append(f"của {record.issuing_agency}")
    return f"{' '.join(parts)} (bản số hóa: {url})"


class Reference(BaseModel):
    """What the one-stop system stores to point at a reused result instead of a paper copy."""

    record_id: str
    doc_number: str | None = None
    issued_date: dt.date | None = None
    issuing_agency: str | None = None
    result_type: str | None = None
    procedure_code: str | None = None
    status: Status
    valid_until: dt.date | None = None
    source_sha256: str | None = None
    archival_sha256: str | None = None
    url: str = Field(description="The record page.")
    file_url: str = Field(description="The archival PDF (or the original when there is none).")
    citation: str
    reused_for: str | None = Field(None, description="The new dossier this reuse was recorded for.")

    @classmethod
    def of(cls, record: Record, today: dt.date, url: str, file_url: str,
           reused_for: str | None = None) -> Reference:
        return cls(
            record_id=record.id, status=record.status_on(today), url=url, file_url=file_url,
            citation=citation(record, url), reused_for=reused_for,
            **record.model_dump(include={"doc_number", "issued_date", "issuing_agency", "result_type",
                                         "procedure_code", "valid_until", "source_sha256",
                                         "archival_sha256"}),
        )


