"""The record: one digitized result of an administrative procedure.

This is the only place the field list lives. The manifest columns, the API responses and
the OpenSearch mapping (``mappings/records.json``, checked against this model by a test)
all use these names, as fixed by DESIGN.md.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class Status(StrEnum):
    """Validity of a result. Only ``revoked`` is stored; the others follow from the dates."""

    valid = "valid"
    expired = "expired"
    revoked = "revoked"


class SubjectType(StrEnum):
    citizen = "citizen"
    organization = "organization"


class Signature(BaseModel):
    signer: str | None = None
    signed_at: dt.datetime | None = None
    valid: bool | None = None


class Record(BaseModel):
    """All fields of a record. Everything but ``id`` may be unknown (None)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    dossier_code: str | None = None
    procedure_code: str | None = None
    procedure_name: str | None = None
    field: str | None = None
    result_type: str | None = None
    doc_number: str | None = None
    issued_date: dt.date | None = None
    issuing_agency: str | None = None
    signer: str | None = None
    subject_name: str | None = None
    subject_id: str | None = None
    subject_type: SubjectType | None = None
    subject_address: str | None = None
    summary: str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    valid_scope: str | None = None
    status: Status | None = Field(
        None, description="Stored only when revoked; valid/expired are computed from the dates."
    )
    signature: Signature | None = None
    province: str | None = None
    district: str | None = None
    commune: str | None = None
    text: str = ""
    source_sha256: str | None = None
    source_filename: str | None = None
    archival_sha256: str | None = None
    ingested_at: dt.datetime | None = None
    pipeline: dict[str, Any] = Field(default_factory=dict)

    def status_on(self, day: dt.date) -> Status:
        """Validity on ``day``: revoked is a fact, expiry is read off the dates."""
        return effective_status(self.status, self.valid_until, day)


def effective_status(
    stored: Status | str | None, valid_until: dt.date | None, day: dt.date
) -> Status:
    if stored == Status.revoked:
        return Status.revoked
    if valid_until is not None and valid_until < day:
        return Status.expired
    return Status.valid


#: Field names, in the contract's order; the manifest may use any of them as a column.
RECORD_FIELDS: tuple[str, ...] = tuple(Record.model_fields)

#: Fields a manifest may set (the rest are computed by the indexer).
MANIFEST_FIELDS: frozenset[str] = frozenset(RECORD_FIELDS) - {
    "id", "text", "source_sha256", "source_filename", "archival_sha256", "ingested_at",
    "pipeline", "signature",
}


def record_id_for(source_sha256: str) -> str:
    """Stable id: the same bytes always become the same record, so re-ingest is a no-op."""
    return source_sha256[:24]
