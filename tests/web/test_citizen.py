"""Citizens see their own results — with the CCCD and a dossier code from their receipt —
and nothing else."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from archive.records import record_id_for
from helpers import csrf_of
from web.app import create_app
from web.routes.citizen import NO_MATCH

pytestmark = [pytest.mark.opensearch, pytest.mark.tika, pytest.mark.ocr]


def _post(client, path, data):
    """A form post as the browser sends it: with the CSRF token of the page it came from."""
    token = csrf_of(client.get("/citizen").text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


@pytest.fixture
def browser(ingested_corpus):
    """A fresh client (its own cookie jar) per test, like a citizen's own browser."""
    with TestClient(create_app(ingested_corpus[0])) as client:
        yield client


def _citizen(truth):
    """A subject with a dossier code on one result and, in the manifest, another result."""
    t = next(t for t in truth if t["in_manifest"] and t["fields"].get("dossier_code")
             and sum(u["fields"]["subject_id"] == t["fields"]["subject_id"] and u["in_manifest"] for u in truth) > 1)
    own = {record_id_for(u["sha256"]) for u in truth
           if u["in_manifest"] and u["fields"]["subject_id"] == t["fields"]["subject_id"]}
    return t["fields"]["subject_id"], t["fields"]["dossier_code"], own


def _dossier(truth, cccd, code):
    """The results of that dossier of that subject: what its receipt opens."""
    return {record_id_for(u["sha256"]) for u in truth if u["in_manifest"] and u["fields"]["subject_id"] == cccd
            and u["fields"].get("dossier_code") == code}


def test_citizen_sees_and_downloads_the_results_of_their_dossier(browser, ingested_corpus):
    truth = ingested_corpus[3]
    cccd, code, own = _citizen(truth)
    r = _post(browser, "/citizen", {"subject_id": cccd, "dossier_code": code})
    assert r.status_code == 303 and r.headers["location"] == "/citizen/records"
    listing = browser.get("/citizen/records").text
    dossier = _dossier(truth, cccd, code)
    assert dossier and all(f"/citizen/records/{rid}" in listing for rid in dossier)
    rid = sorted(dossier)[0]
    assert browser.get(f"/citizen/records/{rid}").status_code == 200
    pdf = browser.get(f"/citizen/records/{rid}/file", params={"download": True})
    assert pdf.status_code == 200 and pdf.headers["content-disposition"].startswith("attachment")


def test_citizen_cannot_open_a_record_that_is_not_theirs(browser, ingested_corpus):
    truth = ingested_corpus[3]
    cccd, code, own = _citizen(truth)
    other = next(record_id_for(t["sha256"]) for t in truth if t["fields"]["subject_id"] != cccd)
    _post(browser, "/citizen", {"subject_id": cccd, "dossier_code": code})
    assert other not in browser.get("/citizen/records").text
    assert browser.get(f"/citizen/records/{other}").status_code == 404
    assert browser.get(f"/citizen/records/{other}/file").status_code == 404


def test_one_receipt_opens_its_dossier_not_the_citizens_other_results(browser, ingested_corpus):
    """Issue #20, item 1: a dossier code (an agency-date-sequence pattern, printed on a paper
    receipt) opened every record of that CCCD; now only that dossier's."""
    truth = ingested_corpus[3]
    cccd, code, own = _citizen(truth)
    others = own - _dossier(truth, cccd, code)
    assert others, "the corpus must give this citizen a result of another dossier"
    _post(browser, "/citizen", {"subject_id": cccd, "dossier_code": code})
    listing = browser.get("/citizen/records").text
    for rid in others:
        assert f"/citizen/records/{rid}" not in listing
        assert browser.get(f"/citizen/records/{rid}").status_code == 404
        assert browser.get(f"/citizen/records/{rid}/file").status_code == 404


def test_wrong_cccd_and_wrong_code_fail_the_same_way(browser, ingested_corpus):
    cccd, code, _ = _citizen(ingested_corpus[3])
    wrong_code = _post(browser, "/citizen", {"subject_id": cccd, "dossier_code": "000.00.00.H00-000000-0000"})
    wrong_id = _post(browser, "/citizen", {"subject_id": "001099000001", "dossier_code": code})
    assert wrong_code.status_code == wrong_id.status_code == 400
    assert NO_MATCH in wrong_code.text
    assert wrong_code.text == wrong_id.text
    assert cccd not in wrong_code.text


def test_without_a_session_the_citizen_pages_send_back_to_the_form(browser, ingested_corpus):
    rid = record_id_for(ingested_corpus[3][0]["sha256"])
    for path in ("/citizen/records", f"/citizen/records/{rid}", f"/citizen/records/{rid}/file"):
        r = browser.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/citizen", path


def test_logout_ends_the_session(browser, ingested_corpus):
    cccd, code, own = _citizen(ingested_corpus[3])
    _post(browser, "/citizen", {"subject_id": cccd, "dossier_code": code})
    _post(browser, "/citizen/logout", {})
    assert browser.get("/citizen/records", follow_redirects=False).status_code == 303


# -- a CCCD typed in groups (#17, item 2; archive/identifiers.py) ----------------------------

_RESULT = ("ỦY BAN NHÂN DÂN\nXÃ TÂN SƠN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
           "Bắc Giang, ngày 05 tháng 3 năm 2021\n\nSố: 12/UBND-TP\nGIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN\n"
           "Họ, chữ đệm, tên: Hà Thị Mai\n")


@pytest.fixture(scope="module")
def grouped(settings, record_index, tmp_path_factory):
    """A result whose CCCD the manifest gives in groups, as printed on the card: (app, record id)."""
    from indexer.pipeline import Ingestor

    folder = tmp_path_factory.mktemp("grouped")
    (folder / "xac-nhan.txt").write_text(_RESULT, encoding="utf-8")
    (folder / "manifest.csv").write_text("file,subject_id,subject_type,dossier_code\n"
                                         "xac-nhan.txt,001 085 012 345,citizen,000.00.12.H06-210408-0077\n",
                                         encoding="utf-8")
    report = Ingestor(settings, record_index).ingest_dir(folder)
    assert report.ingested == ["xac-nhan.txt"] and report.manifest_errors == []
    record_index.refresh()
    return create_app(settings), record_id_for(hashlib.sha256((folder / "xac-nhan.txt").read_bytes()).hexdigest())


@pytest.mark.parametrize("cccd, code", [("001085012345", "000.00.12.H06-210408-0077"),
                                        ("001.085.012.345", "000.00.12.h06-210408-0077"),
                                        ("001 085 012 345", " 000.00.12.H06 - 210408 - 0077 ")])
def test_a_citizen_whose_cccd_the_manifest_gave_in_groups_finds_their_result(grouped, cccd, code):
    """Before, the manifest's '001 085 012 345' was stored as typed and no way of typing
    the CCCD on the form found it."""
    app, rid = grouped
    with TestClient(app) as browser:
        r = _post(browser, "/citizen", {"subject_id": cccd, "dossier_code": code})
        assert r.status_code == 303, r.text
        assert f"/citizen/records/{rid}" in browser.get("/citizen/records").text
