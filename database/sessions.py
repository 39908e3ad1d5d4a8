"""Server-side sessions: the browser's cookie holds a random token, the database holds what
the session says (who is signed in, the CSRF token, a citizen's proven record ids).

Why not signed cookies any more: a signed cookie is valid wherever the key is, until it
expires — logging out only asks the browser to forget it, and a password change ends
nothing. A row can be deleted: logout deletes it, a password change or a disabled account
deletes every row of the login (database/accounts.py), and every web process and host sees
that at once.

Only the SHA-256 of the token is stored, so the table read by someone else opens no session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from psycopg.types.json import Jsonb

from search.config import Settings

from .connection import transaction


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    @classmethod
    def of(cls, settings: Settings) -> SessionStore:
        return cls(settings.database_dsn())

    def load(self, token: str) -> dict[str, Any] | None:
        """The session this token names, if it is still there and not expired."""
        if not token or len(token) > 100:
            return None
        with transaction(self.dsn) as db:
            row = db.execute("SELECT data FROM sessions WHERE id_hash = %s AND expires_at > now()",
                             (_hash(token),)).fetchone()
        return row["data"] if row else None

    def create(self, data: dict[str, Any], seconds: int) -> str:
        """A new session; returns its token (the cookie's value). Expired rows are swept here,
        where sessions begin, rather than by a timer of its own."""
        token = secrets.token_urlsafe(32)
        with transaction(self.dsn) as db:
            db.execute("DELETE FROM sessions WHERE expires_at < now()")
            db.execute("INSERT INTO sessions (id_hash, data, login, expires_at) VALUES (%s, %s, %s, %s)",
                       (_hash(token), Jsonb(data), _login(data), _until(seconds)))
        return token

    def update(self, token: str, data: dict[str, Any], seconds: int) -> bool:
        """Store the session's new contents; False when it was ended meanwhile (logout
        elsewhere, a password change): an ended session is never brought back."""
        with transaction(self.dsn) as db:
            n = db.execute("UPDATE sessions SET data = %s, login = %s, expires_at = %s WHERE id_hash = %s "
                           "AND expires_at > now()", (Jsonb(data), _login(data), _until(seconds), _hash(token))).rowcount
        return n == 1

    def delete(self, token: str) -> None:
        with transaction(self.dsn) as db:
            db.execute("DELETE FROM sessions WHERE id_hash = %s", (_hash(token),))

    def end_all(self, login: str) -> int:
        """End every session of this login (how many there were)."""
        with transaction(self.dsn) as db:
            return db.execute("DELETE FROM sessions WHERE login = %s", (login,)).rowcount


def _login(data: dict[str, Any]) -> str | None:
    user = data.get("user")
    return user.get("login") if isinstance(user, dict) else None


def _until(seconds: int) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds)
