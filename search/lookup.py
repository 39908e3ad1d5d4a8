"""Exact lookups by identifier, for other systems and for citizens.

Unlike full-text search these never rank or guess: a subject's CCCD (or enterprise code),
a procedure code and a dossier code are compared as whole keywords, each in the one form
archive/identifiers.py gives it, the form it is stored in. An address narrows the answer
to results at that place, named either way: as printed before the 1 July 2025
reorganisation or as it is now (archive/places.py, ``Address``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from .query import today_in_vietnam
from .validity import status_clause
from archive.identifiers import canonical_dossier_code, canonical_or_none, canonical_subject_id
from archive.places import Address, parse_address
from archive.records import Record, Status

from .errors import InvalidQuery

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
    province: str | None = Field(None, description="Province as printed on the result.")
    district: str | None = Field(None, description="District as printed (none after 1 July 2025).")
    commune: str | None = Field(None, description="Commune as printed.")
    current_province: str | None = Field(None, description="The province that place lies in now.")
    current_commune: str | None = Field(
        None, description="The commune that place lies in now; null when the old commune was split "
                          "(current_commune_candidates).")
    current_commune_candidates: list[str] = Field(
        default_factory=list, description="Every commune the place may now lie in, when there is more than one.")

    @classmethod
    def of(cls, record: Record, today: dt.date) -> LookupHit:
        fields = {**record.model_dump(), **record.current_units.model_dump()}
        return cls(**{k: v for k, v in fields.items() if k in cls.model_fields and k != "status"},
                   status=record.status_on(today))


class AddressReading(BaseModel):
    """How an address given to a lookup was read: the units it names, and where they are now."""

    understood: bool = Field(description="Whether a province (its name before or after 1 July 2025) was "
                                         "recognised. If not, no result matches: check this before concluding "
                                         "that the subject holds no result there.")
    province: str | None = None
    district: str | None = None
    commune: str | None = None
    current_province: str | None = None
    current_commune: str | None = None
    current_commune_candidates: list[str] = Field(default_factory=list)

    @classmethod
    def of(cls, address: Address) -> AddressReading:
        return cls(understood=bool(address.province), province=address.province, district=address.district,
                   commune=address.commune, **address.units.model_dump(exclude={"current_units_note"}))


class LookupResult(BaseModel):
    found: bool = Field(description="Whether the subject holds at least one result matching the request.")
    total: int
    records: list[LookupHit]
    address: AddressReading | None = Field(None, description="How the address was read, when one was given.")


def address_of(text: str) -> Address:
    """An address typed in either form; InvalidQuery when no province (old or new) is named."""
    address = parse_address(text[:300])
    if not address.province:
        raise InvalidQuery("Địa chỉ phải có tên tỉnh, thành phố (tên trước hoặc sau ngày 01/7/2025), ví dụ "
                           "'xã Nam Dương, tỉnh Bắc Ninh' hoặc 'xã Tân Mộc, huyện Lục Ngạn, tỉnh Bắc Giang'.")
    return address


def address_clauses(address: Address) -> list[dict[str, Any]]:
    """Filters for results at an address: its province and, when named, its commune, each
    as printed or as it is now (a record matches either way). An address in which no
    province was recognised matches nothing (never everything)."""
    if not address.province:
        return [{"bool": {"must_not": [{"match_all": {}}]}}]
    return [{"terms": {"place_keys": group}} for group in address.clauses()]


def lookup_body(subject_id: str, procedure_code: str | None, status: Status | None,
                size: int, today: dt.date | None = None, address: Address | None = None) -> dict[str, Any]:
    """Raises InvalidQuery when ``subject_id`` is not one (archive/identifiers.py)."""
    filters: list[dict[str, Any]] = [{"term": {"subject_id": canonical_subject_id(subject_id)}}]
    if procedure_code:
        filters.append({"term": {"procedure_code": procedure_code.strip()}})
    if status:
        filters.append(status_clause(status, today or today_in_vietnam()))
    if address is not None:
        filters += address_clauses(address)
    return {"query": {"bool": {"filter": filters}}, "size": size, "track_total_hits": True,
            "_source": {"excludes": ["text", "text_words"]},
            "sort": [{"issued_date": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]}


def subject_records_body(subject_id: str) -> dict[str, Any]:
    """Every record of the subject (up to MAX_OWN_RECORDS, newest first): what a citizen
    whose identity a provider proved may see (web/oidc.py)."""
    return {
        "query": {"bool": {"filter": [{"term": {"subject_id": canonical_subject_id(subject_id)}}]}},
        "size": MAX_OWN_RECORDS,
        "_source": {"excludes": ["text", "text_words"]},
        "sort": [{"issued_date": {"order": "desc", "missing": "_last"}}, {"id": "asc"}],
    }


def own_records_body(subject_id: str, dossier_code: str) -> dict[str, Any]:
    """The subject's records of this dossier: the code on the receipt proves the person
    asking holds that receipt, and no more — not the subject's other results (codes follow
    an agency-date-sequence pattern, so one leaked receipt must not open a whole life's
    records; those need a strong login). One query for both values, so a wrong CCCD and a
    wrong code look exactly the same from outside."""
    body = subject_records_body(subject_id)
    # A code stored before dossier codes had one form may not have one of their shapes:
    # it is still compared, as typed (the index's normalizer folds case and separators).
    code = canonical_or_none(canonical_dossier_code, dossier_code) or dossier_code.strip()[:100]
    body["query"]["bool"]["filter"].append({"term": {"dossier_code": code}})
    return body
