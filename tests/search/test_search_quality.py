"""How officers and citizens actually type, against the real OpenSearch."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import docx
import pytest

from indexer.pipeline import Ingestor
from search.index import find, similar
from search.query import SearchRequest
from archive.places import current_units, display
from archive.records import effective_status, record_id_for

pytestmark = [pytest.mark.opensearch, pytest.mark.tika]

DOCS = {
    "hoa.docx": ["ỦY BAN NHÂN DÂN HUYỆN LỤC NGẠN", "Số: 123/GP-SXD",
                 "Cấp cho bà Trần Thị Hoà, thôn Hoà Bình, CCCD 024190001234",
                 "GIẤY PHÉP XÂY DỰNG nhà ở riêng lẻ"],
    "banhang.docx": ["Số: 77/ĐKKD", "Hộ kinh doanh bán hàng tạp hóa của ông Lê Văn Nam"],
    "banhanh.docx": ["Số: 78/QĐ-UBND", "Quyết định ban hành quy chế làm việc", "Thành phố Bắc Giang"],
    "hoa2.docx": ["Số: 14/XNTTHN", "Xác nhận tình trạng hôn nhân của bà Trần Thị Hoa"],
    "kethon.docx": ["Số: 12/GCNKH", "Giấy chứng nhận kết hôn", "Nguyễn Văn An và Phạm Thị Bình"],
    "an.docx": ["Số: 13/XNTTHN", "Xác nhận tình trạng hôn nhân của ông Nguyễn Văn An, CCCD 001051960778"],
}


@pytest.fixture(scope="module")
def ids(tmp_path_factory, settings, record_index):
    folder = tmp_path_factory.mktemp("typed")
    for name, lines in DOCS.items():
        d = docx.Document()
        for line in lines:
            d.add_paragraph(line)
        d.save(folder / name)
    report = Ingestor(settings, record_index).ingest_dir(folder)
    assert not report.failed
    return {h.id: record_index.get(h.id).source_filename for h in find(record_index, SearchRequest(size=50)).hits}


def _files(index, ids, q, **kw):
    return [ids[h.id] for h in find(index, SearchRequest(q=q, **kw)).hits]


@pytest.mark.parametrize("q", ["hòa bình", "hoà bình", "Hoa Binh", "HÒA BÌNH"])
def test_tone_placement_and_diacritics_do_not_matter(record_index, ids, q):
    assert _files(record_index, ids, q)[:1] == ["hoa.docx"]


def test_folded_query_finds_the_diacritic_text(record_index, ids):
    assert _files(record_index, ids, "giay phep xay dung")[:1] == ["hoa.docx"]


def test_abbreviations_are_synonyms(record_index, ids):
    assert _files(record_index, ids, "UBND huyen Luc Ngan")[:1] == ["hoa.docx"]
    assert "banhang.docx" in _files(record_index, ids, "hkd")
    assert _files(record_index, ids, "TP Bắc Giang")[:1] == ["banhanh.docx"]


def test_exact_diacritics_rank_above_folded_matches(record_index, ids):
    assert _files(record_index, ids, "Trần Thị Hoa")[:2] == ["hoa2.docx", "hoa.docx"]
    assert _files(record_index, ids, "Trần Thị Hòa")[:2] == ["hoa.docx", "hoa2.docx"]
    assert set(_files(record_index, ids, "tran thi hoa")[:2]) == {"hoa.docx", "hoa2.docx"}


@pytest.mark.parametrize("q", ["123/GP-SXD", "123 GP SXD", "123/gp-sxd", "123 gp-sxd"])
def test_document_numbers_match_however_written(record_index, ids, q):
    assert _files(record_index, ids, q)[:1] == ["hoa.docx"]


def test_cccd_goes_to_the_exact_record(record_index, ids):
    assert _files(record_index, ids, "001051960778") == ["an.docx"]


def test_names_match_as_phrases(record_index, ids):
    files = _files(record_index, ids, "Nguyễn Văn An")
    assert set(files[:2]) == {"an.docx", "kethon.docx"}
    assert "hoa.docx" not in files


def test_quotes_and_minus(record_index, ids):
    assert _files(record_index, ids, '"xây dựng nhà"') == ["hoa.docx"]
    assert "kethon.docx" not in _files(record_index, ids, "Nguyễn Văn An -kết")
    assert _files(record_index, ids, '"nhà xây dựng"') == []


def test_sort_by_issue_date_and_more_like_this(record_index, ids):
    assert find(record_index, SearchRequest(q="", sort="date_asc")).total == len(DOCS)
    hoa = next(i for i, f in ids.items() if f == "hoa.docx")
    assert hoa not in [h.id for h in similar(record_index, hoa)]


@pytest.mark.parametrize("q", ['"', "\\", "{", "*", "OR", "AND(", "x" * 5000, "\x00\x07\x1b",
                               '"unbalanced', "((((", "-", "--", '-""', "a:b", "/", "ab\\\"cd"])
def test_hostile_queries_return_a_list_not_an_error(record_index, ids, q):
    assert isinstance(find(record_index, SearchRequest(q=q)).hits, list)


# -- facets against the ground truth of the sample corpus ------------------------------


def _truth_counts(truth, key, where=lambda t: True):
    return Counter(key(t) for t in truth if where(t) and key(t) is not None)


def test_facet_counts_equal_the_ground_truth(ingested_corpus):
    _, index, _, truth = ingested_corpus
    facets = find(index, SearchRequest(q="")).facets
    for name in ("province", "district", "result_type"):
        got = {f.value: f.count for f in facets[name]}
        assert got == _truth_counts(truth, lambda t: t["fields"].get(name)), name
    today = dt.date.today()
    want = _truth_counts(truth, lambda t: effective_status(
        t["fields"].get("status"), dt.date.fromisoformat(t["fields"]["valid_until"])
        if t["fields"].get("valid_until") else None, today).value)
    got = {f.value: f.count for f in facets["status"] if f.count}
    assert got == want


def test_filtered_facet_counts_equal_the_ground_truth(ingested_corpus):
    _, index, _, truth = ingested_corpus
    province = Counter(t["fields"]["province"] for t in truth).most_common(1)[0][0]
    result = find(index, SearchRequest(q="", filters={"province": [province]}, size=100))

    def in_province(t):
        """Printed there, or there now (a province filter finds either name: issue #18)."""
        f = t["fields"]
        now = current_units(f["province"], f.get("district"), f.get("commune"),
                            dt.date.fromisoformat(f["issued_date"])).current_province
        return f["province"] == province or now == display("province", province)

    assert result.total == sum(map(in_province, truth))
    assert {record_id_for(t["sha256"]) for t in truth if in_province(t)} == {h.id for h in result.hits}
    got = {f.value: f.count for f in result.facets["result_type"]}
    assert got == _truth_counts(truth, lambda t: t["fields"]["result_type"], in_province)
    # a dimension's own filter does not narrow its own counts
    assert {f.value: f.count for f in result.facets["province"]} == _truth_counts(
        truth, lambda t: t["fields"]["province"])
