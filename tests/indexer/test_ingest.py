"""Ingest end to end against the real OpenSearch, Tika and tesseract."""

from __future__ import annotations

import json

import pytest

from indexer.pipeline import Ingestor
from search.query import SearchRequest
from search.index import find
from tracuu.sample import business_registration, construction_permit, render_scan_pdf, write_docx, write_manifest, SampleDoc

pytestmark = [pytest.mark.opensearch, pytest.mark.tika, pytest.mark.ocr]

SCAN = construction_permit(45, "Phạm Thị Hoà", "036190012345", "xã Tân Mộc", "huyện Lục Ngạn",
                           "tỉnh Bắc Giang", 8, 4, 2021)
DIGITAL = business_registration(77, "Đỗ Văn Khoẻ", "001085000111", "quận Cầu Giấy", "thành phố Hà Nội",
                                 2, 3, 2020)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, settings, record_index):
    folder = tmp_path_factory.mktemp("batch")
    render_scan_pdf(SCAN, folder / "scan.pdf")
    write_docx(DIGITAL, folder / "hkd.docx")
    (folder / "truncated.pdf").write_bytes((folder / "scan.pdf").read_bytes()[:3000])
    (folder / "empty.pdf").write_bytes(b"")
    write_manifest(folder, [
        SampleDoc("scan.pdf", [], {"procedure_code": "1.009972", "dossier_code": "000.00.12.H06-210408-0012"}),
        SampleDoc("hkd.docx", [], {"result_type": "Giấy chứng nhận đăng ký hộ kinh doanh"}),
        SampleDoc("missing.pdf", [], {"result_type": "Giấy phép xây dựng"}),
    ])
    report = Ingestor(settings, record_index).ingest_dir(folder)
    return folder, report


def _search(record_index, q, **filters):
    return find(record_index, SearchRequest(q=q, filters=filters))


def test_ocr_of_a_scan_finds_a_word_with_diacritics(ingested, record_index):
    result = _search(record_index, "xây dựng")
    assert [h.doc_number for h in result.hits] == ["45/GPXD-UBND"]
    record = record_index.get(result.hits[0].id)
    assert "GIẤY PHÉP XÂY DỰNG" in record.text
    assert record.pipeline["route"] == "ocr"
    assert record.issued_date.isoformat() == "2021-04-08"


def test_scan_is_found_without_diacritics(ingested, record_index):
    assert [h.doc_number for h in _search(record_index, "giay phep xay dung").hits] == ["45/GPXD-UBND"]


def test_docx_is_searchable_through_tika(ingested, record_index):
    hits = _search(record_index, "hộ kinh doanh").hits
    assert [h.doc_number for h in hits] == ["77/ĐKKD-HKD"]
    assert record_index.get(hits[0].id).pipeline["route"] == "tika"


def test_manifest_values_are_stored(ingested, record_index):
    hit = _search(record_index, "xây dựng").hits[0]
    record = record_index.get(hit.id)
    assert record.procedure_code == "1.009972"
    assert record.dossier_code == "000.00.12.H06-210408-0012"


def test_bad_files_are_reported_kept_aside_and_the_rest_indexed(ingested, settings):
    folder, report = ingested
    assert sorted(report.ingested) == ["hkd.docx", "scan.pdf"]
    reasons = {f.file: f.reason for f in report.failed}
    assert reasons == {"empty.pdf": "empty", "truncated.pdf": "corrupt"}
    for name in reasons:
        assert (settings.failed_dir / name).exists()
        assert (settings.failed_dir / f"{name}.reason.txt").read_text().strip()
        assert (folder / name).exists(), "the given file must never be moved or deleted"
    assert any("missing.pdf" in e["reason"] for e in report.manifest_errors)


def test_report_is_written_as_json(ingested, settings):
    reports = list(settings.reports_dir.glob("ingest-*.json"))
    assert reports
    data = json.loads(reports[-1].read_text())
    assert {f["file"] for f in data["failed"]} >= {"empty.pdf", "truncated.pdf"}


def test_original_and_pdfa_are_archived(ingested, record_index, settings):
    from indexer.archive import archival_file, bag_path

    hit = _search(record_index, "xây dựng").hits[0]
    bag = bag_path(settings.data_dir / "archive", hit.id)
    assert (bag / "data" / "original.pdf").read_bytes() == (ingested[0] / "scan.pdf").read_bytes()
    assert archival_file(settings.data_dir / "archive", hit.id).name == "archival.pdf"
    assert (bag / "manifest-sha256.txt").read_text().count("data/") == 4


def test_reingesting_the_same_bytes_is_a_no_op(ingested, settings, record_index):
    folder, _ = ingested
    again = Ingestor(settings, record_index).ingest_dir(folder)
    assert again.ingested == []
    assert sorted(again.duplicates) == ["hkd.docx", "scan.pdf"]
