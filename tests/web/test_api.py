"""The JSON API against the real OpenSearch, on the ingested sample corpus."""

from __future__ import annotations

import hashlib
import re

import pytest

from database.reuse_events import ReuseEvents
from archive.records import record_id_for
from tracuu.sample import fold

from helpers import api_key

pytestmark = [pytest.mark.opensearch, pytest.mark.tika, pytest.mark.ocr]

HIT_FIELDS = {"id", "source_sha256", "doc_number", "issued_date", "issuing_agency", "result_type",
              "procedure_name", "subject_name", "status", "snippet"}


def test_health_and_readiness(corpus_api):
    assert corpus_api.get("/healthz").json() == {"status": "ok"}
    assert corpus_api.get("/readyz").json() == {"status": "ready"}


def test_search_without_diacritics_finds_a_scanned_permit(corpus_api, ingested_corpus):
    truth = ingested_corpus[3]
    scan = next(t for t in truth if t["scanned"] and t["kind"] == "construction_permit")
    body = corpus_api.get("/api/v1/search", params={"q": "giay phep"}).json()
    assert record_id_for(scan["sha256"]) in [h["id"] for h in body["hits"]]
    assert set(body["hits"][0]) == HIT_FIELDS
    assert any("<mark>" in h["snippet"] for h in body["hits"])


def test_a_manifest_field_is_returned_by_the_record_api(corpus_api, ingested_corpus):
    truth = ingested_corpus[3]
    t = next(t for t in truth if t["in_manifest"])
    record = corpus_api.get(f"/api/v1/records/{record_id_for(t['sha256'])}").json()
    assert record["id"] == record_id_for(t["sha256"])
    assert record["source_sha256"] == t["sha256"]
    assert record["subject_name"] in (None, t["fields"]["subject_name"])
    assert t["fields"]["doc_number"].split("/")[0] in record["text"]


def test_name_search_with_and_without_diacritics(corpus_api, ingested_corpus):
    truth = ingested_corpus[3]
    t = next(t for t in truth if t["in_manifest"] and t["format"] == "docx")
    name = t["fields"]["subject_name"]
    for q in (name, fold(name)):
        ids = [h["id"] for h in corpus_api.get("/api/v1/search", params={"q": q}).json()["hits"]]
        assert record_id_for(t["sha256"]) in ids, q


def test_facet_filter_narrows_results_and_counts_ignore_their_own_filter(corpus_api):
    all_types = corpus_api.get("/api/v1/search").json()["facets"]["result_type"]
    assert len(all_types) > 1
    chosen = all_types[0]["value"]
    body = corpus_api.get("/api/v1/search", params={"result_type": chosen}).json()
    assert body["total"] == all_types[0]["count"]
    assert {h["result_type"] for h in body["hits"]} == {chosen}
    assert body["facets"]["result_type"] == all_types


def test_unknown_record_is_a_problem_json_404(corpus_api):
    r = corpus_api.get("/api/v1/records/ffffffffffffffffffffffff")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail_en"]


@pytest.mark.parametrize("q", ['"', "\\", "{", "*", "OR", "AND(", "a" * 1000, "\x01\x02", "doc_number:*",
                               '"unbalanced', "((((", "-", "Nguyễn\tVăn\nAn"])
def test_hostile_queries_never_fail_with_500(corpus_api, q):
    r = corpus_api.get("/api/v1/search", params={"q": q})
    assert r.status_code == 200, r.text
    assert isinstance(r.json()["hits"], list)


def test_size_and_page_limits_are_enforced(corpus_api):
    assert corpus_api.get("/api/v1/search", params={"size": 1000}).status_code == 422
    assert corpus_api.get("/api/v1/search", params={"page": 0}).status_code == 422
    assert corpus_api.get("/api/v1/search", params={"page": 101}).status_code == 422
    assert corpus_api.get("/api/v1/search", params={"page": 100, "size": 100}).status_code == 200


def _with(truth, pred):
    return next(t for t in truth if pred(t))


def test_file_endpoint_serves_the_archival_pdf_and_the_untouched_original(corpus_api, ingested_corpus):
    truth = ingested_corpus[3]
    scan = _with(truth, lambda t: t["scanned"] and t["format"] in ("jpeg", "png"))
    rid = record_id_for(scan["sha256"])
    pdf = corpus_api.get(f"/api/v1/records/{rid}/file")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"].startswith("inline")
    original = corpus_api.get(f"/api/v1/records/{rid}/file", params={"variant": "original", "download": True})
    assert original.headers["content-disposition"].startswith("attachment")
    assert hashlib.sha256(original.content).hexdigest() == scan["sha256"]


def test_a_docx_has_an_archival_pdf_and_its_original(corpus_api, ingested_corpus):
    """It answered 404: office results had no PDF/A (#17)."""
    docx = _with(ingested_corpus[3], lambda t: t["format"] == "docx")
    r = corpus_api.get(f"/api/v1/records/{record_id_for(docx['sha256'])}/file")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and b"pdfaid:part" in r.content
    original = corpus_api.get(f"/api/v1/records/{record_id_for(docx['sha256'])}/file", params={"variant": "original"})
    assert original.status_code == 200 and original.content.startswith(b"PK")


def test_lookup_answers_whether_a_subject_holds_a_valid_result(corpus_api, ingested_corpus):
    truth = ingested_corpus[3]
    permit = _with(truth, lambda t: t["in_manifest"] and t["kind"] == "construction_permit")
    f = permit["fields"]
    everything = corpus_api.get("/api/v1/lookup", params={"subject_id": f["subject_id"], "status": "expired",
                                                           "procedure_code": f["procedure_code"]}).json()
    assert everything["found"] and record_id_for(permit["sha256"]) in [r["id"] for r in everything["records"]]
    # The permit expired in 2017: asked for a *valid* result of that procedure, the answer is no.
    valid = corpus_api.get("/api/v1/lookup", params={"subject_id": f["subject_id"],
                                                      "procedure_code": f["procedure_code"]}).json()
    assert valid == {"found": False, "total": 0, "records": []}
    # As the docs say: spaces (and dots, dashes) between the digits are ignored (#17, item 2).
    spaced = " ".join([f["subject_id"][:4], f["subject_id"][4:]])
    assert corpus_api.get("/api/v1/lookup", params={"subject_id": spaced, "status": "expired",
                                                    "procedure_code": f["procedure_code"]}).json() == everything


def test_lookup_rejects_what_is_not_an_identifier(corpus_api):
    r = corpus_api.get("/api/v1/lookup", params={"subject_id": "Nguyễn Văn An"})
    assert r.status_code == 422
    assert "subject_id" in r.json()["detail"] and "Nguyễn" not in r.text


def test_reuse_is_recorded_and_returns_a_reference(corpus_api, ingested_corpus):
    settings, index, _, truth = ingested_corpus
    t = _with(truth, lambda t: t["in_manifest"] and t["fields"].get("doc_number"))
    rid = record_id_for(t["sha256"])
    r = corpus_api.post(f"/api/v1/records/{rid}/reuse", json={"dossier_code": "000.00.12.H06-261121-0042"})
    assert r.status_code == 201, r.text
    ref = r.json()
    assert ref["record_id"] == rid and ref["reused_for"] == "000.00.12.H06-261121-0042"
    assert t["fields"]["doc_number"] in ref["citation"] and ref["url"].endswith(f"/records/{rid}")
    assert any(e.record_id == rid for e in ReuseEvents.of(settings).read())
    index.client.indices.refresh(index=index.reuse_index)
    counted = index.search_reuse({"query": {"term": {"record_id": rid}}})
    assert counted["hits"]["total"]["value"] >= 1
    bad = corpus_api.post(f"/api/v1/records/{rid}/reuse", json={"dossier_code": "<script>"})
    assert bad.status_code == 400 and "Mã hồ sơ" in bad.json()["detail"]


def test_a_reuse_recorded_again_is_one_reuse_and_needs_its_own_scope(corpus_api, ingested_corpus):
    """A retry, a double click, a second call for the same (record, dossier) is not a second
    reuse; and a key that may only read cannot raise an agency's reuse score."""
    settings, index, _, truth = ingested_corpus
    rid = record_id_for(truth[1]["sha256"])
    dossier = "000.00.12.H06-261128-0777"
    for _ in range(3):
        r = corpus_api.post(f"/api/v1/records/{rid}/reuse", json={"dossier_code": dossier})
        assert r.status_code == 201 and r.json()["reused_for"] == dossier
    kept = ReuseEvents.of(settings).read()
    assert sum(1 for e in kept if e.record_id == rid and e.dossier_code == dossier) == 1
    index.client.indices.refresh(index=index.reuse_index)
    counted = index.search_reuse({"query": {"bool": {"filter": [{"term": {"record_id": rid}},
                                                                 {"term": {"dossier_code": dossier}}]}}})
    assert counted["hits"]["total"]["value"] == 1
    read_only = {"Authorization": f"Bearer {api_key(settings, 'read', name='read only')}"}
    denied = corpus_api.post(f"/api/v1/records/{rid}/reuse", json={"dossier_code": "000.00.12.H06-261128-0778"},
                             headers=read_only)
    assert denied.status_code == 403 and "reuse" in denied.json()["detail"]


def test_the_reuse_counts_are_rebuilt_from_their_journal(corpus_api, ingested_corpus):
    """The reuse index is derived data: lost, it is made again by reindex, to the same counts."""
    from indexer.maintenance import reindex

    settings, index, _, truth = ingested_corpus
    rid = record_id_for(truth[2]["sha256"])
    assert corpus_api.post(f"/api/v1/records/{rid}/reuse",
                           json={"dossier_code": "000.00.12.H06-261128-0900"}).status_code == 201
    index.client.indices.refresh(index=index.reuse_index)
    before = index.search_reuse({"size": 0, "query": {"match_all": {}}})["hits"]["total"]["value"]
    index.client.indices.delete(index=index.reuse_index)
    report = reindex(settings, index)
    after = index.search_reuse({"size": 0, "query": {"match_all": {}}})["hits"]["total"]["value"]
    assert report.reuses == after == before > 0


# -- identifiers in one form (#17, item 2; archive/identifiers.py) ---------------------------

_HEADER = ("{agency}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
           "Bắc Giang, ngày 05 tháng 3 năm 2021\n\n")
#: A branch's certificate as Word prints it (its autocorrect makes ' - ' an en dash), the
#: enterprise's own, and a citizen's result whose CCCD only the manifest gives.
IDENTIFIER_DOCS = {
    "chi-nhanh.txt": _HEADER.format(agency="SỞ KẾ HOẠCH VÀ ĐẦU TƯ TỈNH BẮC GIANG\nPHÒNG ĐĂNG KÝ KINH DOANH")
    + "GIẤY CHỨNG NHẬN ĐĂNG KÝ HOẠT ĐỘNG CHI NHÁNH\nMã số chi nhánh: 0101234567 – 001\n"
      "1. Tên chi nhánh viết bằng tiếng Việt: CHI NHÁNH CÔNG TY TNHH MINH PHÁT\n",
    "doanh-nghiep.txt": _HEADER.format(agency="SỞ KẾ HOẠCH VÀ ĐẦU TƯ TỈNH BẮC GIANG\nPHÒNG ĐĂNG KÝ KINH DOANH")
    + "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP\nCÔNG TY TRÁCH NHIỆM HỮU HẠN\nMã số doanh nghiệp: 0101234567\n"
      "1. Tên công ty viết bằng tiếng Việt: CÔNG TY TNHH MINH PHÁT\n",
    "xac-nhan.txt": _HEADER.format(agency="ỦY BAN NHÂN DÂN\nXÃ TÂN SƠN")
    + "Số: 12/UBND-TP\nGIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN\nHọ, chữ đệm, tên: Hà Thị Mai\n",
}
IDENTIFIER_MANIFEST = ("file,subject_id,subject_type,dossier_code\n"
                       "xac-nhan.txt,001 085 012 345,citizen,000.00.12.H06-210408-0077\n")


@pytest.fixture(scope="module")
def identifier_records(settings, record_index, tmp_path_factory):
    """The three documents ingested into this module's index: file name -> record id."""
    from indexer.pipeline import Ingestor

    folder = tmp_path_factory.mktemp("identifiers")
    for name, text in IDENTIFIER_DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "manifest.csv").write_text(IDENTIFIER_MANIFEST, encoding="utf-8")
    report = Ingestor(settings, record_index).ingest_dir(folder)
    assert report.failed == [] and report.manifest_errors == []
    record_index.refresh()
    return {name: record_id_for(hashlib.sha256((folder / name).read_bytes()).hexdigest()) for name in IDENTIFIER_DOCS}


def _found(api, subject_id) -> list[str]:
    r = api.get("/api/v1/lookup", params={"subject_id": subject_id})
    assert r.status_code == 200, r.text
    return [rec["id"] for rec in r.json()["records"]]


@pytest.mark.parametrize("typed", ["001.085.012.345", "001 085 012 345", "001085012345", "001-085-012-345"])
def test_a_cccd_the_manifest_gave_in_groups_is_looked_up_however_typed(api, identifier_records, typed):
    """The manifest said '001 085 012 345'; the docs say spaces and dots are ignored. Before,
    '001.085.012.345' answered 422 and '001085012345' found nothing."""
    assert _found(api, typed) == [identifier_records["xac-nhan.txt"]]


@pytest.mark.parametrize("typed", ["0101234567-001", "0101234567001", "0101234567 - 001"])
def test_a_branch_code_read_off_the_text_is_found_by_lookup(api, identifier_records, typed):
    """'0101234567 – 001' on the certificate was stored as 0101234567, the enterprise's code."""
    assert _found(api, typed) == [identifier_records["chi-nhanh.txt"]]


def test_an_enterprise_does_not_hold_its_branchs_results(api, identifier_records):
    assert _found(api, "0101234567") == [identifier_records["doanh-nghiep.txt"]]


def test_the_lookup_docs_say_what_the_lookup_does(api, identifier_records):
    """The schema's pattern is exactly what the lookup takes: a client can check a value
    before asking, and no value the schema allows is refused (tests/web/test_schema.py)."""
    param = next(p for p in api.get("/openapi.json").json()["paths"]["/api/v1/lookup"]["get"]["parameters"]
                 if p["name"] == "subject_id")
    assert "dots" in param["description"]
    for typed in ("001.085.012.345", "001 085 012 345", "0101234567 – 001", "0101234567001", "012345678"):
        assert re.fullmatch(param["schema"]["pattern"], typed), typed
        assert api.get("/api/v1/lookup", params={"subject_id": typed}).status_code == 200
    for wrong in ("001 085 012 34", "00108501234", "0010850123456789", "Nguyễn Văn An"):
        assert not re.fullmatch(param["schema"]["pattern"], wrong), wrong
        r = api.get("/api/v1/lookup", params={"subject_id": wrong})
        assert r.status_code == 422 and "subject_id" in r.json()["detail"] and wrong not in r.text
