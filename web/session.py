"""What a citizen's session holds (an officer's is in web/auth.py); sessions themselves are
rows of the database (database/sessions.py, web/server_sessions.py).

A citizen's session carries the ids of the records they proved are theirs, for a limited
time; every citizen page checks the id asked for against that list. A receipt's session
holds no CCCD; a strong login's (an identity provider proved who the citizen is, web/oidc.py)
holds it server-side, for the one page that needs it: who looked at the citizen's records.
"""

from __future__ import annotations

import secrets
import time

from fastapi import Request


COOKIE = "tracuu_session"
_CITIZEN = "citizen"


def start_citizen(request: Request, record_ids: list[str], minutes: int, subject_id: str | None = None) -> str:
    """Open a citizen session; returns its handle (a random name the audit log uses).
    ``subject_id``: the CCCD a provider proved (a strong login), None for a receipt's."""
    handle = secrets.token_hex(6)
    data = {"ids": record_ids, "until": int(time.time()) + minutes * 60, "handle": handle}
    if subject_id:
        data["subject_id"] = subject_id
    request.session[_CITIZEN] = data
    return handle


def proved_subject(request: Request) -> str | None:
    """The CCCD of a live strong-login session, else None."""
    if citizen_ids(request) is None:
        return None
    return (request.session.get(_CITIZEN) or {}).get("subject_id")


def citizen_handle(request: Request) -> str:
    return (request.session.get(_CITIZEN) or {}).get("handle", "-")


def citizen_ids(request: Request) -> list[str] | None:
    """The record ids this browser may see, or None when there is no live citizen session."""
    data = request.session.get(_CITIZEN)
    if not data or data.get("until", 0) < time.time():
        request.session.pop(_CITIZEN, None)
        return None
    return list(data.get("ids", []))


def end_citizen(request: Request) -> None:
    request.session.pop(_CITIZEN, None)
