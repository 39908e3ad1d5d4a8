"""Exact lookups by identifier, for other systems and for citizens.

Unlike full-text search these never rank or guess: a subject's CCCD (or enterprise code),
a procedure code and a dossier code are compared as whole normalized keywords.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, Field

from .errors import InvalidQuery
from .query import today_in_vietnam
from .validity import status_clause
from archive.records import Record, Status

#: CCCD (12 digits), old CMND (9), enterprise or tax code (10 or 13; 10-3 with a dash).
SUBJECT_ID = re.compile(r"^(\d{9}|\d{10}|\d{12}|\d{13}|\d{10}-\d{3})$")
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

    @classmethod
    def of(cls, record: Record, today: dt.date) -> LookupHit:
        return cls(**record.model_dump(include=set(cls.model_fields) - {"status"}), status=record.status_on(today))


class LookupResult(BaseModel):
    found: bool = Field(description="Whether the subject holds at least one result matching the request.")
    total: int
    records: list[LookupHit]


def clean_subject_id(raw: str) -> str:
    """The identifier as stored: spaces and dots that clerks type are dropped."""
    value = re.sub(r"[\s.]", "", raw or "")
    if not SUBJECT_ID.match(value):
        raise InvalidQuery("Mã chủ thể phải là số CCCD (12 chữ số), CMND (9 chữ số) "
                           "hoặc mã số doanh nghiệp (10 hoặc 13 chữ số).")
    return value


def lookup_body(subject_id: str, procedure_code: str | None, status: Status | None,
                size: int, today: dt.date | None = None) -> dict[str, Any]:
    filters: list[dict[str, Any]] = [{"term": {"subject_id": clean_subject_id(subject_id)}}]
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
    sid = clean_subject_id(subject_id)
    return {
        "query": {"bool": {"filter": [{"term": {"subject_id": sid}}]}},
        "size": MAX_OWN_RECORDS,
        "_source": {"excludes": ["text", "text_words"]},
        "sort": [{"issued_date": {"order": "desc", "missing": "_last"}}, {"id": "asc"}],
        "aggs": {"proof": {"filter": {"term": {"dossier_code": dossier_code.strip()[:100]}}}},
    }
