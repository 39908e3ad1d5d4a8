"""The ASGI middleware that gives every request ``request.session`` from the database
(database/sessions.py), in place of Starlette's signed-cookie SessionMiddleware: the same
``request.session`` dict for the routes, but a session that logout, a password change or an
administrator can end on every web process and host at once.

The token changes when someone signs in or out — an officer, or a citizen proving their
records — so a token known before the login is worth nothing after it (no fixation). Requests for
static files never touch the database.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from database.connection import DatabaseUnavailable
from database.sessions import SessionStore

from . import problems

log = logging.getLogger(__name__)

#: How long a session that nobody signed in to is kept.
ANONYMOUS_SECONDS = 3600


def _identity(data: dict | None) -> tuple:
    """Who the session is (an officer's entry, a citizen session's handle): when it changes
    (sign in, sign out), the session gets a new token."""
    data = data or {}
    citizen = data.get("citizen")
    return data.get("user"), citizen.get("handle") if isinstance(citizen, dict) else None


class ServerSessions:
    def __init__(self, app: ASGIApp, store: SessionStore, cookie: str, max_age: int, https_only: bool,
                 skip: tuple[str, ...] = ("/static/",)) -> None:
        self.app, self.store, self.cookie, self.max_age = app, store, cookie, max_age
        self.secure = "; secure" if https_only else ""
        self.skip = skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.skip):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        token = request.cookies.get(self.cookie)
        try:
            loaded = await run_in_threadpool(self.store.load, token) if token else None
        except DatabaseUnavailable as e:
            scope["session"] = {}  # the error page's layout asks who is signed in: no one
            await problems.unavailable(request, e)(scope, receive, send)
            return
        scope["session"] = dict(loaded or {})
        before = _dump(loaded)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                try:
                    cookie = await self._settle(token, loaded, before, scope["session"])
                except DatabaseUnavailable:
                    # The answer is made already; the session's change is lost, and the next
                    # request, which loads the session, is told the database is down.
                    log.warning("session not saved: the database is unavailable")
                    cookie = None
                if cookie is not None:
                    MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_wrapper)

    async def _settle(self, token: str | None, loaded: dict | None, before: str | None,
                      data: dict[str, Any]) -> str | None:
        """Store what the request changed; the Set-Cookie header to send, if any."""
        if _dump(data) == before:
            return self._clear() if token and loaded is None else None  # a stale or ended cookie
        if not data:
            if token and loaded is not None:
                await run_in_threadpool(self.store.delete, token)
            return self._clear()
        if token and loaded is not None and _identity(loaded) == _identity(data):
            if await run_in_threadpool(self.store.update, token, data, self._lifetime(data)):
                return None
            return self._clear()  # ended meanwhile (logout elsewhere, password changed): stays ended
        if token and loaded is not None:
            await run_in_threadpool(self.store.delete, token)
        seconds = self._lifetime(data)
        new = await run_in_threadpool(self.store.create, data, seconds)
        return f"{self.cookie}={new}; path=/; Max-Age={seconds}; httponly; samesite=lax{self.secure}"

    def _lifetime(self, data: dict[str, Any]) -> int:
        """A signed-in session lives max_age; one that only carries a form's CSRF token (a
        visitor of the login page) an hour, so visitors cannot fill the table for a day."""
        return self.max_age if any(_identity(data)) else min(self.max_age, ANONYMOUS_SECONDS)

    def _clear(self) -> str:
        return (f"{self.cookie}=null; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; "
                f"httponly; samesite=lax{self.secure}")


def _dump(data: dict | None) -> str | None:
    return json.dumps(data, sort_keys=True, default=str) if data else None
