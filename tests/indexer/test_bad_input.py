"""Bad input gets a clear error, loses nothing, and the batch goes on."""

from __future__ import annotations

import http.server
import io
import threading
import zipfile

import docx
import pikepdf
import pytest
from PIL import Image

from helpers import free_port
from indexer.errors import ServiceDown
from indexer.pipeline import Ingestor
from search.index import find
from search.query import SearchRequest
from tracuu.sample.kinds import Layout
from tracuu.sample.render import plan, save_text_pdf

pytestmark = [pytest.mark.opensearch, pytest.mark.tika, pytest.mark.ocr]

LAYOUT = Layout(["ỦY BAN NHÂN DÂN", "HUYỆN LỤC NGẠN"], "Số: 12/QĐ-UBND", "Lục Ngạn, ngày 08 tháng 4 năm 2021",
                ["QUYẾT ĐỊNH"], ["Điều 1. Cho phép ông Nguyễn Văn An chuyển mục đích sử dụng đất."],
                ["CHỦ TỊCH", "(Đã ký)", "Trần Văn Bình"])


def _text_pdf(path):
    save_text_pdf(plan(LAYOUT), path)
    return path


def _scan_jpeg() -> bytes:
    page = Image.new("L", (1240, 600), 255)
    from PIL import ImageDraw

    from tracuu.sample.render import _font

    ImageDraw.Draw(page).text((100, 200), "GIẤY PHÉP XÂY DỰNG số 45/GPXD-UBND", font=_font("regular", 48), fill=0)
    buf = io.BytesIO()
    page.save(buf, "JPEG", dpi=(300, 300))
    return buf.getvalue()


def _zip_bomb(path):
    """A DOCX whose document.xml unpacks to 300 MiB of spaces (a few hundred KiB packed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = b" " * (1 << 20)
            for _ in range(300):
                f.write(chunk)
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory, settings, record_index):
    folder = tmp_path_factory.mktemp("hostile")
    _text_pdf(folder / "good.pdf")
    (folder / "scan-named.pdf").write_bytes(_scan_jpeg())  # a JPEG named .pdf
    pdf = pikepdf.open(folder / "good.pdf")
    pdf.save(folder / "encrypted.pdf", encryption=pikepdf.Encryption(user="mat-khau", owner="x"))
    Image.new("1", (30000, 30000), 1).save(folder / "bomb.png")
    _zip_bomb(folder / "bomb.docx")
    (folder / "empty.docx").write_bytes(b"")
    report = Ingestor(settings, record_index).ingest_dir(folder)
    return folder, report


def test_good_and_mislabelled_files_are_ingested(batch):
    _, report = batch
    assert sorted(report.ingested) == ["good.pdf", "scan-named.pdf"]


@pytest.mark.parametrize(("name", "reason", "says"), [
    ("encrypted.pdf", "encrypted", "mật khẩu"),
    ("bomb.png", "too_large", "900 triệu"),
    ("bomb.docx", "too_large", "zip bomb"),
    ("empty.docx", "empty", "0 byte"),
])
def test_each_bad_file_fails_with_its_reason_and_is_kept(batch, settings, name, reason, says):
    folder, report = batch
    failure = next(f for f in report.failed if f.file == name)
    assert failure.reason == reason
    assert says in failure.message and name in failure.message
    assert (settings.failed_dir / name).read_bytes() == (folder / name).read_bytes()


def test_mislabelled_jpeg_is_read_by_ocr(batch, record_index):
    hits = find(record_index, SearchRequest(q="45/GPXD-UBND")).hits
    record = record_index.get(hits[0].id)
    assert record.source_filename == "scan-named.pdf"
    assert record.pipeline["format"] == "image/jpeg"


class _Hang(http.server.BaseHTTPRequestHandler):
    def do_PUT(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        threading.Event().wait(10)

    do_GET = do_PUT

    def log_message(self, *args):
        pass


def test_tika_timing_out_fails_that_file_and_the_batch_goes_on(fresh_settings, fresh_index, tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hang)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = fresh_settings.model_copy(update={
            "tika_url": f"http://127.0.0.1:{server.server_port}", "tika_timeout": 1.0})
        folder = tmp_path / "in"
        folder.mkdir()
        d = docx.Document()
        d.add_paragraph("Quyết định số 12/QĐ-UBND")
        d.save(folder / "a.docx")
        (folder / "b.jpg").write_bytes(_scan_jpeg())
        report = Ingestor(settings, fresh_index).ingest_dir(folder)
    finally:
        server.shutdown()
    assert [(f.file, f.reason) for f in report.failed] == [("a.docx", "service_failed")]
    assert "Tika" in report.failed[0].message
    assert report.ingested == ["b.jpg"]


def test_tika_down_stops_the_run_with_a_clear_error(fresh_settings, fresh_index, tmp_path):
    settings = fresh_settings.model_copy(update={"tika_url": f"http://127.0.0.1:{free_port()}"})
    folder = tmp_path / "in"
    folder.mkdir()
    _text_pdf(folder / "a.pdf")
    ingestor = Ingestor(settings, fresh_index)
    ingestor.tika.retries = 2
    with pytest.raises(ServiceDown, match="Tika"):
        ingestor.ingest_dir(folder)
    assert not (settings.failed_dir / "a.pdf").exists(), "a service outage is not the file's fault"
    report = next(settings.reports_dir.glob("ingest-*.json")).read_text()
    assert "Tika" in report


def test_a_mixed_pdf_keeps_its_text_page_and_ocrs_the_scanned_one(fresh_settings, fresh_index, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    typed = _text_pdf(tmp_path / "typed.pdf")
    Image.open(io.BytesIO(_scan_jpeg())).save(tmp_path / "scan.pdf", "PDF", resolution=300)
    with pikepdf.open(typed) as pdf, pikepdf.open(tmp_path / "scan.pdf") as scan:
        pdf.pages.extend(scan.pages)
        pdf.save(folder / "mixed.pdf")
    report = Ingestor(fresh_settings, fresh_index).ingest_dir(folder)
    assert report.ingested == ["mixed.pdf"]
    record = fresh_index.get(find(fresh_index, SearchRequest()).hits[0].id)
    assert record.pipeline["route"] == "mixed"
    assert "Điều 1. Cho phép ông Nguyễn Văn An" in record.text  # the typed page, exactly
    assert "GIẤY PHÉP XÂY DỰNG" in record.text  # the scanned page, OCR'd
