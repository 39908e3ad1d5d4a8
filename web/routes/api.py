"""The JSON API for other systems, under /api/v1 (contract in DESIGN.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from search.index import find, lookup as lookup_records, record_reuse, similar
from search.lookup import LookupResult
from search.query import FACETS, MAX_PAGE, MAX_QUERY_CHARS, MAX_SIZE, Hit, SearchRequest, SearchResult, today_in_vietnam
from archive.identifiers import SUBJECT_ID_AS_TYPED, canonical_subject_id
from archive.records import PublicRecord, Status
from archive.reuse import ReuseEvent
from database.reuse_events import ReuseEvents
from search.reuse import Reference

from ..auth import LookupAccess, Principal, ReadAccess, ReuseAccess, SearchAccess, audit
from ..deps import IndexDep, SettingsDep
from ..files import Variant, send_file
from ..links import record_links
from ..restrictions import hidden_subjects, refuse_if_restricted

router = APIRouter(prefix="/api/v1", tags=["api"])

RecordId = Annotated[str, Path(pattern=r"^[0-9a-f]{1,64}$", description="Record id (24 hex digits)",
                               examples=["3f1c0a9e5b7d2c4e6f8a0b1c"])]
PROBLEMS = {
    401: {"description": "No API key, or an invalid or revoked one (problem+json)."},
    403: {"description": "The API key lacks the scope this operation needs (problem+json)."},
    400: {"description": "The request cannot be run (problem+json, Vietnamese `detail`, English `detail_en`)."},
    404: {"description": "No such record, or no file of that kind (problem+json)."},
    503: {"description": "OpenSearch is unreachable; retry after `Retry-After` seconds (problem+json)."},
}


def _json(model: BaseModel) -> Response:
    """Serialize once, in pydantic's Rust core, instead of FastAPI validating the model it
    was just given and encoding it again (~1 ms of a 10 ms search; bench/api_latency.py).
    ``response_model`` still documents the shape."""
    return Response(model.model_dump_json(), media_type="application/json")


def _with(*codes: int) -> dict:
    return {c: PROBLEMS[c] for c in (401, 403, *codes)}


def _hide_subject_for(who: Principal, hits: list[Hit]) -> None:
    """Who a result is about only for readers who need it (Principal.sees_identifiers): a
    key that may only search gets no subject name and no snippet (free text that names
    people and prints their CCCD), so a search by a CCCD cannot tie it to a name. What
    remains — kind, number, date, agency, procedure, validity — is what finding a result
    needs; the person's details take the `read` scope."""
    if not who.sees_identifiers:
        for hit in hits:
            hit.subject_name = None
            hit.snippet = ""


def _filters(request: Request) -> dict[str, list[str]]:
    """Facet filters are repeatable query parameters named after the facet (?district=a&district=b)."""
    return {name: request.query_params.getlist(name) for name in FACETS if name in request.query_params}


@router.get("/search", response_model=SearchResult, summary="Full-text search with facets (scope: search)",
            responses=_with(400, 503))
def search(
    request: Request,
    index: IndexDep,
    who: SearchAccess,
    q: Annotated[str, Query(description="Words, a name, a CCCD or a document number. A longer text (a pasted "
                                        f"paragraph) is searched by its first {MAX_QUERY_CHARS} characters, never refused",
                            openapi_examples={
                                "words": {"summary": "Words without diacritics", "value": "giay phep xay dung"},
                                "name": {"summary": "A person's name", "value": "Nguyễn Văn An"},
                                "doc_number": {"summary": "A document number, written any way", "value": "45 GPXD UBND"},
                                "cccd": {"summary": "A CCCD number", "value": "001085012345"},
                                "syntax": {"summary": "Phrase and exclusion", "value": '"xây dựng" -"sửa chữa"'},
                            })] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Pages beyond {MAX_PAGE} are not served: "
                               "narrow the search with filters instead")] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_SIZE)] = 20,
    sort: Annotated[Literal["relevance", "date_desc", "date_asc"], Query(description="Order of results")] = "relevance",
    issued_from: Annotated[dt.date | None, Query(description="Issued on or after this day")] = None,
    issued_to: Annotated[dt.date | None, Query(description="Issued on or before this day")] = None,
) -> SearchResult:
    """Words with or without diacritics, a name, a CCCD or a document number written any way.
    `"quoted words"` must appear as a phrase; `-word` or `-"a phrase"` excludes. Facet
    filters are repeatable parameters named after the facet: `result_type`, `issuing_agency`,
    `procedure`, `field`, `province`, `district`, `commune`, `current_province`,
    `current_commune`, `status` (valid, not_yet_valid, expired, suspended, revoked, replaced)
    and `year` (e.g. `?status=valid&year=2021&district=huyện Lục Ngạn`).

    Places changed on 1 July 2025 (34 provinces, no districts): `province` and `commune`
    match a place by its name as printed *or* as it is now, so `province=Bắc Ninh` finds the
    results printed "tỉnh Bắc Giang" too; `current_province` and `current_commune` match the
    current units only. A name with its unit word (`commune=xã Tân Mộc`) matches that unit; a
    bare name (`commune=Tân Mộc`) any unit of that name."""
    req = SearchRequest(q=q, page=page, size=size, filters=_filters(request), sort=sort,
                        issued_from=issued_from, issued_to=issued_to, hidden_subjects=hidden_subjects(request, who))
    result = find(index, req)
    audit(request, who, "search", query=q, filters=req.filters or None, count=result.total,
          hits=[h.id for h in result.hits])
    _hide_subject_for(who, result.hits)
    return _json(result)


@router.get("/records/{record_id}", response_model=PublicRecord,
            summary="One record with all its fields (scope: read)", responses=_with(404))
def get_record(record_id: RecordId, request: Request, index: IndexDep, who: ReadAccess) -> PublicRecord:
    """Every field, the places as printed (`province`, `district`, `commune`) and where
    they lie now (`current_province`, `current_commune`; an old commune split between
    several new ones has `current_commune_candidates` and a `current_units_note` instead)."""
    record = index.get(record_id)
    refuse_if_restricted(request, who, record, "view")
    audit(request, who, "view", record_id=record.id, subject_id=record.subject_id)
    return _json(PublicRecord.of(record))


@router.get(
    "/records/{record_id}/file", summary="The archival PDF (or the original) of a record (scope: read)",
    response_class=FileResponse,
    responses={200: {"content": {"application/pdf": {}, "application/octet-stream": {}},
                     "description": "The file; `Content-Disposition` carries its name."},
               **_with(404)},
)
def get_file(record_id: RecordId, request: Request, index: IndexDep, settings: SettingsDep, who: ReadAccess,
             variant: Annotated[Variant, Query(description="`archival`: the PDF/A copy (or a PDF original); "
                                                           "`original`: the file exactly as ingested")] = "archival",
             download: Annotated[bool, Query(description="Ask the browser to save rather than show")] = False):
    return send_file(request, who, settings, index.get(record_id), variant, download, action="download")


@router.get("/records/{record_id}/similar", response_model=list[Hit],
            summary="Records like this one (scope: search)", responses=_with(404))
def similar_records(record_id: RecordId, request: Request, index: IndexDep, who: SearchAccess,
                    size: Annotated[int, Query(ge=1, le=20)] = 5) -> list[Hit]:
    refuse_if_restricted(request, who, index.get(record_id), "similar")
    hits = similar(index, record_id, size, hidden_subjects(request, who))
    audit(request, who, "similar", record_id=record_id, count=len(hits), hits=[h.id for h in hits])
    _hide_subject_for(who, hits)
    return hits


@router.get("/lookup", response_model=LookupResult,
            summary="Does a subject hold a valid result of a procedure? (scope: lookup)", responses=_with(400, 503))
def lookup(
    request: Request,
    index: IndexDep,
    who: LookupAccess,
    subject_id: Annotated[str, Query(
        pattern=SUBJECT_ID_AS_TYPED, max_length=64,
        description="CCCD (12 digits), CMND (9 or 12), enterprise or tax code (10) or branch code (10-3, "
                    "or 13 digits in a row). Spaces, dots and dashes between the digits are ignored, and "
                    "full-width digits are read as digits; anything else answers 422.",
        openapi_examples={
            "cccd": {"summary": "A CCCD", "value": "001085012345"},
            "grouped": {"summary": "A CCCD as printed, in groups", "value": "001.085.012.345"},
            "branch": {"summary": "A branch's code", "value": "0101234567-001"},
        })],
    procedure_code: Annotated[str | None, Query(max_length=40, description="Mã TTHC", examples=["1.001234"])] = None,
    status: Annotated[Status | None, Query(description="Only results with this status; default valid")] = Status.valid,
    size: Annotated[int, Query(ge=1, le=MAX_SIZE)] = 20,
    address: Annotated[str | None, Query(
        max_length=300,
        description="Only results at this place, written the old way (before 1 July 2025: commune, district, "
                    "province) or the new way (commune, province): both find the same results. The province "
                    "must be named (an address without one matches nothing; the answer's `address` tells how "
                    "it was read); the commune narrows further; a street before them is ignored.",
        openapi_examples={
            "new": {"summary": "Today's units", "value": "xã Nam Dương, tỉnh Bắc Ninh"},
            "old": {"summary": "As printed before July 2025", "value": "xã Tân Mộc, huyện Lục Ngạn, tỉnh Bắc Giang"},
            "province": {"summary": "A province only", "value": "Bắc Ninh"},
        })] = None,
) -> LookupResult:
    """For the one-stop system: before asking a citizen for a paper copy, ask whether the
    subject already holds a result of this procedure that is still valid today. Identifiers
    are compared exactly, in the one form they are stored in: spaces, dots and dashes
    between the digits are ignored (`001 085 012 345`, `001.085.012.345` and `001085012345`
    are the same CCCD; `0101234567-001` and `0101234567001` the same branch code).

    `address` narrows to one place, in either form: a result printed "xã Tân Mộc, huyện Lục
    Ngạn, tỉnh Bắc Giang" is found by that address and by "xã Nam Dương, tỉnh Bắc Ninh"
    (where Tân Mộc lies since 1 July 2025), and the other way round. A result from an old
    commune split between several new ones is found by each of them (its
    `current_commune_candidates`): nothing is chosen for it."""
    sid = canonical_subject_id(subject_id)  # the form it is stored in, for the query and the audit log
    refuse_if_restricted(request, who, None, "lookup", subject_id=sid)  # refused, not "holds nothing"
    result = lookup_records(index, sid, procedure_code, status, size, address=address)
    audit(request, who, "lookup", subject_id=sid, query=procedure_code, count=result.total, detail=address,
          hits=[r.id for r in result.records])
    # Without an address the answer is what it always was (no 'address' key).
    return Response(result.model_dump_json(exclude={"address"} if result.address is None else None),
                    media_type="application/json")


class ReuseRequest(BaseModel):
    dossier_code: str = Field(max_length=64, description="The new dossier the result is attached to",
                              examples=["000.00.12.H06-261121-0042"])


@router.post("/records/{record_id}/reuse", response_model=Reference, status_code=201,
             summary="Record that a result is reused in a new dossier; returns the reference to store "
                     "(scope: reuse). Recording the same dossier again is not a second reuse.",
             responses=_with(400, 404, 503))
def reuse(record_id: RecordId, body: Annotated[ReuseRequest, Body()], request: Request,
          index: IndexDep, settings: SettingsDep, who: ReuseAccess) -> Reference:
    record = index.get(record_id)
    refuse_if_restricted(request, who, record, "reuse")
    event = record_reuse(index, ReuseEvents.of(settings), ReuseEvent.of(record, body.dossier_code, who.name))
    audit(request, who, "reuse", record_id=record.id, subject_id=record.subject_id, detail=event.dossier_code)
    url, file_url = record_links(request, settings, record.id)
    return Reference.of(record, today_in_vietnam(), url, file_url, event.dossier_code)
