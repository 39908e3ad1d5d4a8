"""Signing in through an identity provider (web/oidc.py): officers at ``/login/sso``,
citizens at ``/citizen/sso``; each comes back to its ``…/callback``. Every outcome is
audited like a password login or a receipt's proof."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archive.identifiers import canonical_or_none, canonical_subject_id
from search.errors import InvalidQuery
from search.index import subject_records

from .. import oidc, session
from ..auth import ANONYMOUS, Principal, audit, sign_in
from ..deps import IndexDep, SettingsDep, TemplatesDep
from .citizen import form_error

router = APIRouter(include_in_schema=False)

OFFICER_CALLBACK = "/login/sso/callback"
CITIZEN_CALLBACK = "/citizen/sso/callback"

NOT_CONFIGURED = "Đăng nhập một lần (SSO) chưa được cấu hình trên hệ thống này."
FAILED = "Nhà cung cấp định danh không xác nhận được phiên đăng nhập; hãy thử lại."
NO_ROLE = ("Tài khoản của bạn chưa được giao vai trò trong Tra cứu (cán bộ hoặc quản trị viên); "
           "đề nghị quản trị hệ thống định danh của tỉnh cấp vai trò.")
NO_ID = "Nhà cung cấp định danh không cho biết số định danh cá nhân (CCCD) của bạn."


def _login_page(request: Request, templates, message: str, status: int) -> Response:
    return templates.TemplateResponse(request, "login.html", {"error": message, "next": "/"}, status_code=status)


@router.get("/login/sso")
async def officer_start(request: Request, settings: SettingsDep, templates: TemplatesDep) -> Response:
    client = oidc.client(request, oidc.OFFICERS)
    if client is None:
        return _login_page(request, templates, NOT_CONFIGURED, 404)
    return await client.authorize_redirect(request, oidc.callback_url(request, settings, OFFICER_CALLBACK))


@router.get(OFFICER_CALLBACK, response_class=HTMLResponse)
async def officer_callback(request: Request, settings: SettingsDep, templates: TemplatesDep) -> Response:
    client = oidc.client(request, oidc.OFFICERS)
    if client is None:
        return _login_page(request, templates, NOT_CONFIGURED, 404)
    try:
        token = await client.authorize_access_token(request)
    except oidc.OAuthError as e:
        audit(request, ANONYMOUS, "login", outcome="failed", detail=f"sso {e.error}"[:100])
        return _login_page(request, templates, FAILED, 400)
    claims = token.get("userinfo") or {}
    officer = oidc.officer_claims(claims, settings.oidc_roles_claim)
    if officer is None:
        audit(request, Principal("anonymous", f"sso:{str(claims.get('preferred_username', '-'))[:60]}"), "login",
              outcome="denied", detail="sso no role")
        return _login_page(request, templates, NO_ROLE, 403)
    sign_in(request, officer.login, officer.role, settings.officer_session_hours, provider_rights=officer.rights)
    request.session[oidc.ID_TOKEN] = token.get("id_token")
    audit(request, Principal(officer.role.value, officer.login), "login", detail="sso")
    return RedirectResponse("/", status_code=303)


@router.get("/citizen/sso")
async def citizen_start(request: Request, settings: SettingsDep, templates: TemplatesDep) -> Response:
    client = oidc.client(request, oidc.CITIZENS)
    if client is None:
        return form_error(request, templates, NOT_CONFIGURED, 404)
    return await client.authorize_redirect(request, oidc.callback_url(request, settings, CITIZEN_CALLBACK))


@router.get(CITIZEN_CALLBACK, response_class=HTMLResponse)
async def citizen_callback(request: Request, index: IndexDep, settings: SettingsDep,
                           templates: TemplatesDep) -> Response:
    client = oidc.client(request, oidc.CITIZENS)

    def refuse(message: str, status: int) -> Response:
        return form_error(request, templates, message, status)

    if client is None:
        return refuse(NOT_CONFIGURED, 404)
    try:
        token = await client.authorize_access_token(request)
    except oidc.OAuthError as e:
        audit(request, ANONYMOUS, "citizen_login", outcome="failed", detail=f"sso {e.error}"[:100])
        return refuse(FAILED, 400)
    raw = str((token.get("userinfo") or {}).get(settings.citizen_oidc_id_claim) or "")
    cccd = canonical_or_none(canonical_subject_id, raw)
    if not cccd:
        audit(request, ANONYMOUS, "citizen_login", outcome="invalid", detail="sso no id")
        return refuse(NO_ID, 400)
    try:
        records = subject_records(index, cccd)
    except InvalidQuery as e:
        return refuse(e.message, 400)
    handle = session.start_citizen(request, [r.id for r in records], settings.citizen_session_minutes,
                                   subject_id=cccd)
    request.session[oidc.ID_TOKEN] = token.get("id_token")
    audit(request, Principal("citizen", cccd), "citizen_login", subject_id=cccd, detail=f"sso session {handle}",
          hits=[r.id for r in records])
    return RedirectResponse("/citizen/records", status_code=303)
