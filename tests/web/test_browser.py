"""What a clerk and a citizen do, in the real Chromium against the real stack."""

from __future__ import annotations

import re

import pytest

from archive.records import record_id_for

pytestmark = [pytest.mark.opensearch, pytest.mark.tika, pytest.mark.ocr]


def _total(page) -> int:
    return int(page.locator(".summary strong").inner_text().replace(".", ""))


def test_search_apply_and_remove_a_facet(page):
    page.goto("/")
    page.fill("#q", "giay phep")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=giay\+phep"))
    assert page.locator(".hit").count() > 0
    assert page.locator(".snippet mark").count() > 0
    before = _total(page)

    facet = page.locator('.facet[data-facet="result_type"] li a').first
    expected = int(facet.locator(".count").inner_text().replace(".", ""))
    facet.click()
    page.wait_for_url(re.compile(r"result_type="))
    assert page.locator(".chip").count() == 1
    assert _total(page) == expected
    assert page.locator('.facet[data-facet="result_type"] a.active').count() == 1

    page.locator(".chip").click()
    page.wait_for_load_state()
    assert page.locator(".chip").count() == 0
    assert _total(page) == before
    assert page.input_value("#q") == "giay phep"


def test_sort_changes_the_order_without_a_submit_button(page):
    page.goto("/")
    page.select_option("#sort", "date_asc")
    page.wait_for_url(re.compile(r"sort=date_asc"))
    dates = page.locator(".hit-meta span:has(.k:text('Ngày'))").all_inner_texts()
    days = [tuple(reversed(d.split()[-1].split("/"))) for d in dates]
    assert days == sorted(days)


def test_open_a_record_view_its_pdf_download_and_reuse(page, ingested_corpus):
    truth = ingested_corpus[3]
    t = next(t for t in truth if t["scanned"] and t["in_manifest"] and t["fields"].get("doc_number"))
    page.goto("/")
    page.fill("#q", t["fields"]["doc_number"])
    page.press("#q", "Enter")
    with page.expect_response(lambda r: r.url.endswith("/file")) as pdf:
        page.locator(".hit h3 a").first.click()
    assert pdf.value.status == 200 and pdf.value.headers["content-type"] == "application/pdf"
    assert t["fields"]["doc_number"] in page.locator("h1").inner_text()
    assert page.locator("iframe.pdf").is_visible()

    with page.expect_download() as dl:
        page.get_by_text("Tải bản PDF lưu trữ").click()
    download = dl.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"

    page.fill("#dossier_code", "000.00.12.H06-261122-0101")
    page.get_by_role("button", name="Ghi nhận dùng lại").click()
    page.wait_for_url(re.compile(r"reused="))
    assert "Đã ghi nhận dùng lại" in page.locator("#reuse").inner_text()
    page.get_by_role("button", name="Sao chép trích dẫn").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert t["fields"]["doc_number"] in copied and record_id_for(t["sha256"]) in copied


def test_citizen_retrieves_and_downloads_their_own_result(page, ingested_corpus):
    truth = ingested_corpus[3]
    t = next(t for t in truth if t["in_manifest"] and t["fields"].get("dossier_code") and t["scanned"])
    page.goto("/citizen")
    page.fill("#subject_id", t["fields"]["subject_id"])
    page.fill("#dossier_code", "000.00.00.H00-000000-0000")
    page.get_by_role("button", name="Tra cứu").click()
    assert "Không tìm thấy kết quả khớp" in page.locator(".alert").inner_text()

    page.fill("#subject_id", t["fields"]["subject_id"])
    page.fill("#dossier_code", t["fields"]["dossier_code"])
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_url("**/citizen/records")
    page.locator(f'a[href="/citizen/records/{record_id_for(t["sha256"])}"]').click()
    with page.expect_download() as dl:
        page.get_by_text("Tải bản PDF").first.click()
    assert dl.value.suggested_filename.endswith(".pdf")
    page.get_by_role("button", name="Kết thúc phiên").click()
    page.wait_for_url("**/citizen")
    page.goto("/citizen/records")
    assert page.url.endswith("/citizen")
