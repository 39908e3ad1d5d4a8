"""The JSON API against the real OpenSearch, on the ingested sample corpus."""

from __future__ import annotations

import pytest

from search.records import record_id_for
from tracuu.sample import fold

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
