"""Helpers for tests that act as a system (API key) or an officer (login form)."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Iterator

from fastapi.testclient import TestClient
from pydantic import SecretStr

from search.config import Settings

API_SCOPES = ("search", "read", "lookup", "reuse")
#: A system that also records status decisions (revoke, suspend, replace …).
MANAGE_SCOPES = (*API_SCOPES, "manage")
OFFICER_PASSWORD = "mat-khau-thu-nghiem"


def ingested_sample(running_services: Settings, databases, tmp_path_factory, name: str, **options):
    """A `tracuu sample` corpus (``options``: tracuu.sample.Options) ingested into an index, a
    data dir and a database of its own: (settings, index, truth rows). Every file must ingest."""
    import uuid

    from indexer.pipeline import Ingestor
    from search.index import RecordIndex
    from tracuu.sample import Options, generate

    folder = tmp_path_factory.mktemp(f"{name}-corpus")
    truth = generate(folder, Options(**options))
    settings = Settings(index=f"test-{name}-{uuid.uuid4().hex[:8]}", data_dir=tmp_path_factory.mktemp(f"{name}-data"),
                        opensearch_url=running_services.opensearch_url, tika_url=running_services.tika_url,
                        database_url=databases())
    index = RecordIndex.from_settings(settings)
    assert Ingestor(settings, index).ingest_dir(folder).failed == []
    return settings, index, truth


def api_key(settings: Settings, *scopes: str, name: str = "test system") -> str:
    """A new API key in this instance's account store."""
    from database.accounts import AccountStore

    return AccountStore.of(settings).create_key(name, list(scopes or API_SCOPES))[1]


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def ensure_account(settings: Settings, login: str = "canbo", role: str = "officer") -> None:
    """An account with the test password, created unless it is there already."""
    from database.accounts import AccountError, AccountStore

    try:
        AccountStore.of(settings).add_user(login, role, OFFICER_PASSWORD)
    except AccountError:
        pass  # already there


def grant(settings: Settings, login: str, right: str = "manage", held: bool = True) -> None:
    """Give an officer account a right (``tracuu status allow``), or take it back."""
    from database.accounts import AccountStore

    AccountStore.of(settings).set_right(login, right, held)


def log_in(client: TestClient, settings: Settings, login: str = "canbo", role: str = "officer") -> TestClient:
    """Create the account if needed and log the client in through the login form."""
    ensure_account(settings, login, role)
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"login": login, "password": OFFICER_PASSWORD, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


@contextlib.contextmanager
def served(settings: Settings) -> Iterator[str]:
    """The app on ``settings``, served over real HTTP by uvicorn in a thread: its base URL."""
    import uvicorn

    from web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def free_port() -> int:
    """A TCP port nothing listens on now. Not a fixed one: a fixed port in the ephemeral
    range (32768–60999) is now and then the local end of some client's connection, and a
    server then cannot bind it (seen in CI: 'Address already in use' on 55498)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: The accounts file of the versions before the database (web/accounts.py before issue #19),
#: for the tests of its import.
OLD_ACCOUNTS_SCHEMA = """
    CREATE TABLE users (login TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
        failures INTEGER NOT NULL DEFAULT 0, locked_until TEXT, disabled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL, rights TEXT NOT NULL DEFAULT '');
    CREATE TABLE api_keys (key_id TEXT PRIMARY KEY, name TEXT NOT NULL, scopes TEXT NOT NULL,
        secret_hash TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT, last_used_at TEXT);"""


# -- the local identity provider (Keycloak, tracuu/services.py) --------------------------


def oidc_settings(settings: Settings) -> Settings:
    """``settings`` with both single sign-on providers pointed at the local Keycloak realm,
    with the clients and secrets its realm file defines."""
    from tracuu.services import REALM, REALM_FILE

    clients = {c["clientId"]: c["secret"] for c in json.loads(REALM_FILE.read_text(encoding="utf-8"))["clients"]}
    issuer = f"{settings.keycloak_url}/realms/{REALM}"
    return settings.model_copy(update={
        "oidc_issuer": issuer, "oidc_client_id": "tracuu-officers",
        "oidc_client_secret": SecretStr(clients["tracuu-officers"]),
        "citizen_oidc_issuer": issuer, "citizen_oidc_client_id": "tracuu-citizens",
        "citizen_oidc_client_secret": SecretStr(clients["tracuu-citizens"])})


def keycloak_user(settings: Settings, username: str, password: str, roles: list[str] = (),
                  attributes: dict[str, list[str]] | None = None) -> None:
    """A user of the local realm, made (or made again) through Keycloak's admin REST API."""
    import httpx

    from tracuu.services import KEYCLOAK_ADMIN, REALM

    base = settings.keycloak_url
    token = httpx.post(f"{base}/realms/master/protocol/openid-connect/token", data={
        "grant_type": "password", "client_id": "admin-cli", "username": KEYCLOAK_ADMIN[0],
        "password": KEYCLOAK_ADMIN[1]}).raise_for_status().json()["access_token"]
    admin = httpx.Client(base_url=f"{base}/admin/realms/{REALM}", headers={"Authorization": f"Bearer {token}"})
    for old in admin.get("/users", params={"username": username, "exact": "true"}).json():
        admin.delete(f"/users/{old['id']}").raise_for_status()
    admin.post("/users", json={
        "username": username, "enabled": True, "firstName": "Người", "lastName": "Thử", "attributes": attributes or {},
        "credentials": [{"type": "password", "value": password, "temporary": False}]}).raise_for_status()
    uid = admin.get("/users", params={"username": username, "exact": "true"}).json()[0]["id"]
    if roles:
        known = [admin.get(f"/roles/{r}").raise_for_status().json() for r in roles]
        admin.post(f"/users/{uid}/role-mappings/realm", json=known).raise_for_status()
