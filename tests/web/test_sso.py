"""Single sign-on against a real OpenID Connect provider: the local Keycloak that `tracuu
services` starts (tracuu/services.py), its realm from tracuu/data. Officers sign in with a
role the provider's claim gives; citizens whose identity it proves see all their own
results and nobody else's; logging out ends the provider's session too (issue #20)."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from archive.records import record_id_for
from database.audit import AuditLog
from helpers import csrf_of, keycloak_user, oidc_settings
from web.app import create_app

pytestmark = [pytest.mark.opensearch, pytest.mark.tika, pytest.mark.ocr]


def _provider_login(app: TestClient, start: str, username: str, password: str) -> httpx.Response:
    """Through the provider as a browser would: to its login form, the form posted, and back
    to our callback (the app's answer to it)."""
    to_provider = app.get(start, follow_redirects=False)
    assert to_provider.status_code == 302, to_provider.text[:300]
    with httpx.Client(follow_redirects=True) as browser:
        form = browser.get(to_provider.headers["location"])
        action = html.unescape(re.search(r'<form[^>]+id="kc-form-login"[^>]+action="([^"]+)"', form.text).group(1))
        # Keycloak's cookies are 'Secure'; a browser sends them to http://127.0.0.1 (a secure
        # context), Python's cookie jar does not: sent by hand.
        cookies = "; ".join(f"{c.name}={c.value}" for c in browser.cookies.jar)
        back = browser.post(action, data={"username": username, "password": password, "credentialId": ""},
                            headers={"Cookie": cookies}, follow_redirects=False)
    assert back.status_code == 302, back.text[:300]
    callback = urlsplit(back.headers["location"])
    return app.get(f"{callback.path}?{callback.query}", follow_redirects=False)


@pytest.fixture
def sso_settings(ingested_corpus):
    return oidc_settings(ingested_corpus[0])


def test_an_officer_signs_in_with_the_role_the_provider_gives(sso_settings):
    keycloak_user(sso_settings, "canbo.thu", "mat-khau-thu-1", roles=["officer"])
    with TestClient(create_app(sso_settings)) as app:
        assert "/login/sso" in app.get("/login").text
        back = _provider_login(app, "/login/sso", "canbo.thu", "mat-khau-thu-1")
        assert back.status_code == 303 and back.headers["location"] == "/"
        home = app.get("/")
        assert home.status_code == 200 and "sso:canbo.thu" in home.text
        assert app.get("/admin", follow_redirects=False).status_code == 403  # an officer, not an admin
        login = [e for e in AuditLog.of(sso_settings).events() if e.action == "login" and e.actor == "sso:canbo.thu"]
        assert login and login[-1].detail == "sso" and login[-1].outcome == "ok"


def test_an_admin_role_and_the_manage_right_come_from_the_claim(sso_settings):
    keycloak_user(sso_settings, "quantri.thu", "mat-khau-thu-2", roles=["admin"])
    keycloak_user(sso_settings, "canbo.quyen", "mat-khau-thu-3", roles=["officer", "manage"])
    with TestClient(create_app(sso_settings)) as app:
        _provider_login(app, "/login/sso", "quantri.thu", "mat-khau-thu-2")
        assert app.get("/admin").status_code == 200
    keycloak_user(sso_settings, "canbo.khong", "mat-khau-thu-8", roles=["officer"])
    rights = {}
    for login, password in (("canbo.quyen", "mat-khau-thu-3"), ("canbo.khong", "mat-khau-thu-8")):
        with TestClient(create_app(sso_settings)) as app:
            _provider_login(app, "/login/sso", login, password)
            # Recording a status decision needs the manage right: without it, 403 naming it.
            answer = app.post("/api/v1/records/0000000000000000000000000000000000000000/status",
                              headers={"X-CSRF-Token": csrf_of(app.get("/").text)},
                              json={"status": "revoked", "reason": "thử", "decision_number": "1/QĐ-UBND"})
            rights[login] = answer.status_code
    assert rights["canbo.khong"] == 403 and rights["canbo.quyen"] != 403


def test_someone_the_provider_knows_but_gave_no_role_is_refused(sso_settings):
    keycloak_user(sso_settings, "khach.thu", "mat-khau-thu-4")
    with TestClient(create_app(sso_settings)) as app:
        back = _provider_login(app, "/login/sso", "khach.thu", "mat-khau-thu-4")
        assert back.status_code == 403 and "chưa được giao vai trò" in back.text
        assert app.get("/", follow_redirects=False).status_code == 303  # still not signed in


def test_logout_ends_the_providers_session_too(sso_settings):
    keycloak_user(sso_settings, "canbo.ra", "mat-khau-thu-5", roles=["officer"])
    with TestClient(create_app(sso_settings)) as app:
        _provider_login(app, "/login/sso", "canbo.ra", "mat-khau-thu-5")
        out = app.post("/logout", data={"csrf_token": csrf_of(app.get("/").text)}, follow_redirects=False)
        assert out.status_code == 303
        there = urlsplit(out.headers["location"])
        assert there.path.endswith("/protocol/openid-connect/logout") and "id_token_hint=" in there.query
        assert app.get("/", follow_redirects=False).status_code == 303


def _citizen_with_several_results(truth):
    """A CCCD with results of more than one dossier (or none): more than a receipt opens."""
    by_subject: dict[str, set] = {}
    for t in truth:
        if t["in_manifest"] and t["fields"].get("subject_id"):
            by_subject.setdefault(t["fields"]["subject_id"], set()).add(t["fields"].get("dossier_code"))
    cccd = next(s for s, codes in by_subject.items() if len(codes) > 1)
    own = {record_id_for(t["sha256"]) for t in truth if t["in_manifest"] and t["fields"].get("subject_id") == cccd}
    return cccd, own


def test_a_citizen_proved_by_the_provider_sees_all_their_results_and_nobody_elses(sso_settings, ingested_corpus):
    truth = ingested_corpus[3]
    cccd, own = _citizen_with_several_results(truth)
    other = next(record_id_for(t["sha256"]) for t in truth if t["fields"].get("subject_id") not in (None, cccd))
    keycloak_user(sso_settings, "congdan.thu", "mat-khau-thu-6", attributes={"cccd": [cccd]})
    with TestClient(create_app(sso_settings)) as app:
        assert "/citizen/sso" in app.get("/citizen").text
        back = _provider_login(app, "/citizen/sso", "congdan.thu", "mat-khau-thu-6")
        assert back.status_code == 303 and back.headers["location"] == "/citizen/records"
        listing = app.get("/citizen/records").text
        assert all(f"/citizen/records/{rid}" in listing for rid in own)  # every dossier's results
        assert f"/citizen/records/{other}" not in listing
        assert app.get(f"/citizen/records/{other}").status_code == 404
    login = [e for e in AuditLog.of(sso_settings).events() if e.action == "citizen_login" and e.subject_id == cccd]
    assert login[-1].detail.startswith("sso session") and login[-1].outcome == "ok"


def test_a_provider_that_gives_no_cccd_opens_nothing(sso_settings):
    keycloak_user(sso_settings, "congdan.khong", "mat-khau-thu-7")
    with TestClient(create_app(sso_settings)) as app:
        back = _provider_login(app, "/citizen/sso", "congdan.khong", "mat-khau-thu-7")
        assert back.status_code == 400 and "CCCD" in back.text
        assert app.get("/citizen/records", follow_redirects=False).headers["location"] == "/citizen"


def test_without_a_provider_the_sso_pages_say_so(ingested_corpus):
    with TestClient(create_app(ingested_corpus[0])) as app:
        assert "/login/sso" not in app.get("/login").text
        assert app.get("/login/sso").status_code == 404
        assert app.get("/citizen/sso").status_code == 404


def _through_keycloak(chromium, url: str, start: str, link: str, username: str, password: str):
    """A fresh browser from our page ``start``, through the link to Keycloak's login page,
    the form filled and sent: (its context, its page)."""
    context = chromium.new_context(base_url=url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(start)
    page.get_by_text(link).click()
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#kc-login")
    return context, page


def test_in_the_browser_an_officer_and_a_citizen_go_through_the_provider(chromium, sso_settings, ingested_corpus):
    """The real Chromium, the app served over HTTP, the real Keycloak login page."""
    from helpers import served

    truth = ingested_corpus[3]
    cccd, own = _citizen_with_several_results(truth)
    keycloak_user(sso_settings, "canbo.trinhduyet", "mat-khau-thu-9", roles=["officer"])
    keycloak_user(sso_settings, "congdan.trinhduyet", "mat-khau-thu-10", attributes={"cccd": [cccd]})
    with served(sso_settings) as url:
        context, page = _through_keycloak(chromium, url, "/login", "Đăng nhập một lần bằng tài khoản của tỉnh",
                                          "canbo.trinhduyet", "mat-khau-thu-9")
        page.wait_for_url(url + "/")
        assert "sso:canbo.trinhduyet" in page.content()
        page.get_by_role("button", name="Đăng xuất").click()
        page.wait_for_url("**/login")
        page.goto("/")
        assert "/login" in page.url  # signed out here and at the provider
        page.get_by_text("Đăng nhập một lần bằng tài khoản của tỉnh").click()
        page.wait_for_selector("#username")  # the provider asks again
        context.close()

        context, page = _through_keycloak(chromium, url, "/citizen", "Đăng nhập bằng tài khoản định danh điện tử",
                                          "congdan.trinhduyet", "mat-khau-thu-10")
        page.wait_for_url("**/citizen/records")
        links = {a.get_attribute("href") for a in page.locator("a[href^='/citizen/records/']").all()}
        assert links == {f"/citizen/records/{rid}" for rid in own}
        context.close()


def test_a_citizen_proved_by_the_provider_sees_who_looked_at_their_records(sso_settings, ingested_corpus):
    """Decree 13/2023: the data subject may know who processed their data. An officer opens
    one of the citizen's results; the citizen's access log names the officer and the record.
    A receipt's session (one dossier, not the person proved) has no access log."""
    from helpers import log_in

    truth = ingested_corpus[3]
    cccd, own = _citizen_with_several_results(truth)
    looked_at = sorted(own)[0]
    with TestClient(create_app(sso_settings)) as officer:
        log_in(officer, sso_settings)
        assert officer.get(f"/records/{looked_at}").status_code == 200
    keycloak_user(sso_settings, "congdan.nhatky", "mat-khau-thu-11", attributes={"cccd": [cccd]})
    with TestClient(create_app(sso_settings)) as app:
        _provider_login(app, "/citizen/sso", "congdan.nhatky", "mat-khau-thu-11")
        assert "/citizen/access-log" in app.get("/citizen/records").text
        log = app.get("/citizen/access-log")
        assert log.status_code == 200
        assert "Cán bộ: canbo" in log.text and f"/citizen/records/{looked_at}" in log.text
    t = next(t for t in truth if t["in_manifest"] and t["fields"].get("subject_id") == cccd
             and t["fields"].get("dossier_code"))
    with TestClient(create_app(sso_settings)) as receipt:
        receipt.post("/citizen", data={"subject_id": cccd, "dossier_code": t["fields"]["dossier_code"],
                                       "csrf_token": csrf_of(receipt.get("/citizen").text)})
        assert "/citizen/access-log" not in receipt.get("/citizen/records").text
        assert receipt.get("/citizen/access-log", follow_redirects=False).headers["location"] == "/citizen"
