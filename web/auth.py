"""Who is asking, and may they: officers and admins by a signed session cookie, other
systems by API key with scopes, citizens by the session of the citizen flow (web/session.py).

Every route states what it needs through one of the dependencies at the bottom; nothing
reads the session or the headers itself. A denied request raises :class:`AccessDenied`,
which the error handlers turn into a redirect to the login page (pages) or a problem+json
401/403 (API).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Annotated, Literal

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from search.errors import TracuuError

from database.accounts import GRANTABLE, AccountStore, Role, Scope, User
from database.audit import AuditEvent, AuditLog

#: What an officer's session may do through the API (the JSON behind the pages). Rights
#: beyond these (``manage``: status decisions) are given per account, and admins hold them
#: all (database/accounts.py ``GRANTABLE``): a session acts with OFFICER_SCOPES plus its rights.
OFFICER_SCOPES = frozenset({Scope.search, Scope.read, Scope.lookup, Scope.reuse})
_USER = "user"
_CSRF = "csrf"


class AccessDenied(TracuuError):
    def __init__(self, status: int, message: str, message_en: str) -> None:
        super().__init__(message)
        self.status = status
        self.message_en = message_en


def login_required() -> AccessDenied:
    return AccessDenied(401, "Bạn cần đăng nhập để dùng chức năng này.", "Authentication required.")


@dataclass(frozen=True)
class Principal:
    kind: Literal["officer", "admin", "system", "citizen", "anonymous"]
    name: str
    scopes: frozenset[Scope] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return self.kind in ("officer", "admin")

    @property
    def sees_identifiers(self) -> bool:
        """Officers confirm a person by CCCD; a system that may only search needs neither
        the names nor the snippets (which print names and CCCD numbers) of what it finds."""
        return self.is_staff or Scope.read in self.scopes


ANONYMOUS = Principal("anonymous", "-")
_UNKNOWN = object()  # request.state.staff not looked up yet


def client_of(request: Request) -> str:
    return request.client.host if request.client else "-"


def audit(request: Request, who: Principal, action: str, **fields) -> None:
    log: AuditLog = request.app.state.audit
    log.write(AuditEvent(actor_kind=who.kind, actor=who.name, action=action, client=client_of(request), **fields))


# -- sessions of officers and admins -----------------------------------------------------


def sign_in(request: Request, login: str, role: Role, hours: int,
            provider_rights: frozenset[Scope] | None = None) -> None:
    """An officer's or admin's session. ``provider_rights``: signed in through the identity
    provider (web/oidc.py), which vouched for the role and these rights at login; there is
    no local account to look up, and the session ends at its time or at logout."""
    request.session.clear()  # nothing carried over from before the login (no fixation)
    user = {"login": login, "role": role.value, "until": int(time.time()) + hours * 3600}
    if provider_rights is not None:
        user["provider_rights"] = sorted(provider_rights)
    request.session[_USER] = user
    request.session[_CSRF] = secrets.token_urlsafe(32)
    request.state.staff = _UNKNOWN


def sign_out(request: Request) -> None:
    request.session.clear()
    request.state.staff = _UNKNOWN


def staff_of(request: Request) -> Principal | None:
    """The officer or admin of this session. Asked by the route and again by the page
    layout, so the answer is kept for the request (sign_in/sign_out drop it)."""
    staff = getattr(request.state, "staff", _UNKNOWN)
    if staff is _UNKNOWN:
        staff = request.state.staff = _load_staff(request)
    return staff


def _load_staff(request: Request) -> Principal | None:
    data = request.session.get(_USER)
    if not data:
        return None
    if data.get("until", 0) < time.time():
        request.session.pop(_USER, None)
        return None
    if "provider_rights" in data:  # single sign-on: the provider vouched at login, no account here
        user = User(data.get("login", "-"), Role(data.get("role")),
                    rights=frozenset(Scope(r) for r in data["provider_rights"]) & GRANTABLE)
    else:
        accounts: AccountStore = request.app.state.accounts
        user = accounts.get_user(data.get("login", ""))
        if user is None or user.disabled:  # disabled or deleted since: the session dies now
            request.session.pop(_USER, None)
            return None
    kind = "admin" if user.role == Role.admin else "officer"
    return Principal(kind, user.login, OFFICER_SCOPES | user.holds)


# -- CSRF: a per-session token in every form ---------------------------------------------


def csrf_token(request: Request) -> str:
    token = request.session.get(_CSRF)
    if not token:
        token = request.session[_CSRF] = secrets.token_urlsafe(32)
    return token


async def check_csrf(request: Request) -> None:
    """Forms carry ``csrf_token``; JSON calls made with a session cookie carry the
    ``X-CSRF-Token`` header. A request without a cookie session has nothing to forge."""
    expected = request.session.get(_CSRF)
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get("csrf_token")
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(expected, sent):
        raise AccessDenied(403, "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ; hãy tải lại trang và thử lại.",
                           "Missing or invalid CSRF token.")


# -- dependencies -------------------------------------------------------------------------


def require_staff(request: Request) -> Principal:
    who = staff_of(request)
    if who is None:
        raise login_required()
    return who


def _lacks_right(request: Request, who: Principal, scope: Scope) -> AccessDenied:
    audit(request, who, "right_denied", outcome="denied", detail=f"{scope} {request.url.path}")
    return AccessDenied(403, f"Tài khoản của bạn chưa được giao quyền '{scope}'; đề nghị quản trị viên cấp quyền.",
                        f"Your account lacks the '{scope}' right.")


def require_right(scope: Scope):
    """A page's gate for a right beyond everyday work: an officer given it, or an admin."""

    def dependency(request: Request) -> Principal:
        who = require_staff(request)
        if scope not in who.scopes:
            raise _lacks_right(request, who, scope)
        return who

    return dependency


def require_admin(request: Request) -> Principal:
    who = require_staff(request)
    if who.kind != "admin":
        raise AccessDenied(403, "Chức năng này dành cho quản trị viên.", "Administrators only.")
    return who


_bearer = HTTPBearer(auto_error=False, description="An API key from `tracuu apikey create`.")


def api_access(scope: Scope):
    """The API's gate: an API key holding ``scope``, or an officer's session holding it
    (OFFICER_SCOPES and the account's rights), with its CSRF token for anything but reading."""

    async def dependency(request: Request,
                         credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
        if credentials is not None:
            token = credentials.credentials
            accounts: AccountStore = request.app.state.accounts
            key = accounts.verify_key(token)
            if key is None:
                audit(request, ANONYMOUS, "key_rejected", outcome="denied", detail=request.url.path)
                raise AccessDenied(401, "Khóa API không hợp lệ hoặc đã bị thu hồi.", "Invalid or revoked API key.")
            who = Principal("system", f"key:{key.key_id} {key.name}", key.scopes)
            if scope not in key.scopes:
                audit(request, who, "key_denied", outcome="denied", detail=f"{scope} {request.url.path}")
                raise AccessDenied(403, f"Khóa API không có quyền '{scope}'.", f"The API key lacks the '{scope}' scope.")
            return who
        who = staff_of(request)
        if who is None:
            raise AccessDenied(401, "Cần khóa API (Authorization: Bearer …) hoặc phiên đăng nhập của cán bộ.",
                               "An API key (Authorization: Bearer …) or an officer session is required.")
        if scope not in who.scopes:
            raise _lacks_right(request, who, scope)
        if request.method not in ("GET", "HEAD"):
            await check_csrf(request)
        return who

    return dependency


StaffDep = Annotated[Principal, Depends(require_staff)]
AdminDep = Annotated[Principal, Depends(require_admin)]
CsrfDep = Depends(check_csrf)
SearchAccess = Annotated[Principal, Depends(api_access(Scope.search))]
ReadAccess = Annotated[Principal, Depends(api_access(Scope.read))]
LookupAccess = Annotated[Principal, Depends(api_access(Scope.lookup))]
ReuseAccess = Annotated[Principal, Depends(api_access(Scope.reuse))]
ManageAccess = Annotated[Principal, Depends(api_access(Scope.manage))]
IngestAccess = Annotated[Principal, Depends(api_access(Scope.ingest))]
ManageStaff = Annotated[Principal, Depends(require_right(Scope.manage))]
