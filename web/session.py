"""What a citizen's session holds (an officer's is in web/auth.py); sessions themselves are
rows of the database (database/sessions.py, web/server_sessions.py).

A citizen's session carries only the ids of the records they proved are theirs (never the
CCCD), for a limited time; every citizen page checks the id asked for against that list.
"""

from __future__ import annotations

import secrets
import time

from fastapi import Request


COOKIE = "tracuu_session"
_CITIZEN = "citizen"


def start_citizen(request: Request, record_ids: list[str], minutes: int) -> str:
    """Open a citizen session; returns its handle (a random name the audit log uses)."""
    handle = secrets.token_hex(6)
    request.session[_CITIZEN] = {"ids": record_ids, "until": int(time.time()) + minutes * 60, "handle": handle}
    return handle


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
