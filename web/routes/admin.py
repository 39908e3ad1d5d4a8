"""Admins manage officer accounts and API keys (the same operations as `tracuu user` and
`tracuu apikey`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from database.accounts import AccountError, AccountStore, Role, Scope
from ..auth import AdminDep, CsrfDep, audit
from ..deps import TemplatesDep

router = APIRouter(prefix="/admin", include_in_schema=False)


def _page(request: Request, templates, who, *, error: str | None = None, new_key: str | None = None,
          status_code: int = 200) -> Response:
    accounts: AccountStore = request.app.state.accounts
    context = {"users": accounts.users(), "keys": accounts.keys(), "roles": list(Role), "scopes": list(Scope),
               "error": error, "new_key": new_key, "me": who}
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
