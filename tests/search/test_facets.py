"""Facets and totals designed for scale (issue #21): counted exactly where the page says so,
estimated from a sample — and labelled "khoảng" — where a broad search matches more than
the sample; a total beyond the cap shown as "hơn". The sample and the cap are made small
here (monkeypatched) so a few hundred records exercise what a million would."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from archive.records import Record, record_id_for
from helpers import log_in
from search import query
from search.analysis import segment
from search.index import find, to_document
from search.query import SearchRequest

pytestmark = pytest.mark.opensearch

KINDS = {"Giấy phép xây dựng": 180, "Giấy chứng nhận đăng ký hộ kinh doanh": 90, "Trích lục khai sinh": 30}


@pytest.fixture(scope="module")
def indexed(record_index):
    records = []
    for kind, n in KINDS.items():
        for i in range(n):
            agency = "Sở Xây dựng tỉnh Bắc Ninh" if i % 3 else "UBND huyện Tiên Du"
            # Ids as ingest makes them, from the file's hash: the samples are drawn by id.
            rid = record_id_for(hashlib.sha256(f"{kind} {i}".encode()).hexdigest())
            records.append(Record(id=rid, result_type=kind,
                                  issuing_agency=agency, text=f"{kind} số {i}/GP cấp cho công dân, {agency}."))
    errors = [e for _, e in record_index.bulk((to_document(r, segment(r.text)) for r in records), refresh=True) if e]
    assert errors == []
    return record_index


def _counts(result, name):
    return {v.value: (v.count, v.approximate) for v in result.facets[name]}


def test_a_narrow_search_has_exact_facets(indexed, monkeypatch):
    monkeypatch.setattr(query, "FACET_SAMPLE", 100)
    result = find(indexed, SearchRequest(q="trích lục khai sinh"))
    kinds = _counts(result, "result_type")
    assert kinds["Trích lục khai sinh"] == (30, False)
    assert result.total_exact and all(not approx for _, approx in kinds.values())


def test_a_broad_search_estimates_its_facets_and_says_so(indexed, monkeypatch):
    monkeypatch.setattr(query, "FACET_SAMPLE", 100)
    result = find(indexed, SearchRequest())
    kinds = _counts(result, "result_type")
    assert result.total == 300 and result.total_exact
    assert all(approx for _, approx in kinds.values())
    assert sum(n for n, _ in kinds.values()) == pytest.approx(300, abs=3)  # scaled to the exact matches
    # A fair sample, not the first records indexed (all 180 of one kind came first): every
    # kind is there, each near its share.
    assert set(kinds) == set(KINDS)
    for kind, n in KINDS.items():
        assert kinds[kind][0] == pytest.approx(n, abs=60), (kind, kinds)
    # A filter narrows the other facets' counts to exact again (they count the filtered matches).
    narrowed = find(indexed, SearchRequest(filters={"result_type": ["Trích lục khai sinh"]}))
    agencies = _counts(narrowed, "issuing_agency")
    assert agencies == {"Sở Xây dựng tỉnh Bắc Ninh": (20, False), "UBND huyện Tiên Du": (10, False)}
    assert narrowed.total == 30


def test_a_total_beyond_the_cap_is_a_lower_bound(indexed, monkeypatch):
    monkeypatch.setattr(query, "TOTAL_CAP", 50)
    result = find(indexed, SearchRequest())
    assert result.total == 50 and not result.total_exact
    assert len(result.hits) == 20


def test_the_page_labels_estimates_and_lower_bounds(indexed, settings, monkeypatch):
    from web.app import create_app

    monkeypatch.setattr(query, "FACET_SAMPLE", 100)
    monkeypatch.setattr(query, "TOTAL_CAP", 50)
    with TestClient(create_app(settings)) as client:
        log_in(client, settings)
        broad = client.get("/").text
        assert "hơn 50" in broad and "khoảng" in broad
        narrow = client.get("/", params={"q": "trích lục khai sinh"}).text
        assert "khoảng" not in narrow and "hơn" not in narrow.split('class="summary"')[1][:200]
        api = client.get("/api/v1/search", params={"q": ""}).json()
        assert api["total_exact"] is False and any(v["approximate"] for v in api["facets"]["result_type"])


def test_first_searches_at_once_on_a_fresh_installation_make_one_index(fresh_settings):
    """Before the first ingest there is no index; clerks searching at the same moment all
    get 'nothing found', and one index is made, not one each."""
    import threading

    from search.index import RecordIndex

    index = RecordIndex.from_settings(fresh_settings)
    start, results, errors = threading.Barrier(6), [], []

    def first_search() -> None:
        start.wait()
        try:
            results.append(find(index, SearchRequest(q="giấy phép")).total)
        except Exception as e:  # noqa: BLE001 - every failure is a finding
            errors.append(e)

    threads = [threading.Thread(target=first_search) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert errors == [] and results == [0] * 6
        assert len(index.physical_indices()) == 1
    finally:
        index.drop()
