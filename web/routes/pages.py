"""The officer's pages: search with facets, the record page, its files and reuse.

Server-rendered and usable without JavaScript: every action is a link or a form.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search.errors import InvalidQuery
from search.index import find, record_reuse, similar
from search.query import FACETS, SearchRequest, today_in_vietnam
from archive.reuse import ReuseEvent
from database.reuse_events import ReuseEvents
from search.reuse import Reference

from .. import record_view
from database.accounts import Scope
from ..auth import CsrfDep, StaffDep, audit
from ..deps import IndexDep, SettingsDep, TemplatesDep
from ..files import Variant, available, send_file
from ..labels import ACTION_LABELS, EVENT_FIELD_LABELS, SORT_LABELS
from ..links import record_links
from ..restrictions import hidden_subjects, refuse_if_restricted
from ..views import SearchState, chips, facet_blocks, pager

router = APIRouter(include_in_schema=False)

RecordId = Annotated[str, Path(pattern=r"^[0-9a-f]{1,64}$")]
PAGE_SIZE = 20


def _int(raw: str | None, default: int, low: int, high: int) -> int:
    """Lenient for hand-edited URLs: a bad page number shows page 1, not an error."""
    try:
        return min(max(int(raw or default), low), high)
    except ValueError:
        return default


def _day(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidQuery("Ngày phải viết dạng năm-tháng-ngày, ví dụ 2022-06-30.") from None


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, index: IndexDep, templates: TemplatesDep, who: StaffDep):
    params = request.query_params
    sort = params.get("sort", "relevance")
    error = None
    try:
        days = {name: _day(params.get(name)) for name in ("issued_from", "issued_to")}
    except InvalidQuery as e:
        error, days = e.message, {}
    state = SearchState(
        q=params.get("q", "")[:1000],
        sort=sort if sort in SORT_LABELS else "relevance",
        filters={n: [v for v in params.getlist(n) if v][:20] for n in FACETS if params.getlist(n)},
        **days,
    )
    page = _int(params.get("page"), 1, 1, 500)
    req = SearchRequest(q=state.q, page=page, size=PAGE_SIZE, filters=state.filters, sort=state.sort,
                        issued_from=state.issued_from, issued_to=state.issued_to,
                        hidden_subjects=hidden_subjects(request, who))
    result = None
    if error is None:
        try:
            result = find(index, req)
        except InvalidQuery as e:
            error = e.message
    audit(request, who, "search", query=state.q, filters=state.filters or None,
          count=result.total if result else None, hits=[h.id for h in result.hits] if result else None,
          outcome="ok" if result else "invalid")
    context = {
        "state": state, "result": result, "error": error, "page": page,
        "facets": facet_blocks(state, result) if result else [],
        "chips": chips(state), "pages": pager(state, result.total, page, PAGE_SIZE) if result else [],
        "sorts": SORT_LABELS,
    }
    return templates.TemplateResponse(request, "search.html", context, status_code=400 if error else 200)


def record_page_response(request: Request, index, settings, templates, who, record_id: str,
                         reused_for: str | None = None, reuse_error: str | None = None,
                         status_error: str | None = None, status_values: dict[str, str] | None = None,
                         status_code: int = 200):
    """The record page; ``status_error`` and ``status_values``: the status decision form
    sent back with what the clerk typed and why it was refused."""
    record = index.get(record_id)
    refuse_if_restricted(request, who, record, "view")
    audit(request, who, "view", record_id=record.id, subject_id=record.subject_id)
    today = today_in_vietnam()
    files = available(settings, record.id)
    url, file_url = record_links(request, settings, record.id, files["has_pdf"])
    reference = Reference.of(record, today, url, file_url, reused_for) if reused_for else None
    context = {
        "record": record, "sections": record_view.sections(record),
        "validity": record_view.validity(record, today),
        "disagreements": record_view.disagreements(record),
        **files,
        "similar": similar(index, record.id, 5, hidden_subjects(request, who)),
        "reference": reference,
        "reference_json": json.dumps(reference.model_dump(mode="json"), ensure_ascii=False, indent=2)
        if reference else "",
        "reuse_error": reuse_error,
        "corrected": request.query_params.get("corrected") == "1",
        **_status_context(request, index, record, who, today, status_error, status_values),
    }
    return templates.TemplateResponse(request, "record.html", context, status_code=status_code)


def _status_context(request: Request, index, record, who, today: dt.date, error: str | None,
                    values: dict[str, str] | None) -> dict:
    """The history of status decisions (every officer sees it) and the form to record one
    (only with the ``manage`` right)."""
    can_manage = Scope.manage in who.scopes
    form = {"action": "", "effective_date": today.isoformat(), "decision_number": "", "reason": "",
            "replaced_by": "", "valid_from": record.valid_from.isoformat() if record.valid_from else "",
            "valid_until": record.valid_until.isoformat() if record.valid_until else "", **(values or {})}
    replaces = index.search({"size": 10, "_source": ["id", "doc_number", "result_type"],
                             "query": {"term": {"replaced_by": record.id}}})["hits"]["hits"]
    return {
        "history": record_view.history(record, today),
        "replaces": [h["_source"] for h in replaces],
        "can_manage": can_manage,
        "status_form": form if can_manage else None,
        "status_actions": ACTION_LABELS,
        "event_labels": EVENT_FIELD_LABELS,
        "status_error": error,
        "status_recorded": request.query_params.get("status_recorded") == "1",
    }


@router.get("/records/{record_id}", response_class=HTMLResponse)
def record_page(record_id: RecordId, request: Request, index: IndexDep, settings: SettingsDep,
                templates: TemplatesDep, who: StaffDep, reused: str | None = None):
    return record_page_response(request, index, settings, templates, who, record_id, reused_for=reused and reused[:64])


@router.post("/records/{record_id}/reuse", dependencies=[CsrfDep])
def reuse(record_id: RecordId, request: Request, index: IndexDep, settings: SettingsDep,
          templates: TemplatesDep, who: StaffDep,
          dossier_code: Annotated[str, Form(max_length=200)] = "") -> Response:
    """Record that this result is attached to a new dossier, then show the citation and the
    JSON reference to copy (a redirect, so reloading the page does not count it twice)."""
    record = index.get(record_id)
    refuse_if_restricted(request, who, record, "reuse")
    try:
        event = ReuseEvent.of(record, dossier_code, who.name)
    except InvalidQuery as e:
        return record_page_response(request, index, settings, templates, who, record_id, reuse_error=e.message,
                                    status_code=400)
    record_reuse(index, ReuseEvents.of(settings), event)
    audit(request, who, "reuse", record_id=record.id, subject_id=record.subject_id, detail=event.dossier_code)
    return RedirectResponse(f"/records/{record_id}?reused={event.dossier_code}#reuse", status_code=303)


@router.get("/records/{record_id}/file")
def record_file(record_id: RecordId, request: Request, index: IndexDep, settings: SettingsDep, who: StaffDep,
                variant: Variant = "archival", download: bool = False):
    return send_file(request, who, settings, index.get(record_id), variant, download)
