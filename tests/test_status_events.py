"""Status over time (issue #17, item 3): revoke, suspend, replace, restore and correct
validity after ingest — in the bag, in the index, in lookup, facets and reports at once —
through the API (scope ``manage``), the record page's form and ``tracuu status``.

Records are archived as ingest leaves them (a bag with the original and record.json, then
the index) on the real OpenSearch; the transition rules are also checked without it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json

import bagit
import pytest
from pydantic import SecretStr
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

from archive.bags import write_bag
from archive.events import StatusChange, StatusRefused, applied
from archive.layout import bag_path, read_record
from archive.records import Record, Status, record_id_for
from search.index import progress
from search.query import today_in_vietnam
from search.reports import parse_phases
from search.validity import SOURCE_FIELDS, status_clause, status_of_source

from helpers import MANAGE_SCOPES, api_key, csrf_of, grant, log_in

TODAY = today_in_vietnam()
ISSUED = dt.date(2023, 3, 1)
NOW = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)


def _record(name: str, **fields) -> Record:
    text = f"Giấy phép xây dựng {name}. Ủy ban nhân dân huyện cấp cho ông Nguyễn Văn {name}."
    values = {"doc_number": f"{len(name)}/GPXD-{name}", "result_type": "giấy phép xây dựng",
              "procedure_code": "1.009999", "procedure_name": "Cấp giấy phép xây dựng",
              "issued_date": ISSUED, "valid_from": ISSUED, "issuing_agency": "UBND huyện Thử",
              "subject_name": f"Nguyễn Văn {name}", "subject_type": "citizen", **fields}
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Record(id=record_id_for(sha), text=text, source_sha256=sha, source_filename=f"{name}.txt", **values)


def _change(action: str, day: dt.date = ISSUED + dt.timedelta(days=400), **more) -> StatusChange:
    return StatusChange.model_validate({"action": action, "effective_date": day, "decision_number": "9/QĐ-UBND",
                                        "reason": "Thử", **more})


# -- the rules, without a server ----------------------------------------------------------


def test_transitions_allowed_and_refused():
    """Every action from every standing: what the module docstring's table says."""
    start = _record("Quy")
    standings = {
        None: start,
        Status.revoked: applied(start, _change("revoke"), "t", NOW),
        Status.suspended: applied(start, _change("suspend"), "t", NOW),
        Status.replaced: applied(start, _change("replace", replaced_by="ab" * 12), "t", NOW, _record("Khac")),
    }
    allowed = {"revoke": {None, Status.suspended}, "suspend": {None}, "replace": {None, Status.suspended},
               "restore": {Status.revoked, Status.suspended, Status.replaced}}
    for action, (standing, record) in itertools.product(allowed, standings.items()):
        extra = {"replaced_by": "cd" * 12} if action == "replace" else {}
        change = _change(action, ISSUED + dt.timedelta(days=500), **extra)
        if standing in allowed[action]:
            after = applied(record, change, "t", NOW, _record("Moi"))
            assert len(after.status_events) == len(record.status_events) + 1
        else:
            with pytest.raises(StatusRefused):
                applied(record, change, "t", NOW, _record("Moi"))


def test_refusals_say_why_in_vietnamese():
    record = _record("Tu")
    cases = [
        (_change("restore"), "không có gì để khôi phục"),
        (_change("revoke", ISSUED - dt.timedelta(days=1)), "trước ngày ban hành"),
        (_change("replace", replaced_by=record.id), "không thể thay thế chính nó"),
        (_change("replace", replaced_by="ef" * 12), "Không có kết quả mã"),
        (_change("validity"), "valid_from"),
        (_change("validity", valid_from=ISSUED), "không có gì để đính chính"),
        (_change("validity", valid_until=ISSUED - dt.timedelta(days=1)), "trước hiệu lực từ"),
        (_change("revoke", replaced_by="ab" * 12), "Chỉ ghi mã kết quả thay thế"),
    ]
    for change, words in cases:
        with pytest.raises(StatusRefused, match=words):
            applied(record, change, "t", NOW)
    for blank in ({"reason": "  "}, {"decision_number": ""}):
        with pytest.raises(ValidationError):  # a reason and the decision's number are required
            _change("revoke", **blank)
    revoked = applied(record, _change("revoke"), "t", NOW)
    with pytest.raises(StatusRefused, match="đã bị thu hồi từ ngày"):
        applied(revoked, _change("revoke"), "t", NOW)
    with pytest.raises(StatusRefused, match="phải có hiệu lực từ ngày đó trở đi"):
        applied(revoked, _change("restore", ISSUED + dt.timedelta(days=10)), "t", NOW)


def test_events_are_cumulative_and_dated():
    """Suspended for two months, restored, revoked in the future: each day has its status,
    and a restore recorded on a mistaken revocation's own day undoes it entirely."""
    r = _record("Nam")
    r = applied(r, _change("suspend", dt.date(2024, 1, 1)), "a", NOW)
    r = applied(r, _change("restore", dt.date(2024, 3, 1)), "b", NOW)
    r = applied(r, _change("revoke", TODAY + dt.timedelta(days=30)), "c", NOW)
    assert [r.status_on(d) for d in (dt.date(2023, 12, 31), dt.date(2024, 1, 1), dt.date(2024, 2, 29),
                                     dt.date(2024, 3, 1), TODAY, TODAY + dt.timedelta(days=30))] == \
        [Status.valid, Status.suspended, Status.suspended, Status.valid, Status.valid, Status.revoked]
    assert (r.status, r.status_since) == (Status.revoked, TODAY + dt.timedelta(days=30))
    undone = applied(r, _change("restore", TODAY + dt.timedelta(days=30)), "d", NOW)
    assert undone.status is None and undone.status_on(TODAY + dt.timedelta(days=400)) == Status.valid
    assert [e.recorded_by for e in undone.status_events] == ["a", "b", "c", "d"]
    assert Record.model_validate_json(undone.model_dump_json()) == undone  # the bag's record.json keeps it all


def test_a_validity_correction_keeps_the_dates_before_and_after():
    r = applied(_record("Sau"), _change("validity", valid_until=dt.date(2024, 6, 30)), "t", NOW)
    e = r.status_events[-1]
    assert (e.validity_before.valid_until, e.validity_after.valid_until) == (None, dt.date(2024, 6, 30))
    assert r.valid_until == dt.date(2024, 6, 30) and r.status_on(dt.date(2024, 7, 1)) == Status.expired
    cleared = applied(r, _change("validity", valid_until=None), "t", NOW)
    assert cleared.valid_until is None and cleared.valid_from == ISSUED  # a date left out is unchanged


def test_a_back_dated_validity_correction_does_not_rewrite_the_standing_before_it():
    """Written by hand, not derived: revoked from 1 June 2024, then a validity correction
    effective 1 January 2024 made the record 'revoked' from its first day; and a manifest
    revocation restored on 1 May vanished before a validity correction dated 1 March."""
    r = applied(_record("Chín"), _change("revoke", dt.date(2024, 6, 1)), "a", NOW)
    r = applied(r, _change("validity", dt.date(2024, 1, 1), valid_until=dt.date(2030, 12, 31)), "b", NOW)
    assert [r.status_on(d) for d in (dt.date(2024, 3, 1), dt.date(2024, 6, 1))] == [Status.valid, Status.revoked]

    legacy = applied(_record("Mười", status="revoked"), _change("restore", dt.date(2024, 5, 1)), "a", NOW)
    legacy = applied(legacy, _change("validity", dt.date(2024, 3, 1), valid_until=dt.date(2030, 12, 31)), "b", NOW)
    assert [legacy.status_on(d) for d in (dt.date(2024, 1, 1), dt.date(2024, 5, 1))] == [Status.revoked,
                                                                                          Status.valid]


def test_a_manifest_revocation_without_events_stays_revoked_and_can_be_restored():
    legacy = _record("Bay", status="revoked")
    assert legacy.status_on(ISSUED) == legacy.status_on(TODAY) == Status.revoked
    restored = applied(legacy, _change("restore", dt.date(2024, 5, 1)), "t", NOW)
    assert restored.status_events[0].status_before == Status.revoked
    assert restored.status_on(dt.date(2024, 4, 30)) == Status.revoked
    assert restored.status_on(dt.date(2024, 5, 1)) == Status.valid


def test_a_result_not_yet_in_force_is_not_valid():
    r = _record("Tam", valid_from=TODAY + dt.timedelta(days=10))
    assert r.status_on(TODAY) == Status.not_yet_valid
    assert r.status_on(TODAY + dt.timedelta(days=10)) == Status.valid


# -- against the real OpenSearch ----------------------------------------------------------


@pytest.fixture(scope="module")
def world(settings, record_index, tmp_path_factory):
    """Records archived and indexed as ingest leaves them, by name."""
    originals = tmp_path_factory.mktemp("originals")
    records = {
        "revoke": _record("An", subject_id="001085000001"),
        "future": _record("Binh", subject_id="001085000002", valid_from=TODAY + dt.timedelta(days=30)),
        "suspend": _record("Cuong", subject_id="001085000003"),
        "old": _record("Dung", subject_id="001085000004"),
        "new": _record("Dung moi", subject_id="001085000004", issued_date=dt.date(2024, 5, 2)),
        "bad": _record("Giang", subject_id="001085000005"),
        "form": _record("Hoa", subject_id="001085000006"),
        "cli": _record("Khanh", subject_id="001085000007"),
        "denied": _record("Lan", subject_id="001085000008"),
    }
    for record in records.values():
        original = originals / record.source_filename
        original.write_text(record.text, encoding="utf-8")
        write_bag(settings.archive_dir, record, original, None)
        record_index.put(record)
    return records


@pytest.fixture(scope="module")
def system(settings, world):
    """Another system whose API key holds the ``manage`` scope."""
    from web.app import create_app

    with TestClient(create_app(settings),
                    headers={"Authorization": f"Bearer {api_key(settings, *MANAGE_SCOPES, name='sở xây dựng')}"}) as c:
        yield c


def _lookup(client, record: Record, status: str) -> set[str]:
    r = client.get("/api/v1/lookup", params={"subject_id": record.subject_id, "status": status})
    assert r.status_code == 200, r.text
    return {h["id"] for h in r.json()["records"]}


def _post(client, record_id: str, action: str, **body):
    return client.post(f"/api/v1/records/{record_id}/status",
                       json={"action": action, "effective_date": TODAY.isoformat(), "decision_number": "125/QĐ-UBND",
                             "reason": "Vi phạm điều kiện cấp phép", **body})


def _audit(settings):
    from database.audit import AuditLog

    log = AuditLog.of(settings)
    try:
        return list(log.events())
    finally:
        log.close()


@pytest.mark.opensearch
def test_revoking_a_valid_permit_through_the_api(settings, record_index, world, system):
    record = world["revoke"]
    phases = parse_phases(settings.report_phases)
    valid_before = progress(record_index, phases).valid
    assert record.id in _lookup(system, record, "valid")

    r = _post(system, record.id, "revoke")
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "revoked" and r.json()["events"][-1]["decision_number"] == "125/QĐ-UBND"

    # lookup, search facets and filters, reports: at once
    assert record.id not in _lookup(system, record, "valid")
    assert record.id in _lookup(system, record, "revoked")
    found = system.get("/api/v1/search", params={"q": "Nguyễn Văn An", "status": "revoked"}).json()
    assert [(h["id"], h["status"]) for h in found["hits"]] == [(record.id, "revoked")]
    facet = {f["value"]: f["count"] for f in system.get("/api/v1/search").json()["facets"]["status"]}
    assert facet["revoked"] == 1
    assert progress(record_index, phases).valid == valid_before - 1

    # the bag holds the event, and its fixity is renewed
    raw = json.loads((bag_path(settings.archive_dir, record.id) / "data" / "record.json").read_text(encoding="utf-8"))
    assert raw["status_events"][-1]["decision_number"] == "125/QĐ-UBND" and raw["status"] == "revoked"
    bagit.Bag(str(bag_path(settings.archive_dir, record.id))).validate()
    assert read_record(settings.archive_dir, record.id).status_on(TODAY) == Status.revoked

    # the record page says so, with the decision's number
    from web.app import create_app

    with TestClient(create_app(settings)) as officer:
        log_in(officer, settings)
        page = officer.get(f"/records/{record.id}").text
    assert "Đã thu hồi" in page and "125/QĐ-UBND" in page and "Vi phạm điều kiện cấp phép" in page
    assert 'action="/records/' + record.id + '/status"' not in page  # no right, no form
    assert 'action="/records/' + record.id + '/reuse"' not in page  # a revoked result is not reused

    assert any(e.action == "status_revoke" and e.record_id == record.id and "sở xây dựng" in e.actor
               for e in _audit(settings))


@pytest.mark.opensearch
def test_a_result_with_valid_from_in_the_future_is_not_yet_valid(world, system):
    record = world["future"]
    assert record.id not in _lookup(system, record, "valid")
    assert record.id in _lookup(system, record, "not_yet_valid")
    hit = system.get("/api/v1/lookup", params={"subject_id": record.subject_id, "status": "not_yet_valid"}).json()
    assert hit["records"][0]["status"] == "not_yet_valid"


@pytest.mark.opensearch
def test_suspend_then_restore(world, system):
    record = world["suspend"]
    assert _post(system, record.id, "suspend", reason="Tạm dừng để thanh tra").status_code == 201
    assert record.id in _lookup(system, record, "suspended")
    assert record.id not in _lookup(system, record, "valid")
    r = _post(system, record.id, "restore", decision_number="130/QĐ-UBND", reason="Đã khắc phục")
    assert r.status_code == 201, r.text
    assert record.id in _lookup(system, record, "valid")
    history = system.get(f"/api/v1/records/{record.id}/status").json()
    assert history["status"] == "valid"
    assert [(e["action"], e["status_before"]) for e in history["events"]] == [("suspend", None),
                                                                               ("restore", "suspended")]


@pytest.mark.opensearch
def test_replace_by_another_record(settings, world, system):
    old, new = world["old"], world["new"]
    assert _post(system, old.id, "replace", replaced_by=old.id).status_code == 409
    unknown = _post(system, old.id, "replace", replaced_by="f" * 24)
    assert unknown.status_code == 409 and "Không có kết quả mã" in unknown.json()["detail"]

    r = _post(system, old.id, "replace", replaced_by=new.id, reason="Cấp lại giấy phép điều chỉnh")
    assert r.status_code == 201, r.text
    assert r.json()["replaced_by"] == new.id
    assert _lookup(system, old, "valid") == {new.id}  # one subject: the new permit holds, the old does not
    assert _lookup(system, old, "replaced") == {old.id}
    assert system.get(f"/api/v1/records/{old.id}").json()["replaced_by"] == new.id
    bagit.Bag(str(bag_path(settings.archive_dir, old.id))).validate()

    from web.app import create_app

    with TestClient(create_app(settings)) as officer:
        log_in(officer, settings)
        old_page = officer.get(f"/records/{old.id}").text
        new_page = officer.get(f"/records/{new.id}").text
    assert "Đã được thay thế" in old_page and f'href="/records/{new.id}"' in old_page
    assert "Kết quả này thay thế cho" in new_page and f'href="/records/{old.id}"' in new_page


@pytest.mark.opensearch
def test_without_the_manage_right_nothing_changes(settings, world):
    from web.app import create_app

    record = world["denied"]
    before = (bag_path(settings.archive_dir, record.id) / "data" / "record.json").read_bytes()
    reader = {"Authorization": f"Bearer {api_key(settings, name='một cửa')}"}
    with TestClient(create_app(settings)) as client:
        r = client.post(f"/api/v1/records/{record.id}/status", headers=reader,
                        json={"action": "revoke", "effective_date": TODAY.isoformat(), "decision_number": "1/QĐ",
                              "reason": "x"})
        assert r.status_code == 403 and "manage" in r.json()["detail"]
        # an officer's session does not hold the right by default, neither for the API nor the form
        log_in(client, settings, login="canbo2")
        page = client.get(f"/records/{record.id}").text
        token = csrf_of(page)
        assert "Ghi quyết định" not in page
        r = client.post(f"/api/v1/records/{record.id}/status", headers={"X-CSRF-Token": token},
                        json={"action": "revoke", "effective_date": TODAY.isoformat(), "decision_number": "1/QĐ",
                              "reason": "x"})
        assert r.status_code == 403
        r = client.post(f"/records/{record.id}/status", data={"action": "revoke", "csrf_token": token,
                                                               "effective_date": TODAY.isoformat(),
                                                               "decision_number": "1/QĐ", "reason": "x"})
        assert r.status_code == 403 and "quyền" in r.text
    assert (bag_path(settings.archive_dir, record.id) / "data" / "record.json").read_bytes() == before
    denials = [e for e in _audit(settings) if e.outcome == "denied" and "/status" in (e.detail or "")]
    assert {e.action for e in denials} == {"key_denied", "right_denied"}


@pytest.mark.opensearch
def test_impossible_transitions_answer_4xx_in_vietnamese(world, system):
    record = world["bad"]
    cases = [
        (_post(system, record.id, "restore"), 409, "không có gì để khôi phục"),
        (_post(system, record.id, "revoke", effective_date="2020-01-01"), 409, "trước ngày ban hành"),
        (_post(system, record.id, "revoke", reason=""), 422, "reason"),
        (_post(system, record.id, "suspend", decision_number=" "), 422, "decision_number"),
        (_post(system, record.id, "validity"), 409, "Đính chính thời hạn cần"),
        (_post(system, record.id, "revoke", effective_date="31/02/2025"), 422, "Tham số không hợp lệ"),
        (_post(system, record.id, "cancel"), 422, "Tham số không hợp lệ"),
        (_post(system, "0" * 24, "revoke"), 404, "Không tìm thấy"),
    ]
    for r, status, words in cases:
        assert r.status_code == status, r.text
        assert words in r.json()["detail"], r.json()
    assert _post(system, record.id, "revoke").status_code == 201
    again = _post(system, record.id, "suspend")
    assert again.status_code == 409 and "đã bị thu hồi" in again.json()["detail"]


@pytest.mark.opensearch
def test_the_record_page_form_for_an_officer_given_the_right(settings, world, system):
    from web.app import create_app

    record = world["form"]
    with TestClient(create_app(settings)) as client:
        log_in(client, settings, login="quanly")
        grant(settings, "quanly")
        page = client.get(f"/records/{record.id}").text
        assert f'action="/records/{record.id}/status"' in page and "Ghi quyết định" in page
        token = csrf_of(page)
        form = {"action": "suspend", "effective_date": TODAY.isoformat(), "decision_number": "77/QĐ-SXD",
                "reason": "Thanh tra công trình", "valid_from": "2023-03-01", "replaced_by": ""}
        assert client.post(f"/records/{record.id}/status", data=form).status_code == 403  # no CSRF token
        r = client.post(f"/records/{record.id}/status", data={**form, "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303, r.text
        page = client.get(r.headers["location"]).text
        assert "Tạm đình chỉ" in page and "77/QĐ-SXD" in page and "Thanh tra công trình" in page
        assert "Đã ghi quyết định" in page
        # The same decision sent twice (a double click, a retry) is recorded once …
        again = client.post(f"/records/{record.id}/status", data={**form, "csrf_token": token}, follow_redirects=False)
        assert again.status_code == 303
        assert len(read_record(settings.archive_dir, record.id).status_events) == 1
        # … another suspension of a suspended result is refused, saying why.
        refused = client.post(f"/records/{record.id}/status",
                              data={**form, "decision_number": "78/QĐ-SXD", "csrf_token": token})
        assert refused.status_code == 400 and "chỉ tạm đình chỉ được kết quả đang còn hiệu lực" in refused.text
        assert 'value="78/QĐ-SXD"' in refused.text  # what the clerk typed is kept
        no_reason = client.post(f"/records/{record.id}/status", data={**form, "reason": "", "csrf_token": token})
        assert no_reason.status_code == 400 and "Cần ghi lý do" in no_reason.text
        bad_date = client.post(f"/records/{record.id}/status",
                               data={**form, "action": "restore", "effective_date": "hôm nay", "csrf_token": token})
        assert bad_date.status_code == 400 and "Ngày không hợp lệ" in bad_date.text
        grant(settings, "quanly", held=False)
        assert "Ghi quyết định" not in client.get(f"/records/{record.id}").text  # taken back: at the next request
    assert _lookup(system, record, "suspended") == {record.id}
    with TestClient(create_app(settings)) as admin:
        log_in(admin, settings, login="quantri", role="admin")
        assert f'action="/records/{record.id}/status"' in admin.get(f"/records/{record.id}").text


@pytest.mark.opensearch
def test_the_command_line_revokes_and_shows_the_history(settings, world, system, monkeypatch):
    from search.config import get_settings
    from tracuu.status_cli import status_app

    record = world["cli"]
    for name, value in (("TRACUU_INDEX", settings.index), ("TRACUU_DATA_DIR", str(settings.data_dir)),
                        ("TRACUU_OPENSEARCH_URL", settings.opensearch_url),
                        ("TRACUU_DATABASE_URL", settings.database_dsn())):
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        for command in ("revoke", "suspend", "replace", "restore", "validity", "history", "allow"):
            assert runner.invoke(status_app, [command, "--help"]).exit_code == 0, command
        refused = runner.invoke(status_app, ["restore", record.id, "-d", "1/QĐ", "-r", "thử"])
        assert refused.exit_code == 2 and "không có gì để khôi phục" in refused.output
        done = runner.invoke(status_app, ["revoke", record.id, "--decision", "200/QĐ-UBND", "--reason",
                                          "Cấp sai đối tượng", "--effective", TODAY.strftime("%d/%m/%Y"),
                                          "--actor", "nguyenvana"])
        assert done.exit_code == 0, done.output
        assert done.stdout.split("\t")[:2] == [record.id, "revoked"]
        shown = runner.invoke(status_app, ["history", record.id])
        assert shown.exit_code == 0 and "Thu hồi" in shown.stdout and "200/QĐ-UBND" in shown.stdout
        assert "nguyenvana" in shown.stdout
        as_json = json.loads(runner.invoke(status_app, ["history", record.id, "--json"]).stdout)
        assert as_json["status"] == "revoked" and as_json["events"][0]["reason"] == "Cấp sai đối tượng"
        assert runner.invoke(status_app, ["history", "0" * 24]).exit_code == 4
    finally:
        get_settings.cache_clear()
    assert record.id in _lookup(system, record, "revoked")
    bagit.Bag(str(bag_path(settings.archive_dir, record.id))).validate()
    assert any(e.action == "status_revoke" and e.actor == "nguyenvana" for e in _audit(settings))


# -- the model and the query language agree -------------------------------------------------


def _grid_records() -> list[Record]:
    """Records in every shape of status: dates, events past and future, a manifest's revocation."""
    d = dt.date
    base = [
        _record("g1"),
        _record("g2", valid_from=d(2024, 6, 1), valid_until=d(2024, 12, 31)),
        _record("g3", valid_from=None, valid_until=d(2024, 3, 31)),
        _record("g4", status="revoked"),
        _record("g5", status="revoked", valid_until=d(2024, 1, 31)),
        _record("g6", valid_from=d(2024, 9, 1)),
    ]
    r7 = applied(_record("g7", valid_until=d(2024, 12, 31)), _change("suspend", d(2024, 2, 1)), "t", NOW)
    r7 = applied(r7, _change("restore", d(2024, 4, 1)), "t", NOW)
    r7 = applied(r7, _change("revoke", d(2024, 10, 1)), "t", NOW)
    r8 = applied(_record("g8"), _change("replace", d(2024, 5, 1), replaced_by=base[0].id), "t", NOW, base[0])
    r9 = applied(_record("g9", status="revoked"), _change("restore", d(2024, 3, 1)), "t", NOW)
    r9 = applied(r9, _change("validity", d(2024, 3, 1), valid_until=d(2024, 8, 31)), "t", NOW)
    r10 = applied(_record("g10"), _change("revoke", d(2024, 7, 1)), "t", NOW)
    r10 = applied(r10, _change("restore", d(2024, 7, 1)), "t", NOW)  # undone the same day
    r11 = applied(_record("g11", valid_from=d(2024, 8, 1)), _change("suspend", d(2024, 6, 1)), "t", NOW)
    return [*base, r7, r8, r9, r10, r11]


GRID_DAYS = [dt.date(2023, 1, 1), dt.date(2024, 1, 31), dt.date(2024, 2, 1), dt.date(2024, 3, 1),
             dt.date(2024, 3, 31), dt.date(2024, 4, 1), dt.date(2024, 5, 1), dt.date(2024, 6, 1),
             dt.date(2024, 7, 1), dt.date(2024, 8, 31), dt.date(2024, 9, 1), dt.date(2024, 10, 1),
             dt.date(2025, 1, 1)]


@pytest.mark.opensearch
def test_the_model_and_the_query_agree_on_a_grid_of_records_and_days(fresh_index):
    fresh_index.ensure()
    records = _grid_records()
    for record in records:
        fresh_index.put(record)
    ids = {r.id for r in records}
    seen = set()
    for day in GRID_DAYS:
        hits = fresh_index.search({"size": 100, "_source": ["id", *SOURCE_FIELDS],
                                   "query": {"terms": {"id": sorted(ids)}}})["hits"]["hits"]
        from_source = {h["_source"]["id"]: status_of_source(h["_source"], day) for h in hits}
        for status in Status:
            body = {"size": 100, "_source": ["id"], "query": {"bool": {"filter": [
                {"terms": {"id": sorted(ids)}}, status_clause(status, day)]}}}
            got = {h["_source"]["id"] for h in fresh_index.search(body)["hits"]["hits"]}
            want = {r.id for r in records if r.status_on(day) == status}
            assert got == want, (day, status)
            assert {i for i, s in from_source.items() if s == status} == want, (day, status)
            seen |= {status} if want else set()
    assert seen == set(Status)  # the grid reaches every status


@pytest.mark.opensearch
def test_an_index_made_before_status_periods_still_answers_every_status(record_index):
    """``ignore_unmapped``: until ``ensure`` or a reindex adds the fields, a manifest's
    revocation is still told apart, and no status filter fails."""
    old = f"{record_index.alias}-before-events"
    client = record_index.client
    client.indices.create(index=old, body={"mappings": {"dynamic": "strict", "properties": {
        "id": {"type": "keyword"}, "status": {"type": "keyword"},
        "valid_from": {"type": "date"}, "valid_until": {"type": "date"}}}})
    try:
        client.index(index=old, id="a", body={"id": "a", "status": "revoked"}, refresh=True)
        client.index(index=old, id="b", body={"id": "b", "valid_until": "2020-01-01"}, refresh=True)
        got = {s.value: [h["_id"] for h in client.search(index=old, body={"query": status_clause(s, TODAY)})
                         ["hits"]["hits"]] for s in Status}
        assert got == {"revoked": ["a"], "expired": ["b"], "valid": [], "not_yet_valid": [], "suspended": [],
                       "replaced": []}
    finally:
        client.indices.delete(index=old)


def test_an_accounts_file_from_before_rights_is_imported_without_rights(settings, databases, tmp_path):
    import sqlite3

    from database.accounts import AccountStore, Role, Scope
    from database.upgrade import import_old_files

    old = settings.model_copy(update={"data_dir": tmp_path / "old", "database_url": SecretStr(databases())})
    old.data_dir.mkdir()
    with sqlite3.connect(old.data_dir / "accounts.sqlite3") as db:  # the schema before rights
        db.execute("CREATE TABLE users (login TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, "
                   "failures INTEGER NOT NULL DEFAULT 0, locked_until TEXT, disabled INTEGER NOT NULL DEFAULT 0, "
                   "created_at TEXT NOT NULL)")
        db.execute("INSERT INTO users (login, role, password_hash, created_at) VALUES ('cu', 'officer', 'x', 'now')")
    assert import_old_files(old)
    store = AccountStore.of(old)
    assert store.get_user("cu").holds == frozenset()
    assert Scope.manage in store.set_right("cu", "manage").holds
    assert store.set_right("cu", Scope.manage, held=False).holds == frozenset()
    store.add_user("sep", Role.admin, "mat-khau-dai-du")
    assert Scope.manage in store.get_user("sep").holds  # admins hold it without being given it
    with pytest.raises(Exception, match="Quyền không hợp lệ"):
        store.set_right("cu", "ingest")
