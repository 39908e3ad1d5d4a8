"""Reports against the ground truth: a known sample is ingested, reuses are recorded, and
every number of the progress view and of the six-monthly report (page, .xlsx, print) is
recomputed from truth.jsonl and compared."""

from __future__ import annotations

import collections
import datetime as dt
import io
from urllib.parse import parse_qsl, urlencode

import bagit
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from helpers import api_key, csrf_of, ingested_sample, log_in
from archive.layout import bag_path, read_record
from search.index import progress, quality_backlog, six_month_report
from search.query import today_in_vietnam
from archive.records import record_id_for
from search.reports import parse_phases
from web.app import create_app

pytestmark = [pytest.mark.opensearch, pytest.mark.tika]

REUSES = 3  # records reused, the first one twice


@pytest.fixture(scope="module")
def known(running_services, databases, tmp_path_factory):
    """Born-digital results, every one in the manifest: the index holds exactly the truth."""
    settings, index, truth = ingested_sample(running_services, databases, tmp_path_factory, "report", n=24, seed=21,
                                             scanned_share=0.0, manifest_share=1.0, revoked_share=0.15)
    with TestClient(create_app(settings), headers={"Authorization": f"Bearer {api_key(settings)}"}) as system:
        reused = [record_id_for(t["sha256"]) for t in truth[:REUSES]]
        for n, rid in enumerate([reused[0], *reused]):
            r = system.post(f"/api/v1/records/{rid}/reuse", json={"dossier_code": f"000.00.12.H06-261122-{n:04d}"})
            assert r.status_code == 201
    index.client.indices.refresh(index=index.reuse_index)
    yield settings, index, truth, [reused[0], *reused]
    index.drop()
    index.client.close()


def _day(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _expected(truth, reused_ids, phases, on: dt.date):
    """Per agency, from the truth alone: total, by phase, valid on a day, reuses."""
    rows = collections.defaultdict(lambda: {"total": 0, "valid": 0, "reused": 0,
                                            "by_phase": {p.label: 0 for p in phases}})
    by_id = {record_id_for(t["sha256"]): t for t in truth}
    for t in truth:
        f = t["fields"]
        row = rows[f["issuing_agency"]]
        row["total"] += 1
        until = _day(f.get("valid_until"))
        row["valid"] += f.get("status") != "revoked" and (until is None or until >= on)
        for p in phases:
            row["by_phase"][p.label] += p.contains(_day(f["issued_date"]))
    for rid in reused_ids:
        rows[by_id[rid]["fields"]["issuing_agency"]]["reused"] += 1
    return rows


def test_six_monthly_report_matches_the_ground_truth(known):
    settings, index, truth, reused = known
    phases = parse_phases(settings.report_phases)
    today = today_in_vietnam()
    start, end = today - dt.timedelta(days=30), today + dt.timedelta(days=30)
    report = six_month_report(index, start, end, phases)
    expected = _expected(truth, reused, phases, end)
    assert {r.agency for r in report.rows} == set(expected)
    for row in report.rows:
        e = expected[row.agency]
        assert (row.digitized_in_period, row.digitized_total, row.valid, row.reused_in_period, row.by_phase) == \
               (e["total"], e["total"], e["valid"], e["reused"], e["by_phase"]), row.agency
    assert report.total.digitized_total == len(truth) == sum(r.digitized_total for r in report.rows)
    assert report.total.reused_in_period == len(reused)
    assert sum(report.total.by_phase.values()) == len(truth)  # the default phases cover every year

    earlier = six_month_report(index, dt.date(2026, 1, 1), dt.date(2026, 6, 30), phases)
    assert earlier.total.digitized_total == 0 and earlier.total.reused_in_period == 0  # ingested later


def test_the_report_for_one_agency(known):
    settings, index, truth, reused = known
    agency = truth[0]["fields"]["issuing_agency"]
    today = today_in_vietnam()
    report = six_month_report(index, today, today, parse_phases(settings.report_phases), agency)
    assert [r.agency for r in report.rows] == [agency]
    assert report.total.digitized_total == sum(t["fields"]["issuing_agency"] == agency for t in truth)


def test_the_xlsx_and_the_print_page_carry_the_same_numbers(known):
    settings, index, truth, reused = known
    today = today_in_vietnam()
    with TestClient(create_app(settings)) as officer:
        log_in(officer, settings)
        params = {"from": (today - dt.timedelta(days=1)).isoformat(), "to": today.isoformat()}
        xlsx = officer.get("/reports/six-monthly", params={**params, "format": "xlsx"})
        page = officer.get("/reports/six-monthly", params={**params, "format": "print"}).text
        screen = officer.get("/reports/six-monthly", params=params).text
    assert xlsx.status_code == 200 and xlsx.headers["content-disposition"].endswith('.xlsx"')
    report = six_month_report(index, today - dt.timedelta(days=1), today, parse_phases(settings.report_phases))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = {r[1]: r for r in sheet.iter_rows(values_only=True) if r and isinstance(r[0], int)}
    for row in report.rows:
        got = rows[row.agency]
        assert got[2:4] == (row.digitized_in_period, row.digitized_total)
        assert got[-3] == row.valid and got[-1] == row.reused_in_period
    totals = next(r for r in sheet.iter_rows(values_only=True) if r and r[1] == "Tổng cộng")
    assert totals[3] == len(truth) and totals[-1] == len(reused)
    assert "BÁO CÁO KẾT QUẢ SỐ HÓA" in page and "Tổng cộng" in page
    assert "Tải Excel (.xlsx)" in screen


def test_progress_view_counts_and_drill_down(known):
    settings, index, truth, reused = known
    phases = parse_phases(settings.report_phases)
    today = today_in_vietnam()
    p = progress(index, phases, today)
    expected = _expected(truth, reused, phases, today)
    assert p.total == len(truth)
    for row in p.agencies:
        assert (row.total, row.valid, row.by_phase) == (expected[row.agency]["total"], expected[row.agency]["valid"],
                                                       expected[row.agency]["by_phase"])
    kinds = collections.Counter(t["fields"]["result_type"] for t in truth)
    assert {k.result_type: k.total for k in p.kinds} == dict(kinds)

    with TestClient(create_app(settings)) as officer:
        log_in(officer, settings)
        html = officer.get("/reports").text
        row = max(p.agencies, key=lambda r: r.total)
        phase = next(ph for ph in phases if row.by_phase[ph.label])
        drill = urlencode([(k, v) for k, v in (("issuing_agency", row.agency),
                                               ("issued_from", phase.start and phase.start.isoformat()),
                                               ("issued_to", phase.end and phase.end.isoformat())) if v])
        assert f'href="/?{drill}"'.replace("&", "&amp;") in html  # the number links to its records
        found = officer.get("/api/v1/search", params=parse_qsl(drill)).json()
        assert found["total"] == row.by_phase[phase.label]
        assert officer.get("/?" + drill).status_code == 200


def test_reuse_view_counts(known):
    settings, index, truth, reused = known
    with TestClient(create_app(settings)) as officer:
        log_in(officer, settings)
        html = officer.get("/reports/reuse").text
    assert f"<strong>{len(reused)}</strong>" in html
    assert f'/records/{reused[0]}"' in html  # the most reused record is listed


def test_a_correction_is_archived_reindexed_and_keeps_the_original(known):
    settings, index, truth, _ = known
    t = truth[-1]
    rid = record_id_for(t["sha256"])
    before = index.get(rid)
    with TestClient(create_app(settings)) as officer:
        log_in(officer, settings)
        token = csrf_of(officer.get(f"/records/{rid}/correct").text)
        bad = officer.post(f"/records/{rid}/correct", data={"issued_date": "31/02/2020", "csrf_token": token})
        assert bad.status_code == 400 and "issued_date" in bad.text
        r = officer.post(f"/records/{rid}/correct", data={"signer": "Trần Văn Sửa", "csrf_token": token},
                         follow_redirects=False)
        assert r.status_code == 303
    after = index.get(rid)
    assert after.signer == "Trần Văn Sửa" and after.doc_number == before.doc_number
    entry = after.pipeline["corrections"][-1]
    assert entry["by"] == "canbo" and entry["fields"]["signer"] == {"before": before.signer, "after": "Trần Văn Sửa"}
    assert after.pipeline["extracted"] == before.pipeline["extracted"]
    archived = read_record(settings.archive_dir, rid)
    assert archived.signer == "Trần Văn Sửa"
    assert bagit.Bag(str(bag_path(settings.archive_dir, rid))).is_valid()  # fixity renewed
    assert rid not in [i.id for i in quality_backlog(index, 101.0, 1, 100).items]  # reviewed: off the list
    assert index.search({"query": {"match_phrase": {"signer": "Trần Văn Sửa"}}})["hits"]["total"]["value"] == 1


def _now(t, by: str) -> str:
    """The row of a result when the report is per current unit, from the truth alone."""
    from archive.places import current_units
    from search.reports import GROUPS

    f = t["fields"]
    units = current_units(f["province"], f.get("district"), f.get("commune"), _day(f["issued_date"]))
    return getattr(units, by) or GROUPS[by][2]


@pytest.mark.parametrize("by", ["current_province", "current_commune"])
def test_the_reports_group_by_the_units_as_they_are_now(known, by):
    settings, index, truth, reused = known
    phases = parse_phases(settings.report_phases)
    today = today_in_vietnam()
    by_id = {record_id_for(t["sha256"]): t for t in truth}
    totals = collections.Counter(_now(t, by) for t in truth)
    reuses = collections.Counter(_now(by_id[rid], by) for rid in reused)

    p = progress(index, phases, today, by=by)
    assert p.by == by and {r.agency: r.total for r in p.agencies} == dict(totals)
    report = six_month_report(index, today - dt.timedelta(days=30), today + dt.timedelta(days=30), phases, by=by)
    assert {r.agency: r.digitized_total for r in report.rows} == dict(totals)
    assert {r.agency: r.reused_in_period for r in report.rows if r.reused_in_period} == dict(reuses)
    assert report.total.reused_in_period == len(reused)

    with TestClient(create_app(settings)) as officer:
        log_in(officer, settings)
        html = officer.get("/reports", params={"by": by}).text
        row = max((r for r in p.agencies if not r.agency.startswith("(")), key=lambda r: r.total)
        assert f'href="/?{urlencode([(by, row.agency)])}"' in html  # the number links to its records
        assert officer.get("/api/v1/search", params={by: row.agency}).json()["total"] == row.total
        sheet = load_workbook(io.BytesIO(officer.get("/reports/six-monthly", params={
            "by": by, "format": "xlsx", "from": (today - dt.timedelta(days=1)).isoformat(),
            "to": today.isoformat()}).content)).active
        heads = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "STT")
        assert heads[1] == {"current_province": "Tỉnh/thành phố hiện nay", "current_commune": "Xã/phường hiện nay"}[by]
        assert officer.get("/reports", params={"by": "password"}).status_code == 422
