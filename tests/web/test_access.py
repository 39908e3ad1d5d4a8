"""Access control, audit and abuse resistance: tries to see what is not one's own, and fails."""

from __future__ import annotations

import json
import re
import socket
import threading

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from helpers import OFFICER_PASSWORD, api_key, csrf_of, log_in
from archive.records import record_id_for
from web.app import create_app
from database.audit import AuditLog

pytestmark = [pytest.mark.opensearch, pytest.mark.tika, pytest.mark.ocr]


@pytest.fixture
def client(ingested_corpus):
    """A new app (fresh rate-limit counters) and a browser with no cookies."""
    with TestClient(create_app(ingested_corpus[0])) as c:
        yield c


def _records(truth, pred):
    return [record_id_for(t["sha256"]) for t in truth if pred(t)]


def _citizen(truth):
    t = next(t for t in truth if t["in_manifest"] and t["fields"].get("dossier_code"))
    return t["fields"]["subject_id"], t["fields"]["dossier_code"], record_id_for(t["sha256"])


def _citizen_login(client, cccd, code):
    token = csrf_of(client.get("/citizen").text)
    return client.post("/citizen", data={"subject_id": cccd, "dossier_code": code, "csrf_token": token},
                       follow_redirects=False)


def _audit(settings):
    return list(AuditLog.of(settings).events())


# -- nobody without credentials ---------------------------------------------------------


def test_pages_send_strangers_to_the_login_page_and_the_api_answers_401(client, ingested_corpus):
    rid = _records(ingested_corpus[3], lambda t: True)[0]
    for path in ("/", f"/records/{rid}", f"/records/{rid}/file", "/admin"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
    for path in ("/api/v1/search", f"/api/v1/records/{rid}", f"/api/v1/records/{rid}/file",
                 "/api/v1/lookup?subject_id=001085012345"):
        r = client.get(path)
        assert r.status_code == 401, path
        assert r.headers["content-type"] == "application/problem+json" and r.headers["www-authenticate"] == "Bearer"


def test_a_citizen_reaches_nothing_but_their_own_records(client, ingested_corpus):
    truth = ingested_corpus[3]
    cccd, code, _ = _citizen(truth)
    other = _records(truth, lambda t: t["fields"]["subject_id"] != cccd)[0]
    assert _citizen_login(client, cccd, code).status_code == 303
    assert client.get(f"/citizen/records/{other}").status_code == 404           # by id
    assert client.get(f"/citizen/records/{other}/file").status_code == 404      # by file URL
    assert client.get("/", params={"q": other}, follow_redirects=False).status_code == 303  # by search
    assert client.get(f"/records/{other}/file", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/search", params={"q": cccd}).status_code == 401
    assert client.get(f"/api/v1/records/{other}/file").status_code == 401
    assert client.get("/api/v1/lookup", params={"subject_id": cccd}).status_code == 401  # by lookup


# -- API keys ---------------------------------------------------------------------------


def test_a_key_does_only_what_its_scopes_say(client, ingested_corpus):
    settings, _, _, truth = ingested_corpus
    rid = _records(truth, lambda t: True)[0]
    search_only = {"Authorization": f"Bearer {api_key(settings, 'search', name='portal')}"}
    assert client.get("/api/v1/search", headers=search_only).status_code == 200
    for path in (f"/api/v1/records/{rid}", f"/api/v1/records/{rid}/file", "/api/v1/lookup?subject_id=001085012345"):
        r = client.get(path, headers=search_only)
        assert r.status_code == 403 and "quyền" in r.json()["detail"], path
    denied = [e for e in _audit(settings) if e.action == "key_denied" and "portal" in e.actor]
    assert len(denied) == 3


def test_a_search_only_key_cannot_tie_a_cccd_to_a_name(client, ingested_corpus):
    """Issue #20, item 4: a key that may only search found a person's results by CCCD and got
    their name beside them (only the snippet's CCCD was masked). Now it gets the results
    without the name or a snippet; a key with `read` gets both."""
    settings, _, _, truth = ingested_corpus
    t = next(t for t in truth if t["in_manifest"] and len(t["fields"]["subject_id"]) == 12
             and t["fields"].get("subject_name"))
    cccd, name = t["fields"]["subject_id"], t["fields"]["subject_name"]
    searcher = {"Authorization": f"Bearer {api_key(settings, 'search')}"}
    reader = {"Authorization": f"Bearer {api_key(settings, 'search', 'read')}"}
    found = client.get("/api/v1/search", params={"q": cccd}, headers=searcher).json()
    plain = client.get("/api/v1/search", params={"q": cccd}, headers=reader).text
    assert cccd in plain and name in plain
    own = record_id_for(t["sha256"])
    assert own in [h["id"] for h in found["hits"]]  # still found, by its CCCD
    assert all(h["subject_name"] is None and h["snippet"] == "" for h in found["hits"])
    assert name not in json.dumps(found, ensure_ascii=False) and cccd[3:10] not in json.dumps(found)


def test_a_revoked_or_forged_key_is_refused(client, ingested_corpus):
    from database.accounts import AccountStore

    settings = ingested_corpus[0]
    accounts = AccountStore.of(settings)
    key, token = accounts.create_key("to revoke", ["search"])
    assert client.get("/api/v1/search", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert next(k for k in accounts.keys() if k.key_id == key.key_id).last_used_at is not None
    accounts.revoke_key(key.key_id)
    assert client.get("/api/v1/search", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.get("/api/v1/search", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


# -- forms ------------------------------------------------------------------------------


def test_forms_without_the_csrf_token_are_refused(client, ingested_corpus):
    settings, _, _, truth = ingested_corpus
    rid = _records(truth, lambda t: True)[0]
    cccd, code, _ = _citizen(truth)
    client.get("/citizen")  # a session exists, so there is a token to forge against
    for path, data in (("/citizen", {"subject_id": cccd, "dossier_code": code}),
                       ("/login", {"login": "canbo", "password": OFFICER_PASSWORD}),
                       ("/citizen/logout", {})):
        assert client.post(path, data=data, follow_redirects=False).status_code == 403, path
        assert client.post(path, data={**data, "csrf_token": "forged"}, follow_redirects=False).status_code == 403
    log_in(client, settings)
    r = client.post(f"/records/{rid}/reuse", data={"dossier_code": "000.00.12.H06-261122-0999"})
    assert r.status_code == 403 and "tải lại trang" in r.text
    r = client.post(f"/api/v1/records/{rid}/reuse", json={"dossier_code": "000.00.12.H06-261122-0999"})
    assert r.status_code == 403  # a JSON call riding on the officer's cookie needs the header too


def test_brute_forcing_the_citizen_form_hits_the_rate_limit(client, ingested_corpus):
    cccd, code, _ = _citizen(ingested_corpus[3])
    statuses = [_citizen_login(client, cccd, f"000.00.00.H00-000000-{i:04d}").status_code for i in range(6)]
    assert statuses[:5] == [400] * 5 and statuses[5] == 429
    # Even the right code is refused while the limit holds: guessing cannot be confirmed.
    assert _citizen_login(client, cccd, code).status_code == 429


def test_spreading_guesses_over_many_cccd_numbers_hits_the_per_client_limit(client):
    statuses = [_citizen_login(client, f"0010850{i:05d}", "000.00.00.H00-000000-0000").status_code
                for i in range(11)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429


def test_no_difference_between_an_existing_and_a_made_up_cccd(client, ingested_corpus):
    cccd, code, _ = _citizen(ingested_corpus[3])
    real = _citizen_login(client, cccd, "000.00.00.H00-000000-0000")
    made_up = _citizen_login(client, "001099000001", "000.00.00.H00-000000-0000")
    assert (real.status_code, real.text) == (made_up.status_code, made_up.text)


def test_repeated_wrong_passwords_lock_the_account_with_the_same_message(client, ingested_corpus):
    from database.accounts import MAX_FAILURES, AccountStore

    settings = ingested_corpus[0]
    AccountStore.of(settings).add_user("khoa-thu", "officer", OFFICER_PASSWORD)

    def attempt(password):
        token = csrf_of(client.get("/login").text)
        return client.post("/login", data={"login": "khoa-thu", "password": password, "csrf_token": token},
                           follow_redirects=False)

    wrong = [attempt("sai-mat-khau-123") for _ in range(MAX_FAILURES)]
    assert all(r.status_code == 401 for r in wrong)
    locked = attempt(OFFICER_PASSWORD)
    assert locked.status_code == 401 and locked.text == wrong[0].text
    unknown = client.post("/login", data={"login": "khong-co-ai", "password": "x" * 12,
                                          "csrf_token": csrf_of(client.get("/login").text)})
    assert re.sub(r'value="[^"]+"', "", unknown.text) == re.sub(r'value="[^"]+"', "", wrong[0].text)


def test_only_admins_manage_users_and_keys(client, ingested_corpus):
    settings = ingested_corpus[0]
    log_in(client, settings)
    assert client.get("/admin").status_code == 403
    with TestClient(create_app(settings)) as admin:
        log_in(admin, settings, login="quantri", role="admin")
        page = admin.get("/admin").text
        r = admin.post("/admin/keys", data={"name": "Một cửa tỉnh", "scope": ["lookup"], "csrf_token": csrf_of(page)})
        token = re.search(r'<textarea id="newkey"[^>]*>(tc_[^<]+)</textarea>', r.text).group(1)
        assert token not in admin.get("/admin").text  # shown once
        assert admin.get("/api/v1/lookup", params={"subject_id": "001085012345"}).status_code == 200
        key_id = token[3:].split("_")[0]
        admin.post(f"/admin/keys/{key_id}/revoke", data={"csrf_token": csrf_of(page)})
    assert client.get("/api/v1/lookup", params={"subject_id": "001085012345"},
                      headers={"Authorization": f"Bearer {token}"}).status_code == 401


# -- audit ------------------------------------------------------------------------------


def test_every_view_and_download_is_in_the_audit_log_with_its_actor(client, ingested_corpus):
    settings, _, _, truth = ingested_corpus
    cccd, code, own = _citizen(truth)
    before = len(_audit(settings))

    system = {"Authorization": f"Bearer {api_key(settings, 'read', name='audit-check')}"}
    client.get(f"/api/v1/records/{own}", headers=system)
    client.get(f"/api/v1/records/{own}/file", params={"download": True}, headers=system)
    _citizen_login(client, cccd, code)
    client.get(f"/citizen/records/{own}")
    client.get(f"/citizen/records/{own}/file", params={"download": True})
    log_in(client, settings)
    client.get(f"/records/{own}")
    client.get(f"/records/{own}/file", params={"variant": "original", "download": True})

    events = [(e.actor_kind, e.action, e.record_id, e.subject_id, e.actor) for e in _audit(settings)[before:]]
    about = [e for e in events if e[2] == own]
    assert [(k, a) for k, a, *_ in about] == [
        ("system", "view"), ("system", "download"), ("citizen", "view"), ("citizen", "download"),
        ("officer", "view"), ("officer", "download")]
    assert all(s == cccd for *_, s, _ in about)
    assert "audit-check" in about[0][4] and about[4][4] == "canbo"
    login = next(e for e in _audit(settings)[before:] if e.action == "citizen_login" and e.outcome == "ok")
    assert login.subject_id == cccd and login.detail.split()[-1] in about[2][4]  # session ties to the CCCD
    assert AuditLog.of(settings).verify().intact


def test_tracuu_audit_answers_who_looked_at_my_record(client, ingested_corpus, monkeypatch):
    from search.config import get_settings
    from tracuu.cli import app

    settings, _, _, truth = ingested_corpus
    cccd, _, own = _citizen(truth)
    log_in(client, settings)
    client.get(f"/records/{own}")
    monkeypatch.setenv("TRACUU_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("TRACUU_DATABASE_URL", settings.database_dsn())
    get_settings.cache_clear()
    try:
        out = CliRunner().invoke(app, ["audit", "--subject", cccd, "--json"])
        verified = CliRunner().invoke(app, ["audit", "--verify"])
    finally:
        get_settings.cache_clear()
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert any(r["actor"] == "canbo" and r["action"] == "view" and r["record_id"] == own for r in rows)
    assert verified.exit_code == 0


# -- hardening ---------------------------------------------------------------------------


def test_security_headers_and_request_size_limit(client):
    r = client.get("/login")
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin" and r.headers["cache-control"] == "no-store"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    big = client.post("/login", content=b"x" * (200 * 1024), headers={"content-type": "application/x-www-form-urlencoded"})
    assert big.status_code == 413


class _Cuttable:
    """A TCP forwarder to the real OpenSearch that the test can cut and restore: the fault
    (OpenSearch unreachable, then back) that the real server cannot produce on demand."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target, self.up = target, True
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            conn, _ = self.server.accept()
            if not self.up:
                conn.close()
                continue
            upstream = socket.create_connection(self.target)
            for a, b in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def test_without_opensearch_the_service_answers_503_then_recovers_by_itself(ingested_corpus):
    from urllib.parse import urlsplit

    settings = ingested_corpus[0]
    url = urlsplit(settings.opensearch_url)
    proxy = _Cuttable((url.hostname, url.port))
    cut = settings.model_copy(update={"opensearch_url": f"http://127.0.0.1:{proxy.port}", "opensearch_timeout": 3})
    headers = {"Authorization": f"Bearer {api_key(settings)}"}
    with TestClient(create_app(cut), headers=headers) as c:
        assert c.get("/api/v1/search").status_code == 200
        proxy.up = False
        c.app.state.index.client.transport.close()  # drop kept-alive connections, as a restart would
        down = c.get("/api/v1/search", params={"q": "Nguyễn Văn An"})
        assert down.status_code == 503 and down.headers["retry-after"]
        assert "Nguyễn" not in down.text and "thử lại" in down.json()["detail"]
        assert c.get("/readyz").status_code == 503
        proxy.up = True
        assert c.get("/readyz").status_code == 200
        assert c.get("/api/v1/search").status_code == 200


def test_the_api_docs_are_served_from_here_not_from_a_cdn(client):
    page = client.get("/docs")
    assert page.status_code == 200 and "content-security-policy" in page.headers
    scripts = re.findall(r'<script src="([^"]+)"', page.text) + re.findall(r'href="([^"]+\.css)"', page.text)
    assert scripts and all(s.startswith("/static/") for s in scripts), scripts
    assert all(client.get(s).status_code == 200 for s in scripts)
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_a_citizen_login_gives_the_session_a_new_token(client, ingested_corpus):
    """A token planted before the citizen proves their records (a fixation) opens nothing."""
    cccd, code, own = _citizen(ingested_corpus[3])
    client.get("/citizen")
    before = client.cookies.get("tracuu_session")
    assert _citizen_login(client, cccd, code).status_code == 303
    after = client.cookies.get("tracuu_session")
    assert before and after and before != after
    with TestClient(create_app(ingested_corpus[0])) as planted:
        planted.cookies.set("tracuu_session", before)
        assert planted.get(f"/citizen/records/{own}", follow_redirects=False).status_code != 200


# -- issue #20, items 3 and 6 ---------------------------------------------------------------


def test_a_fresh_installation_answers_empty_not_500(fresh_settings):
    """Before the first ingest there is no index behind the alias: every page and API call
    that searches answers 'nothing found', not 500 (index_not_found_exception)."""
    from helpers import api_key

    key = api_key(fresh_settings, "search", "lookup", "read")
    with TestClient(create_app(fresh_settings), raise_server_exceptions=False) as web:
        log_in(web, fresh_settings)
        for path in ("/", "/?q=giấy+phép", "/reports", "/reports/reuse", "/reports/quality",
                     "/reports/six-monthly?from=2025-01-01&to=2025-06-30"):
            assert web.get(path).status_code == 200, path
        for path, params in (("/api/v1/search", {"q": "giấy phép"}), ("/api/v1/lookup", {"subject_id": "001085012345"})):
            r = web.get(path, params=params, headers={"Authorization": f"Bearer {key}"})
            assert r.status_code == 200, (path, r.text)
        web.cookies.clear()
        assert _citizen_login(web, "001085012345", "000.00.12.H06-260101-0001").status_code in (400, 200)


def test_an_html_original_is_a_sandboxed_download_never_a_page_of_ours(fresh_settings, tmp_path):
    """An HTML original (a meta refresh to a phishing page, a script) is never rendered from
    our origin: always an attachment, with a sandboxing CSP."""
    from archive.bags import write_bag
    from archive.records import Record
    from search.index import RecordIndex

    original = tmp_path / "ket-qua.html"
    original.write_text('<meta http-equiv="refresh" content="0;url=https://evil.example"><script>alert(1)</script>')
    record = Record(id="ab" * 12, text="Giấy xác nhận", source_filename="ket-qua.html")
    write_bag(fresh_settings.archive_dir, record, original, None)
    index = RecordIndex.from_settings(fresh_settings)
    index.ensure()
    index.put(record)
    with TestClient(create_app(fresh_settings)) as web:
        log_in(web, fresh_settings)
        for download in ("false", "true"):  # shown in the page, or downloaded: a download either way
            r = web.get(f"/records/{record.id}/file", params={"variant": "original", "download": download})
            assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment"), download
            assert "sandbox" in r.headers["content-security-policy"]
    index.drop()


def test_a_report_cell_that_looks_like_a_formula_stays_text():
    import datetime as dt
    import io

    import openpyxl

    from search.reports import ReportRow, SixMonthReport, parse_phases
    from web.report_files import to_xlsx

    evil = ReportRow(agency='=HYPERLINK("https://evil.example","Sở Tư pháp")', digitized_in_period=1,
                     digitized_total=1, by_phase={}, valid=1, reused_in_period=0)
    report = SixMonthReport(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 6, 30), agency=None,
                            generated_at=dt.datetime(2025, 7, 1, tzinfo=dt.timezone.utc),
                            phases=parse_phases("2022-07-01..=Từ 7/2022"), rows=[evil], total=evil)
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(report))).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_client_behind_a_proxy_counts_only_when_that_proxy_is_trusted(ingested_corpus):
    """Behind a reverse proxy every citizen connects from the proxy's address: without
    TRACUU_TRUSTED_PROXIES a forged X-Forwarded-For is ignored (it cannot buy a fresh
    allowance); with the proxy listed, each citizen it names has an allowance of their own."""
    settings = ingested_corpus[0]

    def guesses(app_settings, forwarded_for: list[str]) -> list[int]:
        with TestClient(create_app(app_settings), client=("10.0.0.5", 50000)) as c:
            return [c.post("/citizen", headers={"X-Forwarded-For": ip},
                           data={"subject_id": f"0020850{i:05d}", "dossier_code": "000.00.00.H00-000000-0000",
                                 "csrf_token": csrf_of(c.get("/citizen").text)}).status_code
                    for i, ip in enumerate(forwarded_for)]

    forged = [f"203.0.113.{i}" for i in range(11)]
    assert guesses(settings, forged)[-1] == 429  # one client, whatever the header says
    trusted = settings.model_copy(update={"trusted_proxies": "10.0.0.0/24"})
    assert guesses(trusted, [f"198.51.100.{i}" for i in range(11)]) == [400] * 11
    assert guesses(trusted, ["198.51.100.77"] * 11)[-1] == 429  # one citizen through the proxy


def test_a_trusted_proxy_setting_that_is_not_an_address_is_refused_at_start():
    from search.config import Settings

    with pytest.raises(ValueError, match="không phải địa chỉ IP"):
        Settings(trusted_proxies="proxy.example")


@pytest.mark.parametrize("params", [{"status": "ZZQ<i>x</i>"}, {"year": "ZZQ19"}])
def test_an_error_names_what_is_allowed_never_what_was_typed(client, ingested_corpus, params):
    """Issue #20, item 3: a message that repeats the input reflects whatever a link carries
    into our pages and answers."""
    settings = ingested_corpus[0]
    searcher = {"Authorization": f"Bearer {api_key(settings, 'search')}"}
    answer = client.get("/api/v1/search", params={"q": "giấy phép", **params}, headers=searcher)
    assert answer.status_code == 400 and "ZZQ" not in answer.text
    log_in(client, settings)
    page = client.get("/", params={"q": "giấy phép", **params})
    messages = re.findall(r'class="alert"[^>]*>(.*?)</(?:div|p)>', page.text, re.S)
    assert messages and not any("ZZQ" in m for m in messages)
    report = client.get("/reports/reuse", params={"by": "ZZQ<i>x</i>"})
    assert "ZZQ" not in report.text


def test_a_subject_export_holds_their_results_their_files_and_who_looked(client, ingested_corpus, monkeypatch,
                                                                          tmp_path):
    """Issue #20, personal-data rights: `tracuu subject export` gives a person everything
    held about them — every result as archived (and none of anyone else's), the files, and
    who looked — and the export is itself audited."""
    from search.config import get_settings
    from tracuu.cli import app

    settings, _, _, truth = ingested_corpus
    cccd, _, looked_at = _citizen(truth)
    own = set(_records(truth, lambda t: t["in_manifest"] and t["fields"].get("subject_id") == cccd))
    log_in(client, settings)
    client.get(f"/records/{looked_at}")
    for name, value in (("TRACUU_DATA_DIR", str(settings.data_dir)), ("TRACUU_DATABASE_URL", settings.database_dsn()),
                        ("TRACUU_INDEX", settings.index)):
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    out = tmp_path / "export.json"
    grouped = " ".join(cccd[i:i + 3] for i in range(0, 12, 3))  # typed in groups, as on the card
    try:
        result = CliRunner().invoke(app, ["subject", "export", grouped, "--out", str(out)])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["subject_id"] == cccd
    assert {r["record"]["id"] for r in document["results"]} >= own
    assert all(r["record"]["subject_id"] == cccd for r in document["results"])
    assert all("record.json" in r["files"] for r in document["results"])
    assert any(e["action"] == "view" and e["record"] == looked_at and e["actor"] == "officer:canbo"
               for e in document["audit_events"])
    export = [e for e in _audit(settings) if e.action == "subject_export"][-1]
    assert export.subject_id == cccd and export.count == len(document["results"])
