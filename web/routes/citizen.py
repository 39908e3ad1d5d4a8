"""Citizens retrieve their own results: the CCCD plus the dossier code printed on their
receipt open a short session that lists, shows and downloads the results of that dossier
and no other (not even the citizen's other dossiers': a paper receipt proves no more).

Proof by receipt is one function (:func:`search.index.own_records`) and the session holds
the record ids it proved, so the strong login through an identity provider
(web/routes/sso.py: all of the citizen's results) opens the same kind of session, and the
record pages serve both; only the access log (``/citizen/access-log``) needs the strong one.

An address narrows the list to the results at one place, given the way the citizen knows
it: as printed before the 1 July 2025 reorganisation ('xã Tân Mộc, huyện Lục Ngạn, tỉnh Bắc
Giang') or as it is now ('xã Nam Dương, tỉnh Bắc Ninh'); both find the same results. It is
never part of the proof: the CCCD and the dossier code open the session, whatever address
is typed.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archive.identifiers import canonical_or_none, canonical_subject_id
from archive.places import place_keys
from search.errors import InvalidQuery, RecordNotFound
from search.index import own_records
from search.lookup import address_of
from search.query import today_in_vietnam

from .. import oidc, record_view, session
from ..auth import CsrfDep, Principal, audit, client_of
from ..deps import IndexDep, SettingsDep, TemplatesDep
from ..ratelimit import TooManyAttempts
from ..files import Variant, available, send_file
from .pages import RecordId

router = APIRouter(prefix="/citizen", include_in_schema=False)

#: One message for every failed attempt, whichever of the two values was wrong.
NO_MATCH = ("Không tìm thấy kết quả khớp với số định danh và mã hồ sơ đã nhập. "
            "Hãy kiểm tra lại hai thông tin này trên giấy tiếp nhận hồ sơ.")
#: Fields a citizen does not need on their own record page.
HIDDEN = frozenset({"source_sha256", "archival_sha256", "source_filename"})


@router.get("", response_class=HTMLResponse)
def form(request: Request, templates: TemplatesDep):
    live = session.citizen_ids(request) is not None
    return templates.TemplateResponse(request, "citizen_form.html", {"error": None, "live": live})


def form_error(request: Request, templates, message: str, status: int) -> Response:
    return templates.TemplateResponse(request, "citizen_form.html", {"error": message, "live": False},
                                      status_code=status)


@router.post("", response_class=HTMLResponse, dependencies=[CsrfDep])
def sign_in(request: Request, index: IndexDep, settings: SettingsDep, templates: TemplatesDep,
            subject_id: Annotated[str, Form(max_length=100)] = "",
            dossier_code: Annotated[str, Form(max_length=100)] = "",
            address: Annotated[str, Form(max_length=300)] = "") -> Response:
    """Rate-limited per client and per CCCD before anything is looked up; every attempt is
    audited under the CCCD that was typed, in its one form (archive/identifiers.py): typed
    in groups ('001 085 012 345') it is the same CCCD, for the lookup, the limit and the log."""
    typed = canonical_or_none(canonical_subject_id, subject_id) or "".join(subject_id.split())[:20]
    attempt = Principal("citizen", typed or "-")
    try:
        request.app.state.citizen_limiter.hit(client=client_of(request), subject=typed or "-")
    except TooManyAttempts as e:
        audit(request, attempt, "citizen_login", outcome="rate_limited", subject_id=typed)
        return form_error(request, templates, e.message, 429)
    try:
        records = own_records(index, subject_id, dossier_code) if dossier_code.strip() else None
    except InvalidQuery as e:
        audit(request, attempt, "citizen_login", outcome="invalid", subject_id=typed)
        return form_error(request, templates, e.message, 400)
    if not records:
        audit(request, attempt, "citizen_login", outcome="failed", subject_id=typed)
        return form_error(request, templates, NO_MATCH, 400)
    handle = session.start_citizen(request, [r.id for r in records], settings.citizen_session_minutes)
    audit(request, attempt, "citizen_login", subject_id=typed, detail=f"session {handle}",
          hits=[r.id for r in records])
    where = "?" + urlencode({"address": address.strip()}) if address.strip() else ""
    return RedirectResponse("/citizen/records" + where, status_code=303)


def _citizen(request: Request) -> Principal:
    """The citizen of this session, as the audit names them: by session handle (the cookie
    never holds the CCCD; the login event ties the handle to it)."""
    return Principal("citizen", f"session {session.citizen_handle(request)}")


def _allowed(request: Request, record_id: str | None = None) -> list[str] | None:
    ids = session.citizen_ids(request)
    if ids is not None and record_id is not None and record_id not in ids:
        # The same answer as for an id that does not exist: nothing to learn by probing.
        raise RecordNotFound(record_id)
    return ids


@router.get("/records", response_class=HTMLResponse)
def own_list(request: Request, index: IndexDep, templates: TemplatesDep) -> Response:
    """The session's records; ``?address=`` keeps those at that place, in either form."""
    ids = _allowed(request)
    if ids is None:
        return RedirectResponse("/citizen", status_code=303)
    today = today_in_vietnam()
    records = index.get_many(ids)
    typed = request.query_params.get("address", "").strip()[:300]
    error = None
    if typed:
        try:
            address = address_of(typed)
            records = [r for r in records if address.matches(place_keys(r.places()))]
        except InvalidQuery as e:
            error = e.message
    rows = [(r, record_view.validity(r, today), record_view.now_is(r)) for r in records]
    return templates.TemplateResponse(request, "citizen_records.html", {
        "rows": rows, "address": typed, "address_error": error, "total": len(ids),
        "strong": session.proved_subject(request) is not None},
        status_code=400 if error else 200)


@router.get("/records/{record_id}", response_class=HTMLResponse)
def own_record(record_id: RecordId, request: Request, index: IndexDep, settings: SettingsDep,
               templates: TemplatesDep) -> Response:
    if _allowed(request, record_id) is None:
        return RedirectResponse("/citizen", status_code=303)
    record = index.get(record_id)
    audit(request, _citizen(request), "view", record_id=record.id, subject_id=record.subject_id)
    context = {
        "record": record, "sections": record_view.sections(record, HIDDEN),
        "validity": record_view.validity(record, today_in_vietnam()),
        **available(settings, record.id),
    }
    return templates.TemplateResponse(request, "citizen_record.html", context)


@router.get("/records/{record_id}/file")
def own_file(record_id: RecordId, request: Request, index: IndexDep, settings: SettingsDep,
             variant: Variant = "archival", download: bool = False) -> Response:
    if _allowed(request, record_id) is None:
        return RedirectResponse("/citizen", status_code=303)
    return send_file(request, _citizen(request), settings, index.get(record_id), variant, download)


@router.get("/access-log", response_class=HTMLResponse)
def access_log(request: Request, templates: TemplatesDep) -> Response:
    """Who read this citizen's records, and when (Decree 13/2023: a data subject may know
    how their data is processed): for a strong login only — a receipt proves one dossier,
    not the person. Newest first; the readers' network addresses are not shown."""
    subject = session.proved_subject(request)
    if subject is None:
        return RedirectResponse("/citizen", status_code=303)
    events = request.app.state.audit.query(subject=subject)
    audit(request, _citizen(request), "access_log", subject_id=subject, count=len(events))
    return templates.TemplateResponse(request, "citizen_access_log.html",
                                      {"events": list(reversed(events))[:500], "own": set(session.citizen_ids(request) or [])})


@router.post("/logout", dependencies=[CsrfDep])
async def sign_out(request: Request, settings: SettingsDep) -> Response:
    id_token = request.session.pop(oidc.ID_TOKEN, None)
    session.end_citizen(request)
    there = await oidc.logout_url(request, settings, id_token, oidc.CITIZENS, "/citizen")
    return RedirectResponse(there or "/citizen", status_code=303)
