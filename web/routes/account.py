"""Officers and admins log in and out. Failed logins are counted per account (lockout, in
database/accounts.py) and per client (rate limit); all are audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from database.accounts import LoginFailed
from ..auth import ANONYMOUS, CsrfDep, Principal, audit, client_of, sign_in, sign_out, staff_of
from .. import oidc
from ..deps import SettingsDep, TemplatesDep
from ..ratelimit import TooManyAttempts

router = APIRouter(include_in_schema=False)


def _safe_next(raw: str | None) -> str:
    """Only a path on this site: never an open redirect to somewhere else."""
    return raw if raw and raw.startswith("/") and not raw.startswith("//") and "\\" not in raw else "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, templates: TemplatesDep, next: str | None = None):
    return templates.TemplateResponse(request, "login.html", {"error": None, "next": _safe_next(next)})


@router.post("/login", response_class=HTMLResponse, dependencies=[CsrfDep])
def login(request: Request, settings: SettingsDep, templates: TemplatesDep,
          login: Annotated[str, Form(max_length=64)] = "", password: Annotated[str, Form(max_length=200)] = "",
          next: Annotated[str, Form(max_length=500)] = "/") -> Response:
    attempt = Principal("anonymous", login.strip().lower()[:64] or "-")
    try:
        request.app.state.login_limiter.hit(client=client_of(request))
        user = request.app.state.accounts.authenticate(login, password)
    except (LoginFailed, TooManyAttempts) as e:
        audit(request, attempt, "login", outcome="rate_limited" if isinstance(e, TooManyAttempts) else "failed")
        return templates.TemplateResponse(request, "login.html", {"error": e.message, "next": _safe_next(next)},
                                          status_code=429 if isinstance(e, TooManyAttempts) else 401)
    sign_in(request, user.login, user.role, settings.officer_session_hours)
    audit(request, Principal("admin" if user.role == "admin" else "officer", user.login), "login")
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[CsrfDep])
async def logout(request: Request, settings: SettingsDep) -> Response:
    """Ends the session here and, for one that came through the identity provider, there too
    (its end-session endpoint, then back to the login page)."""
    audit(request, staff_of(request) or ANONYMOUS, "logout")
    id_token = request.session.get(oidc.ID_TOKEN)
    sign_out(request)
    there = await oidc.logout_url(request, settings, id_token, oidc.OFFICERS, "/login")
    return RedirectResponse(there or "/login", status_code=303)
