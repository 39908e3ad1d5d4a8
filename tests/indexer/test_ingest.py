"""Ingest end to end against the real OpenSearch, Tika and tesseract, on `tracuu sample`
output whose truth is known."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from archive.layout import archival_file, bag_path
from indexer.pipeline import Ingestor
from search.index import find
from search.query import SearchRequest
from archive.records import record_id_for
from tracuu.sample import fold

pytestmark = [pytest.mark.opensearch, pytest.mark.tika, pytest.mark.ocr]


def _first(truth, **where):
    return next(t for t in truth if all(t.get(k) == v for k, v in where.items()))


def _ids(index, q, **filters):
    return [h.id for h in find(index, SearchRequest(q=q, filters=filters)).hits]


def test_every_sample_file_is_ingested(ingested_corpus):
    _, _, report, truth = ingested_corpus
    assert report.failed == []
    assert sorted(report.ingested) == sorted(t["file"] for t in truth)


def test_ocr_of_a_scan_reads_words_with_diacritics(ingested_corpus):
    _, index, _, truth = ingested_corpus
    scan = _first(truth, format="pdf", scanned=True, degradation=None)
    record = index.get(record_id_for(scan["sha256"]))
    assert record.pipeline["route"] == "ocr"
    assert record.pipeline["pdfa"].startswith("2"), "the derivative of a scan is PDF/A-2"
    name = scan["fields"]["subject_name"]
    assert name.upper() in record.text.upper()
    assert record_id_for(scan["sha256"]) in _ids(index, name)


def test_a_scan_is_found_without_diacritics(ingested_corpus):
    _, index, _, truth = ingested_corpus
    scan = _first(truth, format="pdf", scanned=True, degradation=None)
    assert record_id_for(scan["sha256"]) in _ids(index, fold(scan["fields"]["subject_name"]))


def test_image_formats_are_ocrd(ingested_corpus):
    _, index, _, truth = ingested_corpus
    for fmt in ("jpeg", "png", "tiff"):
        t = _first(truth, format=fmt)
        record = index.get(record_id_for(t["sha256"]))
        assert record.pipeline["route"] == "ocr", fmt
        assert t["fields"]["doc_number"].split("/")[0] in record.text, fmt


def test_docx_is_searchable_through_tika(ingested_corpus):
    _, index, _, truth = ingested_corpus
    docx = _first(truth, format="docx")
    record = index.get(record_id_for(docx["sha256"]))
    assert record.pipeline["route"] == "tika"
    assert record_id_for(docx["sha256"]) in _ids(index, docx["fields"]["doc_number"])


def test_manifest_values_are_stored(ingested_corpus):
    _, index, _, truth = ingested_corpus
    t = _first(truth, in_manifest=True)
    record = index.get(record_id_for(t["sha256"]))
    assert record.procedure_code in (None, t["fields"]["procedure_code"])
    assert record.subject_id in (None, t["fields"]["subject_id"])
    assert record.subject_type is None or record.subject_type.value == t["fields"]["subject_type"]


def test_original_and_pdfa_are_archived(ingested_corpus, sample_corpus):
    settings, _, _, truth = ingested_corpus
    folder, _ = sample_corpus
    scan = _first(truth, format="pdf", scanned=True)
    bag = bag_path(settings.archive_dir, record_id_for(scan["sha256"]))
    assert (bag / "data" / "original.pdf").read_bytes() == (folder / scan["file"]).read_bytes()
    assert archival_file(settings.archive_dir, record_id_for(scan["sha256"])).name == "archival.pdf"
    assert (bag / "manifest-sha256.txt").read_text().count("data/") == 4


def test_reingesting_the_same_bytes_is_a_no_op(ingested_corpus, sample_corpus):
    settings, index, _, truth = ingested_corpus
    folder, _ = sample_corpus
    again = Ingestor(settings, index).ingest_dir(folder)
    assert again.ingested == [] and again.failed == []
    assert sorted(again.duplicates) == sorted(t["file"] for t in truth)


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory, sample_corpus, settings, record_index):
    """Two good files from the sample, broken ones beside them, and a manifest row for a
    file that is not there."""
    corpus, truth = sample_corpus
    folder = tmp_path_factory.mktemp("bad")
    good = [_first(truth, format="docx")["file"], _first(truth, format="pdf", scanned=True)["file"]]
    for name in good:
        shutil.copy(corpus / name, folder / name)
    (folder / "truncated.pdf").write_bytes((corpus / good[1]).read_bytes()[:3000])
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "junk.doc").write_bytes(bytes(range(256)) * 8)
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "procedure_code", "issued_date"])
        w.writerow([good[0], "1.000894", "08/04/2021"])
        w.writerow(["missing.pdf", "1.009994", ""])
        w.writerow(["truncated.pdf", "1.009994", "31/02/2021"])
    report = Ingestor(settings, record_index).ingest_dir(folder)
    return folder, good, report


def test_bad_files_are_reported_kept_aside_and_the_rest_indexed(bad_batch, settings):
    folder, good, report = bad_batch
    assert sorted(report.ingested) == sorted(good)
    reasons = {f.file: f.reason for f in report.failed}
    assert reasons == {"empty.pdf": "empty", "truncated.pdf": "corrupt", "junk.doc": "unsupported"}
    for name, failure in ((f.file, f) for f in report.failed):
        assert name in failure.message, "the error says which file"
        assert (settings.failed_dir / name).read_bytes() == (folder / name).read_bytes()
        assert (settings.failed_dir / f"{name}.reason.txt").read_text().strip()
        assert (folder / name).exists(), "the given file is never moved or deleted"


def test_bad_manifest_rows_are_reported_with_row_numbers(bad_batch):
    _, _, report = bad_batch
    rows = {e["row"]: e["reason"] for e in report.manifest_errors}
    assert "missing.pdf" in rows[3]
    assert "issued_date" in rows[4]


def test_manifest_value_wins_over_the_text(bad_batch, record_index):
    _, good, report = bad_batch
    hits = find(record_index, SearchRequest(q="")).hits
    by_name = {record_index.get(h.id).source_filename: record_index.get(h.id) for h in hits}
    assert by_name[good[0]].procedure_code == "1.000894"
    assert by_name[good[0]].issued_date.isoformat() == "2021-04-08"


def test_report_is_written_as_json(bad_batch, settings):
    data = json.loads(sorted(settings.reports_dir.glob("ingest-*.json"))[-1].read_text())
    assert {f["file"] for f in data["failed"]} == {"empty.pdf", "truncated.pdf", "junk.doc"}


def test_ocr_leaves_stderr_and_environment_as_it_found_them(sample_corpus, tmp_path):
    """ocrmypdf swaps sys.stderr; the CLI's progress and report must still be seen."""
    import os
    import sys

    from indexer.formats import sniff
    from indexer.ocr import ocr_file
    from search.config import Settings

    folder, truth = sample_corpus
    scan = folder / _first(truth, format="jpeg")["file"]
    before = sys.stderr, os.environ.get("OMP_THREAD_LIMIT")
    result = ocr_file(scan, sniff(scan), tmp_path, Settings())
    assert (sys.stderr, os.environ.get("OMP_THREAD_LIMIT")) == before
    assert result.confidence and result.confidence > 50


def test_a_text_pdf_keeps_its_page_text_and_not_its_metadata_title(ingested_corpus):
    _, index, _, truth = ingested_corpus
    t = next(t for t in truth if t["format"] == "text-pdf")
    text = index.get(record_id_for(t["sha256"])).text
    assert not text.lower().startswith("untitled")  # the PDF's /Title, which Tika puts first
    assert text.startswith(t["text"][:12])  # the page's first words come first


def test_blank_manifest_cells_follow_from_the_procedure_code_and_the_address(fresh_settings, fresh_index, tmp_path):
    """A clerk's manifest gives the procedure code and the address and leaves the procedure's
    name, its field and the commune blank: they are filled from the code and the address."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Biên bản bàn giao hồ sơ.\n", encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "file,procedure_code,procedure_name,field,subject_address,commune\n"
        "a.txt,1.000894,,,\"Thôn 3, xã Tịnh Hà, huyện Sơn Tịnh, tỉnh Quảng Ngãi\",\n", encoding="utf-8")
    report = Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    assert report.ingested == ["a.txt"], report.failed
    doc = fresh_index.search({"query": {"match_all": {}}})["hits"]["hits"][0]["_source"]
    assert (doc["procedure_name"], doc["field"], doc["commune"]) == ("Đăng ký kết hôn", "Hộ tịch", "xã Tịnh Hà")


def test_the_kind_of_result_gives_the_field_where_no_code_does():
    from indexer.procedures import fill_blanks

    assert fill_blanks({"result_type": "Giấy chứng nhận kết hôn"}) == {"field": "Hộ tịch"}
    assert fill_blanks({"result_type": "Giấy chứng nhận kết hôn", "field": "Khác"}) == {}
    assert fill_blanks({"result_type": "Công văn về việc thử"}) == {}
