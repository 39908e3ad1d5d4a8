"""Officer and admin accounts, and API keys for other systems, in the Tra cứu database
(PostgreSQL), so every web process and every host knows the same accounts, failed-login
counts and revocations.

Passwords are hashed with Argon2id (argon2-cffi, memory-hard). API keys are random 256-bit
secrets, so a plain SHA-256 of the secret is enough to store them (a memory-hard hash would
only slow every API call); the full key is shown once, at creation. An account is locked for
a while after repeated failed logins.

Rights beyond an officer's everyday work are given to an officer by name (``set_right``):
today one, ``manage`` — recording status decisions (revoke, suspend, replace, restore,
correct validity; docs/status-events.md). Admins hold every such right; a system holds it
by an API key with that scope.

A password change, a disabled account and a taken-back right end or narrow the account's
sessions at once: the sessions are rows of the same database (database/sessions.py), deleted
in the same transaction as the change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from search.config import Settings
from search.errors import TracuuError

from .connection import transaction

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 10
KEY_PREFIX = "tc_"

_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()
#: Verified against when the login does not exist, so an unknown login costs the same time.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class Role(StrEnum):
    officer = "officer"
    admin = "admin"


class Scope(StrEnum):
    search = "search"
    read = "read"
    lookup = "lookup"
    reuse = "reuse"  # records that a result is reused: it counts in the agencies' scores
    ingest = "ingest"
    manage = "manage"  # records status decisions: revoke, suspend, replace, restore, correct validity


#: Rights an officer account is given by name (admins hold them all).
GRANTABLE: frozenset[Scope] = frozenset({Scope.manage})


class AccountError(TracuuError):
    exit_code = 6


class LoginFailed(AccountError):
    """Wrong login or password, or a locked account: one message for all three, so the
    answer does not tell which logins exist."""

    def __init__(self) -> None:
        super().__init__("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang bị tạm khóa "
                         f"do nhập sai nhiều lần (thử lại sau {LOCK_MINUTES} phút).")


@dataclass(frozen=True)
class User:
    login: str
    role: Role
    disabled: bool = False
    rights: frozenset[Scope] = frozenset()

    @property
    def holds(self) -> frozenset[Scope]:
        """The rights this account acts with: an admin's are all the grantable ones."""
        return GRANTABLE if self.role == Role.admin else self.rights


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    name: str
    scopes: frozenset[Scope]
    created_at: str
    revoked_at: str | None = None
    last_used_at: str | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


#: A key's last-used time is written at most this often: one write per API call would be
#: a disk commit on every search (measured: 1 ms of a 10 ms search).
LAST_USED_EVERY = dt.timedelta(minutes=1)

_USER_COLUMNS = "login, role, disabled, rights"


class AccountStore:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    @classmethod
    def of(cls, settings: Settings) -> AccountStore:
        return cls(settings.database_dsn())

    # -- users ------------------------------------------------------------------------

    def add_user(self, login: str, role: Role | str, password: str) -> User:
        login = login.strip().lower()
        if not _LOGIN.match(login):
            raise AccountError("Tên đăng nhập chỉ gồm chữ thường không dấu, số và . _ - (2–64 ký tự).")
        check_password(password)
        try:
            with transaction(self.dsn) as db:
                db.execute("INSERT INTO users (login, role, password_hash) VALUES (%s, %s, %s)",
                           (login, Role(role).value, _hasher.hash(password)))
        except psycopg.errors.UniqueViolation as e:
            raise AccountError(f"Tài khoản '{login}' đã có.") from e
        return User(login, Role(role))

    def set_password(self, login: str, password: str) -> None:
        """A new password; every session of the account ends (a stolen one with it)."""
        check_password(password)
        with transaction(self.dsn) as db:
            n = db.execute("UPDATE users SET password_hash = %s, failures = 0, locked_until = NULL WHERE login = %s",
                           (_hasher.hash(password), login)).rowcount
            db.execute("DELETE FROM sessions WHERE login = %s", (login,))
        if not n:
            raise AccountError(f"Không có tài khoản '{login}'.")

    def set_disabled(self, login: str, disabled: bool) -> None:
        with transaction(self.dsn) as db:
            if not db.execute("UPDATE users SET disabled = %s WHERE login = %s", (disabled, login)).rowcount:
                raise AccountError(f"Không có tài khoản '{login}'.")
            if disabled:
                db.execute("DELETE FROM sessions WHERE login = %s", (login,))

    def users(self) -> list[User]:
        with transaction(self.dsn) as db:
            rows = db.execute(f"SELECT {_USER_COLUMNS} FROM users ORDER BY login").fetchall()
        return [_user(r) for r in rows]

    def get_user(self, login: str) -> User | None:
        with transaction(self.dsn) as db:
            r = db.execute(f"SELECT {_USER_COLUMNS} FROM users WHERE login = %s", (login,)).fetchone()
        return _user(r) if r else None

    def set_right(self, login: str, right: Scope | str, held: bool = True) -> User:
        """Give an officer a right (``manage``), or take it back. Open sessions act with
        the new rights from their next request."""
        scope = Scope.__members__.get(str(right))
        if scope not in GRANTABLE:
            raise AccountError(f"Quyền không hợp lệ; chọn trong: {', '.join(sorted(GRANTABLE))}.")
        login = (login or "").strip().lower()
        change = ("array(SELECT DISTINCT r FROM unnest(rights || ARRAY[%s::text]) AS r ORDER BY 1)" if held else
                  "array_remove(rights, %s::text)")
        with transaction(self.dsn) as db:
            row = db.execute(f"UPDATE users SET rights = {change} WHERE login = %s RETURNING {_USER_COLUMNS}",
                             (scope.value, login)).fetchone()
        if row is None:
            raise AccountError(f"Không có tài khoản '{login}'.")
        return _user(row)

    def authenticate(self, login: str, password: str) -> User:
        """The user, or :class:`LoginFailed`. Counts failures and locks the account for
        LOCK_MINUTES after MAX_FAILURES in a row; a locked account fails even with the right
        password, and the message is the same as for a wrong one. The row is locked while
        the password is checked, so two processes count two failures, never one."""
        login = (login or "").strip().lower()
        now = _now()
        with transaction(self.dsn) as db:
            row = db.execute("SELECT * FROM users WHERE login = %s FOR UPDATE", (login,)).fetchone()
            if row is None:
                _verify(_DUMMY_HASH, password)
                raise LoginFailed()
            locked = row["locked_until"] is not None and row["locked_until"] > now
            ok = _verify(row["password_hash"], password)
            if ok and not locked and not row["disabled"]:
                db.execute("UPDATE users SET failures = 0, locked_until = NULL WHERE login = %s", (login,))
                return _user(row)
            if not locked:
                failures = row["failures"] + 1
                until = now + dt.timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILURES else None
                db.execute("UPDATE users SET failures = %s, locked_until = %s WHERE login = %s",
                           (0 if until else failures, until, login))
        raise LoginFailed()

    # -- API keys ---------------------------------------------------------------------

    def create_key(self, name: str, scopes: list[Scope | str]) -> tuple[ApiKey, str]:
        """A new key and its secret token, which is not stored and cannot be shown again."""
        name = name.strip()
        if not name or len(name) > 100:
            raise AccountError("Tên khóa API phải có từ 1 đến 100 ký tự.")
        try:
            chosen = frozenset(Scope(s) for s in scopes)
        except ValueError as e:
            raise AccountError(f"Phạm vi không hợp lệ; chọn trong: {', '.join(Scope)}.") from e
        if not chosen:
            raise AccountError(f"Khóa API cần ít nhất một phạm vi ({', '.join(Scope)}).")
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        with transaction(self.dsn) as db:
            row = db.execute("INSERT INTO api_keys (key_id, name, scopes, secret_hash) VALUES (%s, %s, %s, %s) "
                             "RETURNING *", (key_id, name, sorted(chosen), _sha256(secret))).fetchone()
        return _key(row), f"{KEY_PREFIX}{key_id}_{secret}"

    def verify_key(self, token: str) -> ApiKey | None:
        """The live key this token belongs to (and its last-used time updated), else None."""
        if not token.startswith(KEY_PREFIX) or token.count("_") < 2:
            return None
        key_id, _, secret = token[len(KEY_PREFIX):].partition("_")
        with transaction(self.dsn) as db:
            row = db.execute("SELECT * FROM api_keys WHERE key_id = %s", (key_id,)).fetchone()
            if row is None or row["revoked_at"] or not hmac.compare_digest(row["secret_hash"], _sha256(secret)):
                return None
            now = _now()
            last = row["last_used_at"]
            if last is None or now - last >= LAST_USED_EVERY:
                db.execute("UPDATE api_keys SET last_used_at = %s WHERE key_id = %s", (now, key_id))
                last = now
        return _key(row, last_used_at=last)

    def revoke_key(self, key_id: str) -> None:
        with transaction(self.dsn) as db:
            n = db.execute("UPDATE api_keys SET revoked_at = now() WHERE key_id = %s AND revoked_at IS NULL",
                           (key_id,)).rowcount
        if not n:
            raise AccountError(f"Không có khóa API đang dùng với mã '{key_id}'.")

    def keys(self) -> list[ApiKey]:
        with transaction(self.dsn) as db:
            rows = db.execute("SELECT * FROM api_keys ORDER BY created_at").fetchall()
        return [_key(r) for r in rows]


def _user(row: dict[str, Any]) -> User:
    rights = frozenset(Scope(s) for s in row["rights"] or () if s in Scope.__members__)
    return User(row["login"], Role(row["role"]), bool(row["disabled"]), rights)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _key(row: dict[str, Any], **override) -> ApiKey:
    fields = dict(key_id=row["key_id"], name=row["name"], scopes=frozenset(Scope(s) for s in row["scopes"]),
                  created_at=_iso(row["created_at"]), revoked_at=_iso(row["revoked_at"]),
                  last_used_at=_iso(row["last_used_at"]))
    fields.update({k: _iso(v) if isinstance(v, dt.datetime) else v for k, v in override.items()})
    return ApiKey(**fields)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password or "")
    except (VerificationError, InvalidHashError):
        return False


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.")
