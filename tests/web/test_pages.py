"""The HTML pages, rendered by the real app on the ingested sample corpus (no browser:
see test_browser.py for that)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from archive.records import record_id_for
from helpers import csrf_of
from web.views import SearchState, pager

pytestmark = [pytest.mark.opensearch, pytest.mark.tika, pytest.mark.ocr]


def _links(html: str, css_class: str) -> list[str]:
    return [m.replace("&amp;", "&") for m in re.findall(rf'<a class="{css_class}" href="([^"]+)"', html)]


def test_search_page_shows_hits_facets_and_a_vietnamese_interface(officer):
    r = officer.get("/", params={"q": "giay phep"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<html lang="vi">' in html
    assert "Tìm thấy" in html and "Loại kết quả" in html and "Cơ quan ban hành" in html
    assert "<mark>" in html
    assert len(r.content) < 100_000


def test_a_facet_link_filters_and_its_chip_removes_the_filter(officer):
    everything = officer.get("/api/v1/search").json()
    kind = everything["facets"]["result_type"][0]
    page = officer.get("/").text
    link = re.search(r'<a href="(/\?result_type=[^"]+)"', page).group(1).replace("&amp;", "&")
    assert dict(parse_qsl(urlsplit(link).query))["result_type"] == kind["value"]
    filtered = officer.get(link).text
    assert f"Tìm thấy <strong>{kind['count']}</strong>" in filtered
    chip = _links(filtered, "chip")
    assert len(chip) == 1
    assert f"Tìm thấy <strong>{everything['total']}</strong>" in officer.get(chip[0]).text


def test_empty_and_invalid_searches_say_what_to_do(officer):
    empty = officer.get("/", params={"q": "zzzqqq khongtontai"}).text
    assert "Không tìm thấy kết quả nào" in empty and "Kiểm tra chính tả" in empty
    bad = officer.get("/", params={"year": "20x1"})
    assert bad.status_code == 400 and "4 chữ số" in bad.text
    odd = officer.get("/", params={"page": "abc", "sort": "nonsense"})
    assert odd.status_code == 200


def test_hostile_text_is_escaped_not_executed(officer):
    r = officer.get("/", params={"q": '<script>alert(1)</script>"><img src=x>'})
    assert r.status_code == 200
    assert "<script>alert(1)" not in r.text and "<img src=x>" not in r.text


def test_record_page_shows_fields_validity_pdf_and_downloads(officer, ingested_corpus):
    truth = ingested_corpus[3]
    t = next(t for t in truth if t["in_manifest"] and t["kind"] == "construction_permit")
    rid = record_id_for(t["sha256"])
    html = officer.get(f"/records/{rid}").text
    assert t["fields"]["doc_number"] in html and t["fields"]["subject_name"] in html
    assert "Hết hiệu lực" in html and "Hết hiệu lực từ ngày 21/07/2017" in html  # valid until 20/07/2017
    assert f'<iframe class="pdf" src="/records/{rid}/file"' in html
    assert f"/records/{rid}/file?variant=original&amp;download=true" in html
    pdf = officer.get(f"/records/{rid}/file")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_reuse_form_records_the_dossier_and_shows_citation_and_json(officer, ingested_corpus):
    settings, _, _, truth = ingested_corpus
    t = next(t for t in truth if t["in_manifest"] and t["fields"].get("doc_number") and not t["scanned"])
    rid = record_id_for(t["sha256"])
    before = _journal_lines(settings)
    token = csrf_of(officer.get(f"/records/{rid}").text)
    r = officer.post(f"/records/{rid}/reuse", data={"dossier_code": "000.00.12.H06-261122-0007",
                                                    "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/records/{rid}?reused=")
    page = officer.get(r.headers["location"]).text
    assert "Đã ghi nhận dùng lại" in page and t["fields"]["doc_number"] in page
    assert '"reused_for": "000.00.12.H06-261122-0007"' in page.replace("&#34;", '"')
    assert _journal_lines(settings) == before + 1
    bad = officer.post(f"/records/{rid}/reuse", data={"dossier_code": "x", "csrf_token": token})
    assert bad.status_code == 400 and "Mã hồ sơ mới không hợp lệ" in bad.text
    assert _journal_lines(settings) == before + 1


def _journal_lines(settings) -> int:
    from database.reuse_events import ReuseEvents

    return len(ReuseEvents.of(settings).read())


def test_unknown_record_page_is_a_vietnamese_404_page(officer):
    r = officer.get("/records/ffffffffffffffffffffffff")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy" in r.text and "Về trang tra cứu" in r.text


def test_pager_shows_first_last_and_neighbours():
    links = pager(SearchState(q="x"), total=500, page=10, size=20)
    numbers = [p.number for p in links]
    assert numbers == [1, None, 8, 9, 10, 11, 12, None, 25]
    assert [p.number for p in links if p.current] == [10]
    assert pager(SearchState(), total=15, page=1, size=20) == []


def test_the_access_log_keeps_the_path_but_never_the_query(officer, caplog):
    with caplog.at_level("INFO", logger="tracuu.web"):
        officer.get("/", params={"q": "Nguyễn Văn An 001085012345"})
        officer.get("/api/v1/lookup", params={"subject_id": "001085012345"})
    assert "GET / 200" in caplog.text and "GET /api/v1/lookup 200" in caplog.text
    assert "001085012345" not in caplog.text and "Nguy" not in caplog.text


def test_the_snippet_shows_the_passage_that_matched_most_words(officer):
    hits = officer.get("/api/v1/search", params={"q": "giay phep xay dung"}).json()["hits"]
    best = hits[0]["snippet"]
    assert best.count("<mark>") >= 3, best
