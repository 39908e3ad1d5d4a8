"""Every born-digital office result gets a PDF/A in its bag, served as the record's file
(the API answered 404 for all of them), and a failed conversion loses nothing."""

from __future__ import annotations

import docx
import pytest

from archive.layout import archival_file, iter_bags, read_record
from indexer.pipeline import Ingestor

pytestmark = [pytest.mark.opensearch, pytest.mark.tika]

TEXT = "Số: 12/GP-UBND\nGiấy phép xây dựng cấp cho bà Hoàng Thị Thuỷ, xã Hoằng Quỳ."


def _office_folder(root):
    root.mkdir()
    d = docx.Document()
    for line in TEXT.splitlines():
        d.add_paragraph(line)
    d.save(root / "a.docx")
    (root / "b.html").write_text(f"<html><body><h1>Giấy phép</h1><p>{TEXT}</p></body></html>", encoding="utf-8")
    (root / "c.txt").write_text(TEXT + "\nBản văn bản thuần.", encoding="utf-8")
    return root


def test_office_results_get_a_pdfa_served_as_their_file(settings, record_index, api, tmp_path):
    report = Ingestor(settings, record_index).ingest_dir(_office_folder(tmp_path / "in"))
    assert sorted(report.ingested) == ["a.docx", "b.html", "c.txt"], report.failed
    bags = list(iter_bags(settings.archive_dir))
    assert len(bags) == 3
    for bag in bags:
        record = read_record(settings.archive_dir, bag.name)
        pdf = archival_file(settings.archive_dir, bag.name)
        assert pdf is not None and pdf.name == "archival.pdf" and record.archival_sha256
        assert "pdfaid:part" in pdf.read_bytes().decode("latin-1")
        assert list((bag / "data").glob("original.*"))  # the original kept beside it
        resp = api.get(f"/api/v1/records/{bag.name}/file")
        assert resp.status_code == 200 and resp.headers["content-type"] == "application/pdf"
        assert resp.content.startswith(b"%PDF")


def test_a_failed_conversion_keeps_the_record_and_says_why(fresh_settings, fresh_index, tmp_path):
    too_short = fresh_settings.model_copy(update={"office_timeout": 0.05})
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "c.txt").write_text(TEXT, encoding="utf-8")
    report = Ingestor(too_short, fresh_index).ingest_dir(folder)
    assert report.ingested == ["c.txt"]
    bag = next(iter_bags(too_short.archive_dir))
    record = read_record(too_short.archive_dir, bag.name)
    assert record.pipeline["pdfa_failed"] == "pdfa_timeout" and record.archival_sha256 is None
    assert "Hoằng Quỳ" in record.text
    fresh_index.refresh()
    from search.index import quality_backlog

    backlog = quality_backlog(fresh_index, 90)
    item = next(i for i in backlog.items if i.id == bag.name)
    assert any("PDF/A" in r for r in item.reasons)
