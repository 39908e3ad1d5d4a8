"""A data subject's rights (Decree 13/2023), end to end.

Restriction: an admin restricts a CCCD on the admin page; officers and other systems no
longer find or open its results (search, record page, file, API, lookup, the review list)
and are told why; an admin still does; the reports count the same; every step is in the
audit log; lifting it brings everything back. The CLI does the same through `tracuu subject
restrict|lift`.

Erasure: a subject's results no longer in force lose the name, the identifier, the address,
the summary, the text and their files; a result still in force is kept whole with
the reason written into it; the reports count the same; the bags still verify."""

from __future__ import annotations

import bagit
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from helpers import api_key, csrf_of, ingested_sample, log_in
from archive.layout import bag_path, read_record
from archive.records import record_id_for
from database.audit import AuditLog
from search.config import Settings
from search.index import progress
from search.query import today_in_vietnam
from search.reports import parse_phases
from web.app import create_app

pytestmark = [pytest.mark.opensearch, pytest.mark.tika]


@pytest.fixture(scope="module")
def archive(running_services, databases, tmp_path_factory):
    """Born-digital results, every one in the manifest: (settings, index, truth rows)."""
    settings, index, truth = ingested_sample(running_services, databases, tmp_path_factory, "rights",
                                             n=12, seed=31, scanned_share=0.0, manifest_share=1.0)
    yield settings, index, truth
    index.drop()
    index.client.close()


def _subject(truth: list[dict], nth: int = 0) -> tuple[str, str, list[str]]:
    """The ``nth`` citizen of the sample: CCCD, name, ids of their results."""
    rows = [t for t in truth if t["fields"].get("subject_type") == "citizen" and t["fields"].get("subject_id")]
    sid = list(dict.fromkeys(t["fields"]["subject_id"] for t in rows))[nth]
    row = next(t for t in rows if t["fields"]["subject_id"] == sid)
    ids = [record_id_for(t["sha256"]) for t in truth if t["fields"].get("subject_id") == sid]
    return sid, row["fields"]["subject_name"], ids


def _found(client: TestClient, q: str) -> set[str]:
    return {h["id"] for h in client.get("/api/v1/search", params={"q": q, "size": 50}).json()["hits"]}


def _page_ids(client: TestClient, q: str) -> str:
    r = client.get("/", params={"q": q})
    assert r.status_code == 200
    return r.text


def test_a_restriction_hides_a_subjects_results_from_all_but_the_named_roles(archive):
    settings, index, truth = archive
    sid, name, ids = _subject(truth)
    phases = parse_phases(settings.report_phases)
    counted = progress(index, phases)
    with TestClient(create_app(settings)) as admin_client, TestClient(create_app(settings)) as officer, \
            TestClient(create_app(settings), headers={"Authorization": f"Bearer {api_key(settings)}"}) as system:
        log_in(admin_client, settings, "quantri", "admin")
        log_in(officer, settings, "canbo", "officer")
        assert set(ids) <= _found(officer, sid) and set(ids) <= _found(system, sid)
        assert all(i in _page_ids(officer, sid) for i in ids)

        token = csrf_of(admin_client.get("/admin").text)
        grouped = f"{sid[:3]}.{sid[3:6]}.{sid[6:]}"  # as a clerk types it from the card: the same subject
        r = admin_client.post("/admin/subjects/restrict", follow_redirects=False,
                              data={"subject_id": grouped, "reason": "Đơn yêu cầu số 12 ngày 28/11/2026",
                                    "csrf_token": token})
        assert r.status_code == 303
        page = admin_client.get("/admin").text
        assert sid in page and "Đơn yêu cầu số 12" in page

        # Officers and systems: not in any search, by CCCD or by name; told why when asking directly.
        assert not set(ids) & _found(officer, sid) and not set(ids) & _found(system, sid)
        assert not set(ids) & _found(officer, name) and not set(ids) & _found(system, name)
        assert not any(i in _page_ids(officer, sid) for i in ids)
        for client, path in ((officer, f"/records/{ids[0]}"), (officer, f"/records/{ids[0]}/file"),
                             (system, f"/api/v1/records/{ids[0]}"), (system, f"/api/v1/records/{ids[0]}/file"),
                             (system, f"/api/v1/records/{ids[0]}/similar")):
            r = client.get(path)
            assert r.status_code == 403, path
            assert "hạn chế xử lý" in r.text, path
        r = system.get("/api/v1/lookup", params={"subject_id": sid, "status": "valid"})
        assert r.status_code == 403 and "hạn chế xử lý" in r.json()["detail"]  # not "holds nothing"
        assert not any(i in officer.get("/reports/quality").text for i in ids)

        # An admin (TRACUU_RESTRICTED_ROLES) still finds and opens them, and can give the
        # subject everything held about them, in a file named for no one.
        assert set(ids) <= _found(admin_client, sid)
        assert admin_client.get(f"/records/{ids[0]}").status_code == 200
        export = admin_client.get("/admin/subjects/export", params={"subject_id": grouped})
        assert export.status_code == 200 and sid not in export.headers["content-disposition"]
        assert {r["record"]["id"] for r in export.json()["results"]} == set(ids)
        assert officer.get("/admin/subjects/export", params={"subject_id": sid}).status_code == 403

        # The results stay in the archive and in the counts, which name no one.
        again = progress(index, phases)
        assert (again.total, again.valid, again.by_phase) == (counted.total, counted.valid, counted.by_phase)

        # Every step is in the audit log: the restriction, and each refusal with its reason.
        log = AuditLog.of(settings)
        events = log.query(subject=sid)
        log.close()
        assert any(e.action == "subject_restrict" and e.actor == "quantri" for e in events)
        assert any(e.action == "subject_export" and e.actor == "quantri" for e in events)
        refused = {(e.action, e.actor_kind) for e in events if e.outcome == "restricted"}
        assert {("view", "officer"), ("download", "system"), ("lookup", "system"), ("view", "system")} <= refused

        token = csrf_of(admin_client.get("/admin").text)
        r = admin_client.post(f"/admin/subjects/{sid}/lift", data={"csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303
        assert set(ids) <= _found(officer, sid) and officer.get(f"/records/{ids[0]}").status_code == 200
        assert system.get("/api/v1/lookup", params={"subject_id": sid, "status": "valid"}).status_code == 200


def test_a_restriction_needs_a_reason_and_a_well_formed_identifier(archive):
    settings, _, _ = archive
    with TestClient(create_app(settings)) as admin_client:
        log_in(admin_client, settings, "quantri", "admin")
        token = csrf_of(admin_client.get("/admin").text)
        for data, message in (({"subject_id": "001085012345", "reason": "  "}, "lý do"),
                              ({"subject_id": "12345", "reason": "Đơn số 3"}, "CCCD")):
            r = admin_client.post("/admin/subjects/restrict", data={**data, "csrf_token": token})
            assert r.status_code == 400 and message in r.text
            assert "12345" not in r.text.replace("001085012345", "")  # the input is not echoed
    with TestClient(create_app(settings)) as officer:
        log_in(officer, settings, "canbo", "officer")
        token = csrf_of(officer.get("/").text)
        r = officer.post("/admin/subjects/restrict", data={"subject_id": "001085012345", "reason": "x",
                                                           "csrf_token": token}, follow_redirects=False)
        assert r.status_code in (303, 403) and not settings_restricted(settings)


def settings_restricted(settings: Settings) -> frozenset[str]:
    from database.restrictions import RestrictionStore

    return RestrictionStore.of(settings).subject_ids()


def test_the_cli_restricts_and_lifts_and_both_are_audited(archive, monkeypatch):
    from tracuu.cli import app

    settings, _, truth = archive
    sid, _, _ = _subject(truth)
    for name, value in (("TRACUU_DATA_DIR", str(settings.data_dir)), ("TRACUU_DATABASE_URL", settings.database_dsn()),
                        ("TRACUU_INDEX", settings.index)):
        monkeypatch.setenv(name, value)
    from search.config import get_settings

    get_settings.cache_clear()
    runner = CliRunner()
    r = runner.invoke(app, ["subject", "restrict", sid, "--reason", "Đơn số 7"])
    assert r.exit_code == 0, r.output
    assert sid in settings_restricted(settings)
    listed = runner.invoke(app, ["subject", "restrictions"])
    assert sid in listed.output and "Đơn số 7" in listed.output
    assert runner.invoke(app, ["subject", "lift", sid]).exit_code == 0
    assert sid not in settings_restricted(settings)
    # Its results are in force: an erasure keeps them whole and says why.
    erased = runner.invoke(app, ["subject", "erase", sid, "--reason", "Đơn số 8", "--yes"])
    assert erased.exit_code == 0, erased.output
    assert "giữ nguyên" in erased.output and "45/2020" in erased.output
    log = AuditLog.of(settings)
    actions = [e.action for e in log.query(subject=sid)]
    log.close()
    assert {"subject_restrict", "subject_lift", "subject_erase"} <= set(actions)
    get_settings.cache_clear()


def test_an_erasure_empties_what_names_the_subject_where_the_duty_allows_and_says_why_where_not(archive):
    settings, index, truth = archive
    gone_sid, gone_name, gone = _subject(truth, 1)
    kept_sid, kept_name, kept = _subject(truth, 2)
    phases = parse_phases(settings.report_phases)
    counted = progress(index, phases)
    today = today_in_vietnam().isoformat()
    with TestClient(create_app(settings)) as admin_client, \
            TestClient(create_app(settings), headers={"Authorization": f"Bearer {api_key(settings)}"}) as system, \
            TestClient(create_app(settings), headers={"Authorization": f"Bearer {api_key(settings, 'manage')}"}) as agency:
        for rid in gone:  # revoked: no longer in force, so nothing keeps its personal data
            r = agency.post(f"/api/v1/records/{rid}/status", json={
                "action": "revoke", "effective_date": today, "decision_number": "5/QĐ-UBND", "reason": "Thu hồi"})
            assert r.status_code == 201, r.text
        log_in(admin_client, settings, "quantri", "admin")
        before = admin_client.get(f"/records/{gone[0]}").text.split('<section class="card similar">')[0]
        assert gone_name.lower() in before.lower()
        assert set(gone) <= _found(admin_client, gone_sid) & _found(admin_client, f'"{gone_name}"')

        def erase(sid: str) -> str:
            token = csrf_of(admin_client.get("/admin").text)
            r = admin_client.post("/admin/subjects/erase", data={"subject_id": sid, "reason": "Đơn yêu cầu xóa số 4",
                                                                 "confirm": "true", "csrf_token": token})
            assert r.status_code == 200, r.text
            return r.text

        assert f"Đã xóa dữ liệu cá nhân khỏi {len(gone)} kết quả; giữ nguyên 0" in erase(gone_sid)
        assert not set(gone) & (_found(admin_client, gone_sid) | _found(admin_client, f'"{gone_name}"'))
        page = admin_client.get(f"/records/{gone[0]}")
        assert page.status_code == 200 and "Nội dung đã xóa theo yêu cầu" in page.text
        own = page.text.split('<section class="card similar">')[0]  # not the list of other, similar results
        assert gone_name.lower() not in own.lower() and gone_sid not in page.text
        assert admin_client.get(f"/records/{gone[0]}/file").status_code == 404
        shown = system.get(f"/api/v1/records/{gone[0]}").json()
        assert shown["subject_name"] is None and shown["subject_id"] is None and shown["doc_number"]
        bag = bagit.Bag(str(bag_path(settings.archive_dir, gone[0])))
        bag.validate()  # the manifests renewed: the bag still verifies
        assert not list((bag_path(settings.archive_dir, gone[0]) / "data").glob("original.*"))
        assert "đã xóa" in (bag_path(settings.archive_dir, gone[0]) / "data" / "text.txt").read_text(encoding="utf-8")

        text = erase(kept_sid)
        assert "giữ nguyên 1" in text or f"giữ nguyên {len(kept)}" in text
        assert "Nghị định 45/2020/NĐ-CP" in text
        assert set(kept) <= _found(admin_client, kept_sid)
        assert kept_name.lower() in admin_client.get(f"/records/{kept[0]}").text.lower()
        refused = read_record(settings.archive_dir, kept[0]).pipeline["erasure_refused"]
        assert refused[-1]["by"] == "quantri" and "45/2020" in refused[-1]["reason"]

    again = progress(index, phases)
    assert (again.total, again.by_phase) == (counted.total, counted.by_phase)
    log = AuditLog.of(settings)
    erasures = [e for e in log.query(action="subject_erase")]
    log.close()
    assert {e.subject_id for e in erasures} >= {gone_sid, kept_sid}
    assert next(e for e in erasures if e.subject_id == gone_sid).count == len(gone)
