"""PDF/A-2b derivatives of born-digital office results with LibreOffice headless: the only
module that runs ``soffice``.

DOCX, DOC, ODT, RTF, HTML and plain text (``formats.needs_pdfa``) get an archival PDF/A
beside the untouched original, as scans get theirs from OCR (docs/pdfa.md says why
LibreOffice and what is checked). Each call:

- works on a *copy* of the file under a neutral name in its own folder, so LibreOffice's
  lock and temp files never touch the original's folder and no file name reaches its
  command line;
- names LibreOffice's import filter for the sniffed format, so a broken DOC fails instead
  of being read as plain text and turned into a PDF of its bytes;
- starts LibreOffice with a throwaway user profile: two conversions run side by side, a
  stale lock of an earlier run cannot hang this one, and the profile blocks what a document
  must not do while it is converted (fetch linked images from the network or local files,
  run macros);
- kills LibreOffice's whole process group when it overruns the timeout;
- checks the result: a PDF with pages, an output intent and ``pdfaid:part`` 2 in its XMP.

Errors are :class:`~indexer.errors.ConversionFailed` and its subclasses; their messages
name the file and what to do, never LibreOffice's output or the document's content.
Not thread-bound: calls may run in threads or processes at once, one ``workdir`` each.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pikepdf

from .errors import ConversionFailed, ConversionTimedOut, ConverterMissing
from .formats import Format, needs_pdfa, sniff

log = logging.getLogger(__name__)

#: The LibreOffice launcher (a name on PATH or a path).
SOFFICE = "soffice"

#: Writer's PDF export as PDF/A-2b (SelectPdfVersion 2; 1 would be PDF/A-1b, 3 PDF/A-3b),
#: keeping the resolution of embedded pictures: LibreOffice would bring them down to 300 dpi,
#: and a scan pasted into a DOCX is part of the record (docs/pdfa.md has the sizes).
EXPORT = "pdf:writer_pdf_Export:" + json.dumps({
    "SelectPdfVersion": {"type": "long", "value": "2"},
    "ReduceImageResolution": {"type": "boolean", "value": "false"},
}, separators=(",", ":"))

#: For each MIME type ``sniff`` gives an office or text file: the suffix of the copy
#: LibreOffice opens, its import filter, and the format's name for messages. Writer, not
#: Writer/Web, imports HTML: Writer/Web's PDF export drops headings. Text is UTF-8, as
#: ``sniff`` only calls text what decodes as UTF-8.
IMPORT_FILTERS: dict[str, tuple[str, str, str]] = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
        ("docx", "MS Word 2007 XML", "DOCX"),
    "application/msword": ("doc", "MS Word 97", "DOC"),
    "application/vnd.oasis.opendocument.text": ("odt", "writer8", "ODT"),
    "application/rtf": ("rtf", "Rich Text Format", "RTF"),
    "text/html": ("html", "HTML (StarWriter)", "HTML"),
    "text/plain": ("txt", "Text (encoded):UTF8", "TXT"),
}

#: Seeded into each throwaway profile: no loading of linked images or other resources from
#: the network or the disk (BlockUntrustedRefererLinks), and no macros.
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks"
 oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution"
 oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel"
 oor:op="fuse"><value>3</value></prop></item>
</oor:items>
"""

#: What the result is called in ``workdir`` (the OCR route calls its PDF/A the same).
OUTPUT_NAME = "archival.pdf"


def to_pdfa(src: Path, workdir: Path, timeout: float, *, fmt: Format | None = None) -> Path:
    """Make ``workdir/archival.pdf``, a PDF/A-2b of the office, HTML or text file ``src``, and
    return its path; ``src`` is only read. ``fmt`` is ``sniff(src)``, sniffed here when not
    given. Raises ConversionFailed (ConversionTimedOut after ``timeout`` seconds,
    ConverterMissing without LibreOffice); ValueError for a format LibreOffice does not get."""
    fmt = fmt or sniff(src)
    if not needs_pdfa(fmt) or fmt.mime not in IMPORT_FILTERS:
        raise ValueError(f"{fmt.mime} is not converted by LibreOffice (see formats.needs_pdfa)")
    suffix, import_filter, label = IMPORT_FILTERS[fmt.mime]
    soffice = _soffice()
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    job = Path(tempfile.mkdtemp(prefix="soffice-", dir=workdir))
    profile = job / "profile"
    try:
        source = job / f"source.{suffix}"
        shutil.copyfile(src, source)
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")
        (job / "tmp").mkdir()
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo",
               f"--infilter={import_filter}", "--convert-to", EXPORT, "--outdir", str(job / "out"), str(source)]
        started = time.monotonic()
        output = _run(cmd, timeout, env={**os.environ, "TMPDIR": str(job / "tmp")}, name=src.name)
        made = job / "out" / "source.pdf"
        if not made.is_file() or made.stat().st_size == 0:
            # Not its output: it names the file's path and may quote the document.
            log.warning("LibreOffice made no PDF (%s, %d bytes of output)", label, len(output))
            raise ConversionFailed(
                f"LibreOffice không mở được tệp '{src.name}' như một tệp {label} nên không tạo được bản "
                f"PDF/A; tệp có thể hỏng. Hãy mở thử tệp gốc bằng Word hoặc LibreOffice; nếu mở được, lưu lại "
                "thành tệp mới.")
        _check_pdfa(made, src.name)
        out = workdir / OUTPUT_NAME
        made.replace(out)
        log.info("PDF/A (%s) made in %.1f s", label, time.monotonic() - started)
        return out
    finally:
        shutil.rmtree(job, ignore_errors=True)
        _remove_ipc_pipe(profile.as_uri())


@functools.lru_cache(maxsize=1)
def converter_version() -> str:
    """LibreOffice's version, e.g. ``LibreOffice 7.4.7.2``, for the record's provenance."""
    done = subprocess.run([_soffice(), "--version"], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    return " ".join(done.stdout.split()[:2]) or "LibreOffice"


def _soffice() -> str:
    found = shutil.which(SOFFICE)
    if found is None:
        raise ConverterMissing(
            "Không tìm thấy LibreOffice (lệnh 'soffice') để tạo bản PDF/A của tệp văn phòng; "
            "hãy chạy scripts/setup.sh (cài gói libreoffice-writer-nogui).")
    return found


def _run(cmd: list[str], timeout: float, env: dict[str, str], name: str) -> str:
    """Run LibreOffice in a process group of its own, and kill the whole group (the launcher
    and ``soffice.bin``) when it overruns ``timeout`` or this call is interrupted."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=env, start_new_session=True)
    try:
        # Returns when every process holding the pipe has exited, soffice.bin included.
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise ConversionTimedOut(
            f"LibreOffice không chuyển xong tệp '{name}' sang PDF/A trong {timeout:g} giây nên đã bị dừng. "
            "Tệp có thể quá lớn hoặc làm LibreOffice treo: hãy tách tệp, hoặc tăng TRACUU_OFFICE_TIMEOUT.") from None
    except BaseException:
        _kill_group(proc)
        raise
    return output.decode("utf-8", "replace")


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:  # a child that left the group still holds the pipe
        log.warning("LibreOffice (pid %d) still holds its output after being killed", proc.pid)


def _remove_ipc_pipe(profile_uri: str) -> None:
    """LibreOffice listens on a socket in /tmp named after its profile and removes it when it
    exits; a killed one cannot, and each profile is new, so they would pile up. The name is
    the MD5 of the profile's URL in UTF-16, each byte in hex without padding
    (desktop/source/app/officeipcthread.cxx)."""
    digest = "".join(format(b, "x") for b in hashlib.md5(profile_uri.encode("utf-16-le")).digest())
    for folder in ("/tmp", "/var/tmp"):  # osl's pipe folder and its fallback
        try:
            Path(folder, f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{digest}").unlink(missing_ok=True)
        except OSError as e:
            log.warning("could not remove LibreOffice's socket in %s: %s", folder, e)


def _check_pdfa(path: Path, name: str) -> None:
    """A PDF with pages, an output intent and the PDF/A-2 marker in its XMP; the deep check
    (fonts embedded, colour, metadata against the ISO rules) is veraPDF's, in the tests."""
    problem = ""
    try:
        with pikepdf.open(path) as pdf:
            if len(pdf.pages) == 0:
                problem = "no pages"
            elif "/OutputIntents" not in pdf.Root:
                problem = "no output intent"
            elif not pdf.open_metadata().pdfa_status.startswith("2"):
                problem = f"XMP says PDF/A '{pdf.open_metadata().pdfa_status}'"
    except pikepdf.PdfError as e:
        problem = f"unreadable PDF ({e})"
    if problem:
        log.warning("LibreOffice's PDF of %s is not PDF/A-2: %s", name, problem)
        raise ConversionFailed(
            f"LibreOffice tạo bản PDF của tệp '{name}' nhưng bản đó không đạt chuẩn PDF/A-2; "
            "hãy báo quản trị hệ thống kiểm tra phiên bản LibreOffice.")
