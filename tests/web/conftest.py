"""A live server (uvicorn, in a thread) and the real Chromium, for the browser tests."""

from __future__ import annotations

import shutil

import pytest

from helpers import OFFICER_PASSWORD, ensure_account, served


@pytest.fixture(scope="session")
def live_server(ingested_corpus):
    """The app on the ingested sample corpus, served over real HTTP: its base URL."""
    with served(ingested_corpus[0]) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by playwright (no browser download). Missing = an error."""
    from playwright.sync_api import sync_playwright

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("Chromium is not installed; run 'bash scripts/setup.sh' (Debian package chromium).")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, ingested_corpus):
    """A fresh browser context (no cookies), logged in as an officer through the login page."""
    ensure_account(ingested_corpus[0])
    context = chromium.new_context(base_url=live_server, viewport={"width": 1366, "height": 900},
                                   locale="vi-VN", accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.goto("/")
    assert "/login" in pg.url  # nothing is shown before logging in
    pg.fill("#login", "canbo")
    pg.fill("#password", OFFICER_PASSWORD)
    pg.get_by_role("button", name="Đăng nhập").click()
    pg.wait_for_url(live_server + "/")
    yield pg
    context.close()


@pytest.fixture(autouse=True)
def attempts_forgotten(request):
    """Every web test starts with no attempts counted. The counts live in the database and
    outlast an app (that is their point: every process shares them); without this, tests of
    the shared corpus would spend one another's citizen-form and login allowances."""
    from database.rate_limits import DatabaseStorage

    for name in ("ingested_corpus", "settings"):
        if name in request.fixturenames:
            found = request.getfixturevalue(name)
            settings = found[0] if isinstance(found, tuple) else found
            DatabaseStorage(settings.database_dsn()).reset()
