"""Admins manage officer accounts and API keys (the same operations as `tracuu user` and
`tracuu apikey`), and answer a data subject's requests: export, restriction, erasure (the
same as `tracuu subject …`)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from archive import subject_rights
from archive.identifiers import canonical_subject_id
from database.accounts import AccountError, AccountStore, Role, Scope
from search.errors import InvalidQuery
from ..auth import AdminDep, CsrfDep, audit
from ..deps import TemplatesDep

router = APIRouter(prefix="/admin", include_in_schema=False)


def _page(request: Request, templates, who, *, error: str | None = None, new_key: str | None = None,
          notice: str | None = None, status_code: int = 200) -> Response:
    accounts: AccountStore = request.app.state.accounts
    context = {"users": accounts.users(), "keys": accounts.keys(), "roles": list(Role), "scopes": list(Scope),
               "error": error, "new_key": new_key, "notice": notice, "me": who, "restrictions": request.app.state.restrictions.all(),
               "restricted_roles": sorted(request.app.state.settings.restricted_role_set)}
    return templates.TemplateResponse(request, "admin.html", context, status_code=status_code)


@router.get("", response_class=HTMLResponse)
def admin_page(request: Request, templates: TemplatesDep, who: AdminDep) -> Response:
    return _page(request, templates, who)


@router.post("/users", dependencies=[CsrfDep])
def add_user(request: Request, templates: TemplatesDep, who: AdminDep,
             login: Annotated[str, Form(max_length=64)], role: Annotated[Role, Form()],
             password: Annotated[str, Form(max_length=200)]) -> Response:
    try:
        user = request.app.state.accounts.add_user(login, role, password)
    except AccountError as e:
        return _page(request, templates, who, error=e.message, status_code=400)
    audit(request, who, "user_add", detail=f"{user.login} {user.role}")
    return RedirectResponse("/admin", status_code=303)


@router.post("/users/{login}/disabled", dependencies=[CsrfDep])
def set_disabled(login: str, request: Request, templates: TemplatesDep, who: AdminDep,
                 disabled: Annotated[bool, Form()]) -> Response:
    if login == who.name:
        return _page(request, templates, who, error="Không thể tự khóa tài khoản của mình.", status_code=400)
    try:
        request.app.state.accounts.set_disabled(login, disabled)
    except AccountError as e:
        return _page(request, templates, who, error=e.message, status_code=404)
    audit(request, who, "user_disable" if disabled else "user_enable", detail=login)
    return RedirectResponse("/admin", status_code=303)


@router.post("/keys", response_class=HTMLResponse, dependencies=[CsrfDep])
def create_key(request: Request, templates: TemplatesDep, who: AdminDep,
               name: Annotated[str, Form(max_length=100)],
               scope: Annotated[list[Scope], Form()] = []) -> Response:  # noqa: B006 — FastAPI form default
    try:
        key, token = request.app.state.accounts.create_key(name, scope)
    except AccountError as e:
        return _page(request, templates, who, error=e.message, status_code=400)
    audit(request, who, "key_create", detail=f"{key.key_id} {key.name} {' '.join(sorted(key.scopes))}")
    return _page(request, templates, who, new_key=token)


@router.post("/keys/{key_id}/revoke", dependencies=[CsrfDep])
def revoke_key(key_id: str, request: Request, templates: TemplatesDep, who: AdminDep) -> Response:
    try:
        request.app.state.accounts.revoke_key(key_id)
    except AccountError as e:
        return _page(request, templates, who, error=e.message, status_code=404)
    audit(request, who, "key_revoke", detail=key_id)
    return RedirectResponse("/admin", status_code=303)


@router.post("/subjects/restrict", dependencies=[CsrfDep])
def restrict_subject(request: Request, templates: TemplatesDep, who: AdminDep,
                     subject_id: Annotated[str, Form(max_length=64)],
                     reason: Annotated[str, Form(max_length=500)]) -> Response:
    """Restrict a subject's personal data on their request (database/restrictions.py)."""
    try:
        sid = canonical_subject_id(subject_id)
        added = request.app.state.restrictions.restrict(sid, reason, who.name)
    except InvalidQuery as e:
        return _page(request, templates, who, error=e.message, status_code=400)
    audit(request, who, "subject_restrict", subject_id=sid, detail=reason[:200], outcome="ok" if added else "already")
    return RedirectResponse("/admin#subjects", status_code=303)


@router.post("/subjects/{subject_id}/lift", dependencies=[CsrfDep])
def lift_restriction(subject_id: str, request: Request, templates: TemplatesDep, who: AdminDep) -> Response:
    try:
        sid = canonical_subject_id(subject_id)
    except InvalidQuery as e:
        return _page(request, templates, who, error=e.message, status_code=400)
    if not request.app.state.restrictions.lift(sid):
        return _page(request, templates, who, error="Chủ thể này không bị hạn chế xử lý.", status_code=404)
    audit(request, who, "subject_lift", subject_id=sid)
    return RedirectResponse("/admin#subjects", status_code=303)


@router.post("/subjects/erase", dependencies=[CsrfDep])
async def erase_subject_data(request: Request, templates: TemplatesDep, who: AdminDep,
                             subject_id: Annotated[str, Form(max_length=64)],
                             reason: Annotated[str, Form(max_length=500)],
                             confirm: Annotated[bool, Form()] = False) -> Response:
    """Erase a subject's personal data where the archival duty allows (archive/erasure.py)."""
    if not confirm:
        return _page(request, templates, who, error="Hãy đánh dấu xác nhận: việc xóa không hoàn tác được.",
                     status_code=400)
    try:  # archive and index writes block: off the event loop
        sid, outcomes = await run_in_threadpool(subject_rights.erase, request.app.state.settings, subject_id, reason,
                                                who.name, request.app.state.index)
    except InvalidQuery as e:
        return _page(request, templates, who, error=e.message, status_code=400)
    erased = [o.record_id for o in outcomes if o.erased]
    kept = [o for o in outcomes if not o.erased]
    audit(request, who, "subject_erase", subject_id=sid, count=len(erased), hits=erased or None,
          detail=f"{reason[:150]}; kept {len(kept)}")
    notice = f"Đã xóa dữ liệu cá nhân khỏi {len(erased)} kết quả; giữ nguyên {len(kept)} kết quả"
    notice += f" ({kept[0].reason})" if kept else "."
    return _page(request, templates, who, notice=notice)


@router.get("/subjects/export")
async def export_subject_data(request: Request, templates: TemplatesDep, who: AdminDep,
                              subject_id: Annotated[str, Query(max_length=64)]) -> Response:
    """Everything held about a subject, as a JSON download (archive/subject_rights.py). The
    file is named for no one: a name or CCCD in a file name ends up in download folders."""
    try:
        document = await run_in_threadpool(subject_rights.export, request.app.state.settings, subject_id,
                                           request.app.state.index)
    except InvalidQuery as e:
        return _page(request, templates, who, error=e.message, status_code=400)
    audit(request, who, "subject_export", subject_id=document["subject_id"], count=len(document["results"]))
    return Response(json.dumps(document, ensure_ascii=False, indent=2, default=str), media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="du-lieu-ca-nhan.json"',
                             "Cache-Control": "private, no-store"})
