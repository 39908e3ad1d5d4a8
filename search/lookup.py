"""Exact lookups by identifier, for other systems and for citizens.

Unlike full-text search these never rank or guess: a subject's CCCD (or enterprise code),
a procedure code and a dossier code are compared as whole keywords, each in the one form
archive/identifiers.py gives it, the form it is stored in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from .query import today_in_vietnam
from .validity import status_clause
from archive.identifiers import canonical_dossier_code, canonical_or_none, canonical_subject_id
from archive.records import Record, Status

MAX_OWN_RECORDS = 100


class LookupHit(BaseModel):
    id: str
    doc_number: str | None = None
    issued_date: dt.date | None = None
    issuing_agency: str | None = None
    result_type: str | None = None
    procedure_code: str | None = None
    procedure_name: str | None = None
    dossier_code: str | None = None
    valid_until: dt.date | None = None
    status: Status
    replaced_by: str | None = Field(None, description="When replaced: the record that replaces this one.")

    @classmethod
    def of(cls, record: Record, today: dt.date) -> LookupHit:
        return cls(**record.model_dump(include=set(cls.model_fields) - {"status"}), status=record.status_on(today))


class LookupResult(BaseModel):
    found: bool = Field(description="Whether the subject holds at least one result matching the request.")
    total: int
    records: list[LookupHit]


def lookup_body(subject_id: str, procedure_code: str | None, status: Status | None,
                size: int, today: dt.date | None = None) -> dict[str, Any]:
    """Raises InvalidQuery when ``subject_id`` is not one (archive/identifiers.py)."""
    filters: list[dict[str, Any]] = [{"term": {"subject_id": canonical_subject_id(subject_id)}}]
    if procedure_code:
        filters.append({"term": {"procedure_code": procedure_code.strip()}})
    if status:
        filters.append(status_clause(status, today or today_in_vietnam()))
    return {"query": {"bool": {"filter": filters}}, "size": size, "track_total_hits": True,
            "_source": {"excludes": ["text", "text_words"]},
            "sort": [{"issued_date": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]}


def own_records_body(subject_id: str, dossier_code: str) -> dict[str, Any]:
    """Every record of the subject, provided one of them carries this dossier code: the
    code from the receipt is the proof that the person asking is the subject. Both checks
    are one query, so a wrong CCCD and a wrong code look exactly the same from outside."""
    sid = canonical_subject_id(subject_id)
    # A code stored before dossier codes had one form may not have one of their shapes:
    # it is still compared, as typed (the index's normalizer folds case and separators).
    code = canonical_or_none(canonical_dossier_code, dossier_code) or dossier_code.strip()[:100]
    return {
        "query": {"bool": {"filter": [{"term": {"subject_id": sid}}]}},
        "size": MAX_OWN_RECORDS,
        "_source": {"excludes": ["text", "text_words"]},
        "sort": [{"issued_date": {"order": "desc", "missing": "_last"}}, {"id": "asc"}],
        "aggs": {"proof": {"filter": {"term": {"dossier_code": code}}}},
    }
