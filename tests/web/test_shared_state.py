"""Shared operational state (issue #19, docs/shared-state.md): accounts, sessions and
rate-limit counts live in PostgreSQL, so several web processes behave as one — tested on
`tracuu serve --workers 4` itself — and an older installation's accounts file comes in."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from helpers import OLD_ACCOUNTS_SCHEMA, OFFICER_PASSWORD, csrf_of, ensure_account, free_port, log_in
from database.accounts import AccountStore
from database.upgrade import import_old_files
from web.app import create_app

pytestmark = pytest.mark.postgres

LIMIT = 6  # login attempts per client per minute in the served test


@pytest.fixture(scope="module")
def four_workers(settings, record_index, tmp_path_factory):
    """`tracuu serve --workers 4` on the module's settings; yields (base URL, log file)."""
    ensure_account(settings)
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = {**os.environ, "TRACUU_DATA_DIR": str(settings.data_dir), "TRACUU_INDEX": settings.index,
           "TRACUU_OPENSEARCH_URL": settings.opensearch_url, "TRACUU_TIKA_URL": settings.tika_url,
           "TRACUU_DATABASE_URL": settings.database_dsn(), "TRACUU_LOGIN_LIMIT_CLIENT": f"{LIMIT}/minute"}
    with open(log, "wb") as out:
        server = subprocess.Popen([str(Path(sys.executable).parent / "tracuu"), "serve", "--workers", "4",
                                   "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while len(set(re.findall(r"\[(\d+)\] uvicorn.error: Application startup complete", log.read_text()))) < 4:
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        yield base, log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


def _pids_serving(log: Path, line: str) -> set[str]:
    return set(re.findall(rf"\[(\d+)\] tracuu\.web: {re.escape(line)}", log.read_text()))


def _each_on_a_new_connection(base: str, n: int, method: str, path: str, cookie: str,
                              **kwargs) -> list[httpx.Response]:
    """n requests, each on a connection of its own, so the kernel hands them to any worker."""
    out = []
    for _ in range(n):
        with httpx.Client(base_url=base, timeout=30, follow_redirects=False,
                          cookies={"tracuu_session": cookie}) as c:
            out.append(c.request(method, path, **kwargs))
    return out


def test_a_login_a_rate_limit_and_a_logout_hold_across_four_workers(four_workers, settings):
    base, log = four_workers
    # A login made through one worker is good on all of them.
    with httpx.Client(base_url=base, timeout=30, follow_redirects=False) as browser:
        token = csrf_of(browser.get("/login").text)
        r = browser.post("/login", data={"login": "canbo", "password": OFFICER_PASSWORD, "csrf_token": token})
        assert r.status_code == 303, r.text
        cookie = browser.cookies.get("tracuu_session")
    assert cookie
    pages = _each_on_a_new_connection(base, 24, "GET", "/", cookie)
    assert [p.status_code for p in pages] == [200] * 24
    assert len(_pids_serving(log, "GET / 200")) >= 2, "the session's pages must have been served by several workers"

    # Guessing passwords: the limit counts attempts on every worker together.
    with httpx.Client(base_url=base, timeout=30) as stranger:
        csrf = csrf_of(stranger.get("/login").text)
        stranger_cookie = stranger.cookies.get("tracuu_session")
    form = {"login": "nguoi-la", "password": "sai-mat-khau-123", "csrf_token": csrf}  # locks no account
    tries = _each_on_a_new_connection(base, LIMIT + 3, "POST", "/login", stranger_cookie, data=form)
    codes = [t.status_code for t in tries]
    # The officer's own login was the first attempt from this address: LIMIT - 1 are left.
    assert codes[:LIMIT - 1] == [401] * (LIMIT - 1) and codes[LIMIT - 1:] == [429] * 4, codes
    assert len(_pids_serving(log, "POST /login 401") | _pids_serving(log, "POST /login 429")) >= 2

    # Logout through one worker ends the session on every worker, for a copy of the cookie too.
    with httpx.Client(base_url=base, timeout=30, follow_redirects=False,
                      cookies={"tracuu_session": cookie}) as browser:
        home = browser.get("/")
        token = csrf_of(home.text)
        assert browser.post("/logout", data={"csrf_token": token}).status_code == 303
    after = _each_on_a_new_connection(base, 12, "GET", "/", cookie)
    assert [a.status_code for a in after] == [303] * 12
    assert all("/login" in a.headers["location"] for a in after)

    # /metrics adds up what every worker counted, whichever worker answers the scrape.
    scrapes = {_counted(httpx.get(f"{base}/metrics", timeout=30).text) for _ in range(6)}
    assert len(scrapes) == 1 and scrapes.pop() >= 24 + 1  # the pages above (and the first after login)


def _counted(text: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("http_requests_total{") and 'handler="/"' in line and 'method="GET"' in line
               and 'status="200"' in line)


def test_a_password_change_or_a_disabled_account_ends_its_sessions(settings, record_index):
    ensure_account(settings, "doi-mat-khau")
    accounts = AccountStore.of(settings)
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as other:
        log_in(one, settings, "doi-mat-khau")
        other.cookies.update(dict(one.cookies))  # the same session, seen by another process
        assert other.get("/", follow_redirects=False).status_code == 200
        accounts.set_password("doi-mat-khau", OFFICER_PASSWORD + "-moi")
        assert one.get("/", follow_redirects=False).status_code == 303
        assert other.get("/", follow_redirects=False).status_code == 303
        token = csrf_of(one.get("/login").text)
        r = one.post("/login", data={"login": "doi-mat-khau", "password": OFFICER_PASSWORD + "-moi",
                                     "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303
        assert one.get("/", follow_redirects=False).status_code == 200
        accounts.set_disabled("doi-mat-khau", True)
        assert one.get("/", follow_redirects=False).status_code == 303


def test_the_session_token_changes_at_login_and_the_table_holds_no_token(settings, record_index):
    """A token handed out before the login (a fixation attempt) is worth nothing after it,
    and the database keeps only hashes of tokens."""
    import psycopg

    ensure_account(settings)
    with TestClient(create_app(settings)) as client:
        client.get("/login")
        before = client.cookies.get("tracuu_session")
        log_in(client, settings)
        after = client.cookies.get("tracuu_session")
        assert before and after and before != after
        with TestClient(create_app(settings)) as attacker:
            attacker.cookies.set("tracuu_session", before)
            assert attacker.get("/", follow_redirects=False).status_code == 303
    with psycopg.connect(settings.database_dsn()) as db:
        stored = [r[0] for r in db.execute("SELECT id_hash FROM sessions")]
    assert after not in stored and before not in stored and all(len(h) == 64 for h in stored)


def test_an_old_accounts_file_is_imported_once_and_kept_renamed(settings, tmp_path):
    """The upgrade path: accounts.sqlite3 of an installation from before the database."""
    from argon2 import PasswordHasher

    old = settings.model_copy(update={"data_dir": tmp_path / "old"})
    old.data_dir.mkdir()
    path = old.data_dir / "accounts.sqlite3"
    with sqlite3.connect(path) as db:  # the schema the SQLite store had (web/accounts.py before #19)
        db.executescript(OLD_ACCOUNTS_SCHEMA)
        db.execute("INSERT INTO users VALUES ('can-bo-cu', 'officer', ?, 0, NULL, 0, '2024-05-01T08:00:00+00:00', "
                   "'manage')", (PasswordHasher().hash("mat-khau-cu-123"),))
        import hashlib
        db.execute("INSERT INTO api_keys VALUES ('0a1b2c3d4e5f', 'một cửa', 'lookup search', ?, "
                   "'2024-05-01T08:00:00+00:00', NULL, NULL)", (hashlib.sha256(b"bi-mat").hexdigest(),))
    done = import_old_files(old)
    assert done and "1 tài khoản" in done[0] and "1 khóa API" in done[0]
    assert not path.exists() and (old.data_dir / "accounts.sqlite3.imported").exists()
    accounts = AccountStore.of(old)
    user = accounts.authenticate("can-bo-cu", "mat-khau-cu-123")
    assert user.login == "can-bo-cu" and {str(r) for r in user.rights} == {"manage"}
    key = accounts.verify_key("tc_0a1b2c3d4e5f_bi-mat")
    assert key is not None and {str(s) for s in key.scopes} == {"lookup", "search"}
    assert import_old_files(old) == []  # once
