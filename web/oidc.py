"""Single sign-on with OpenID Connect, through authlib (a well-kept client that does the
discovery, the state and nonce, PKCE, and the ID token's signature and claims checks — none
of it ours to get wrong).

Two providers, each optional (search/config.py):

* **officers** — the province's identity provider (Keycloak or another), beside local
  accounts. The role comes from a claim of the ID token (``TRACUU_OIDC_ROLES_CLAIM``,
  default ``tracuu_roles``): ``admin`` or ``officer``, plus ``manage`` for the right to
  record status decisions. Someone the provider knows but gave neither role is refused.
* **citizens** — VNeID or a provincial portal. The provider proves who the citizen is, so
  the session opens *all* of the citizen's results, where a paper receipt opens one dossier
  (web/routes/citizen.py). The CCCD comes from a claim (``TRACUU_CITIZEN_OIDC_ID_CLAIM``).

Logging out of a provider's session goes through the provider's end-session endpoint, so
the next person at the one-stop desk does not find the officer still signed in there.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit
from typing import Any

from authlib.integrations.starlette_client import OAuth, OAuthError
from starlette.requests import Request

from database.accounts import GRANTABLE, Role, Scope
from search.config import Settings

OFFICERS, CITIZENS = "officers", "citizens"

__all__ = ["CITIZENS", "OFFICERS", "OAuthError", "OfficerClaims", "ID_TOKEN", "client", "logout_url", "make_oauth", "officer_claims",
           "provider_origins"]


def make_oauth(settings: Settings) -> OAuth:
    """The configured providers (none, one or both), registered by name."""
    oauth = OAuth()
    for name, issuer, client_id, secret in (
            (OFFICERS, settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret),
            (CITIZENS, settings.citizen_oidc_issuer, settings.citizen_oidc_client_id,
             settings.citizen_oidc_client_secret)):
        if issuer:
            oauth.register(name, client_id=client_id,
                           client_secret=secret.get_secret_value() if secret else None,
                           server_metadata_url=f"{issuer}/.well-known/openid-configuration",
                           client_kwargs={"scope": "openid profile", "code_challenge_method": "S256"})
    return oauth


#: Where a session that came through a provider keeps its ID token (the id_token_hint of
#: the provider's logout).
ID_TOKEN = "provider_id_token"


def client(request: Request, name: str):
    """The registered provider ``name`` (OFFICERS, CITIZENS), or None when not configured."""
    return request.app.state.oauth.create_client(name)


async def logout_url(request: Request, settings: Settings, id_token: str | None, name: str,
                     back: str) -> str | None:
    """The provider's end-session URL for a session that came through it (then back to
    our path ``back``), else None."""
    provider = client(request, name)
    if provider is None or not id_token:
        return None
    endpoint = (await provider.load_server_metadata()).get("end_session_endpoint")
    if not endpoint:
        return None
    query = urlencode({"id_token_hint": id_token, "client_id": provider.client_id,
                       "post_logout_redirect_uri": callback_url(request, settings, back)})
    return f"{endpoint}?{query}"


def provider_origins(settings: Settings) -> list[str]:
    """Scheme, host and port of each configured provider (for the pages' form-action)."""
    out = []
    for issuer in (settings.oidc_issuer, settings.citizen_oidc_issuer):
        if issuer:
            parts = urlsplit(issuer)
            out.append(f"{parts.scheme}://{parts.netloc}")
    return out


def callback_url(request: Request, settings: Settings, path: str) -> str:
    """Where the provider sends the browser back: under TRACUU_PUBLIC_URL when set (behind a
    proxy the request's own URL is the proxy's view), else this request's origin."""
    base = settings.public_url or str(request.base_url).rstrip("/")
    return base + path


@dataclass(frozen=True)
class OfficerClaims:
    login: str
    role: Role
    rights: frozenset[Scope]


def officer_claims(claims: dict[str, Any], roles_claim: str) -> OfficerClaims | None:
    """The officer the ID token names, or None when it gives no role in Tra cứu."""
    raw = claims.get(roles_claim) or []
    roles = {raw} if isinstance(raw, str) else {str(r) for r in raw}
    if "admin" in roles:
        role = Role.admin
    elif "officer" in roles:
        role = Role.officer
    else:
        return None
    name = claims.get("preferred_username") or claims.get("sub") or "-"
    rights = frozenset(s for s in GRANTABLE if s.value in roles)
    return OfficerClaims(login=f"sso:{str(name)[:60]}", role=role, rights=rights)
