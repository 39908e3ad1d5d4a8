"""Every born-digital office result gets a PDF/A-2b from the real LibreOffice (issue #17):
DOCX, DOC, ODT, RTF, HTML and TXT with Vietnamese text. The PDF says it is PDF/A-2 and
veraPDF agrees, the text read back from it is the source's (diacritics, NFC), the original
is untouched, a hung or broken conversion fails with a clear error, and a document cannot
make the converter fetch anything."""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import shutil
import socket
import subprocess
import threading
import time
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pikepdf
import pytest
from docx.shared import Pt

from indexer import office_pdf
from indexer.errors import ConversionFailed, ConversionTimedOut, ConverterMissing
from indexer.formats import Format, needs_pdfa, sniff
from indexer.office_pdf import IMPORT_FILTERS, to_pdfa
from indexer.pdf import page_texts
from search.errors import IngestError

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: run scripts/setup.sh (Debian package libreoffice-writer-nogui)")

#: veraPDF, the PDF/A validator of the Open Preservation Foundation, from Maven Central.
VERAPDF_GAV = "org.verapdf.apps:greenfield-apps:1.28.2"

LINES = [
    "ỦY BAN NHÂN DÂN HUYỆN THẠCH THẤT",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập – Tự do – Hạnh phúc",
    "QUYẾT ĐỊNH về việc cấp Giấy chứng nhận quyền sử dụng đất",
    "Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013; xét đề nghị của Phòng Tài nguyên và Môi trường.",
    "Điều 1. Cấp cho ông Nguyễn Văn Ước, thường trú tại thôn Đồng Ẩm, xã Hữu Bằng, thửa đất số 12, "
    "tờ bản đồ số 5, diện tích 245,6 m² (đất ở nông thôn).",
    "Điều 2. Chánh Văn phòng Ủy ban nhân dân huyện và ông Ước chịu trách nhiệm thi hành Quyết định này.",
]
FORMATS = ["docx", "doc", "odt", "rtf", "html", "txt"]


def _words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _soffice_convert(src: Path, to: str, profile: Path) -> Path:
    """LibreOffice itself saving the DOCX as DOC, ODT or RTF: the files clerks have."""
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", to, "--outdir", str(src.parent), str(src)],
                   check=True, capture_output=True, timeout=120, start_new_session=True)
    return src.with_suffix("." + to)


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, Path]:
    """The same decision in each of the six formats, in a folder of its own."""
    folder = tmp_path_factory.mktemp("results")
    document = docx.Document()
    for i, line in enumerate(LINES):
        run = document.add_paragraph().add_run(line)
        if i % 2:  # Decree 30's Times New Roman, and Word's default font, side by side
            run.font.name, run.font.size = "Times New Roman", Pt(13)
    files = {"docx": folder / "quyet-dinh.docx"}
    document.save(files["docx"])
    profile = tmp_path_factory.mktemp("profile")
    for to in ("doc", "odt", "rtf"):
        files[to] = _soffice_convert(files["docx"], to, profile)
    files["html"] = folder / "quyet-dinh.html"
    files["html"].write_text('<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>Quyết định</title>'
                             "</head><body>\n" + "".join(f"<p>{line}</p>\n" for line in LINES) + "</body></html>\n",
                             encoding="utf-8")
    files["txt"] = folder / "quyet-dinh.txt"
    files["txt"].write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return files


def _state(path: Path) -> tuple[str, int, list[str]]:
    """The file's bytes and time, and what its folder holds."""
    return (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns,
            sorted(p.name for p in path.parent.iterdir()))


@pytest.fixture(scope="module")
def converted(sources, tmp_path_factory) -> dict[str, tuple[Path, Path, tuple]]:
    """Each source converted, two at a time side by side (each call has its own profile):
    format → (original, PDF/A, the original's state before)."""
    before = {name: _state(path) for name, path in sources.items()}

    def convert(name: str) -> Path:
        return to_pdfa(sources[name], tmp_path_factory.mktemp(f"work-{name}"), timeout=120)

    with ThreadPoolExecutor(2) as pool:
        made = dict(zip(FORMATS, pool.map(convert, FORMATS)))
    return {name: (sources[name], made[name], before[name]) for name in FORMATS}


@needs_soffice
@pytest.mark.parametrize("name", FORMATS)
def test_each_format_is_recognised_as_one_libreoffice_converts(sources, name):
    fmt = sniff(sources[name])
    assert needs_pdfa(fmt) and fmt.mime in IMPORT_FILTERS


def test_scans_and_pdfs_are_not_given_to_libreoffice(tmp_path):
    for fmt in (Format("pdf", "application/pdf"), Format("image", "image/tiff")):
        assert not needs_pdfa(fmt)
        with pytest.raises(ValueError):
            to_pdfa(tmp_path / "scan", tmp_path, 10, fmt=fmt)


@needs_soffice
@pytest.mark.parametrize("name", FORMATS)
def test_the_derivative_is_pdfa_2b_with_every_font_embedded(converted, name):
    _, pdf_path, _ = converted[name]
    assert pdf_path.name == "archival.pdf"
    with pikepdf.open(pdf_path) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                descriptor = described.FontDescriptor
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont


@needs_soffice
@pytest.mark.parametrize("name", FORMATS)
def test_the_vietnamese_text_reads_back_exactly(converted, name):
    _, pdf_path, _ = converted[name]
    text = "\n".join(page_texts(pdf_path))
    assert "\ufffd" not in text
    assert _words(text) == _words("\n".join(LINES))


@needs_soffice
@pytest.mark.parametrize("name", FORMATS)
def test_the_original_is_untouched_and_nothing_is_left_beside_it(converted, name):
    original, pdf_path, before = converted[name]
    assert _state(original) == before
    assert list(pdf_path.parent.iterdir()) == [pdf_path]  # no profile, copy or temp file left


@pytest.fixture(scope="module")
def verapdf() -> list[str]:
    """veraPDF's command line, fetched once into ~/.m2 with Maven as the services are."""
    group, artifact, version = VERAPDF_GAV.split(":")
    jar = Path.home() / ".m2/repository" / group.replace(".", "/") / artifact / version / f"{artifact}-{version}.jar"
    if not jar.is_file():
        got = subprocess.run(["mvn", "-B", "-q", "dependency:get", f"-Dartifact={VERAPDF_GAV}", "-Dtransitive=false"],
                             capture_output=True, text=True, timeout=600)
        if got.returncode != 0 or not jar.is_file():
            pytest.fail(f"could not fetch veraPDF ({VERAPDF_GAV}) with Maven: {got.stdout[-500:]}{got.stderr[-500:]}")
    return ["java", "-cp", str(jar), "org.verapdf.apps.GreenfieldCliWrapper"]


@needs_soffice
def test_verapdf_finds_every_derivative_valid_pdfa_2b(converted, verapdf):
    pdfs = [str(converted[name][1]) for name in FORMATS]
    done = subprocess.run([*verapdf, "--flavour", "2b", "--format", "text", *pdfs],
                          capture_output=True, text=True, timeout=300)
    verdicts = {line.split()[1]: line.split()[0] for line in done.stdout.splitlines() if line[:4] in ("PASS", "FAIL")}
    assert verdicts == dict.fromkeys(pdfs, "PASS"), done.stdout + done.stderr


@needs_soffice
def test_a_hung_libreoffice_is_killed_with_everything_it_started(tmp_path, monkeypatch, sources):
    """A launcher that never ends and leaves a child holding its output: both are killed
    when the timeout is up, and the error says what to do."""
    child_pid = tmp_path / "child.pid"
    hung = tmp_path / "soffice"
    hung.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {child_pid}\nexec sleep 300\n")
    hung.chmod(0o755)
    monkeypatch.setattr(office_pdf, "SOFFICE", str(hung))
    started = time.monotonic()
    with pytest.raises(ConversionTimedOut) as e:
        to_pdfa(sources["docx"], tmp_path / "work", timeout=1.5)
    assert time.monotonic() - started < 15
    assert e.value.reason == "pdfa_timeout" and isinstance(e.value, IngestError)
    assert "quyet-dinh.docx" in e.value.message and "TRACUU_OFFICE_TIMEOUT" in e.value.message
    pid = int(child_pid.read_text())
    assert _gone(pid), f"the launcher's child {pid} outlived the timeout"
    assert list((tmp_path / "work").iterdir()) == []


@needs_soffice
def test_the_real_libreoffice_stopped_mid_conversion_leaves_no_process(tmp_path, sources):
    work = tmp_path / "work"
    sockets = set(_office_sockets())
    with pytest.raises(ConversionTimedOut):
        to_pdfa(sources["docx"], work, timeout=0.3)
    deadline = time.monotonic() + 10
    while (left := _processes_mentioning(str(work))) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == []
    assert list(work.iterdir()) == []
    # A killed LibreOffice cannot remove its socket in /tmp; to_pdfa does.
    assert [s for s in set(_office_sockets()) - sockets if _nobody_listens(s)] == []


@needs_soffice
@pytest.mark.parametrize("name, broken", [
    ("docx", lambda good: _zip_with(good, "word/document.xml", b"<w:document><w:body><w:p>")),
    ("doc", lambda good: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(6000)),
    ("odt", lambda good: _zip_with(good, "content.xml", b"<office:document-content")),
])
def test_a_broken_file_gets_a_clear_error_and_no_pdf(tmp_path, sources, name, broken):
    path = tmp_path / f"ho-so-hong.{name}"
    path.write_bytes(broken(sources[name]))
    assert needs_pdfa(sniff(path))  # it passes for its format, only LibreOffice cannot read it
    with pytest.raises(ConversionFailed) as e:
        to_pdfa(path, tmp_path / "work", timeout=120)
    assert type(e.value) is ConversionFailed and e.value.reason == "pdfa_failed"
    assert "ho-so-hong." + name in e.value.message and "hỏng" in e.value.message
    assert "could not be loaded" not in e.value.message  # LibreOffice's own words go to the log only
    assert list((tmp_path / "work").iterdir()) == []


def test_without_libreoffice_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(office_pdf, "SOFFICE", "tracuu-no-such-soffice")
    path = tmp_path / "a.txt"
    path.write_text("Quyết định", encoding="utf-8")
    with pytest.raises(ConverterMissing) as e:
        to_pdfa(path, tmp_path / "work", timeout=10)
    assert e.value.reason == "pdfa_no_converter" and "scripts/setup.sh" in e.value.message


@needs_soffice
def test_a_document_cannot_make_the_converter_fetch_anything(tmp_path):
    """A linked image in a result would otherwise be fetched while it is converted: a
    request out of the archive's network, and a hang when that host does not answer."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_OPTIONS = do_HEAD = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        path = tmp_path / "lien-ket.html"
        path.write_text(f'<html><head><meta charset="utf-8"></head><body><p>Ảnh đính kèm:</p>'
                        f'<img src="http://127.0.0.1:{server.server_port}/anh.png"></body></html>', encoding="utf-8")
        pdf_path = to_pdfa(path, tmp_path / "work", timeout=120)
    finally:
        server.shutdown()
        server.server_close()
    assert asked == []
    assert "Ảnh đính kèm" in "".join(page_texts(pdf_path))


def _zip_with(good: Path, member: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, data if info.filename == member else src.read(info))
    return out.getvalue()


def _gone(pid: int, wait: float = 5.0) -> bool:
    """The process has exited (a zombie awaiting its reaper counts as exited)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if text.encode() in (proc / "cmdline").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


def _office_sockets() -> list[Path]:
    return [p for folder in ("/tmp", "/var/tmp") for p in Path(folder).glob(f"OSL_PIPE_{os.getuid()}_*")]


def _nobody_listens(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX) as s:
        try:
            s.connect(str(path))
        except (ConnectionRefusedError, FileNotFoundError):
            return True
        except OSError:
            return False
    return False
