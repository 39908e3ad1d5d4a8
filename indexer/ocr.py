"""OCR of scans with ocrmypdf + tesseract: with its plugins (ocr_engine.py, ocr_raster.py) and
ocr_probes.py, the only code that imports ocrmypdf.

The output is a *separate* PDF/A derivative with a text layer; the original is never
rewritten, so a digital signature on it stays verifiable. Text is read from ocrmypdf's
sidecar: it keeps tesseract's line order, where ``pdftotext`` scrambles skewed pages.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import ocrmypdf
from ocrmypdf import exceptions as ocr_exc
from PIL import Image, ImageSequence

from search.config import Settings

from . import ocr_engine, ocr_probes, ocr_raster, pdf, skew, straighten
from .errors import CorruptFile, EncryptedFile, ServiceFailed
from .formats import Format, stated_dpi

log = logging.getLogger(__name__)

#: Assumed resolution of an image that does not say (Decree 30/2020 asks for ≥ 200 dpi).
DEFAULT_DPI = 300
#: Our ocrmypdf plugins: the tesseract engine, and the rasteriser for scanned pages.
PLUGINS = [ocr_engine.__name__, ocr_raster.__name__]


@dataclass(frozen=True)
class OcrResult:
    pdfa: Path
    page_texts: list[str | None]  # None: the page had text already and was not OCR'd
    tools: dict[str, str]
    confidence: float | None = None  # tesseract's mean word confidence, 0–100
    unsure_words: frozenset[str] = frozenset()  # words read with low confidence
    #: each unsure syllable with its neighbours on its line (ocr_engine.unsure_places)
    unsure_places: frozenset[tuple[str, str, str]] = frozenset()
    dpi: int | None = None  # the lowest resolution of the OCR'd pages, as tesseract was given them

    @property
    def pages(self) -> int:
        return len(self.page_texts)


@dataclass(frozen=True)
class Prepared:
    """What ocrmypdf is given for a file: the file itself or a PDF made of it, and whether
    ocrmypdf must still deskew it."""

    source: Path
    deskew: bool


def ocr_file(src: Path, fmt: Format, workdir: Path, settings: Settings) -> OcrResult:
    return ocr_prepared(src, fmt, prepare(src, fmt, workdir), workdir, settings)


def prepare(src: Path, fmt: Format, workdir: Path) -> Prepared:
    """Tilted pages are straightened first, where that is cheap and safe (straighten.py);
    otherwise ocrmypdf's own deskew does it, for the whole file. An image img2pdf would
    re-encode is put in a PDF the same way, untilted pages as they are, only faster."""
    angles = _angles(src, fmt)
    if (any(angles) or _reencoded_by_img2pdf(src, fmt)) and (
            made := straighten.straighten(src, fmt, angles, workdir, DEFAULT_DPI)):
        return Prepared(made, deskew=False)
    return Prepared(src, deskew=any(angles))


def ocr_prepared(src: Path, fmt: Format, prepared: Prepared, workdir: Path, settings: Settings) -> OcrResult:
    """ocrmypdf on what ``prepare`` made of ``src`` (whose name the errors give)."""
    ocr_probes.remember_tool_versions()
    out = workdir / "archival.pdf"
    sidecar = workdir / "ocr.txt"
    source = prepared.source
    options = dict(
        language=[settings.ocr_language],
        # PDF/A wherever pikepdf can make and validate it, else a plain PDF rather than no
        # derivative (a born-digital page of a mixed PDF may hold constructs its validator
        # does not check). Not Ghostscript: Debian 12's 10.0 corrupts PDFs that already
        # carry text, and ocrmypdf refuses it for skip_text.
        output_type="auto",
        pdfa_backend="internal",
        sidecar=sidecar,
        jobs=settings.ocr_jobs,
        # Chosen by measurement on the sample corpus (bench/README.md): ocrmypdf's deskew runs
        # only for a tilted file straighten.py declined, with our own angle estimate
        # (ocr_engine.py); sauvola thresholding lowers errors on degraded 200-dpi scans, and
        # on 300-dpi ones keeps fields Otsu loses (~0.07 s a page); unpaper's clean,
        # oversampling and other page-segmentation modes gained nothing.
        deskew=prepared.deskew,
        tesseract_thresholding="sauvola",
        # tesseract's own text-only PDF (with its hOCR, for the confidence, from the same run)
        # instead of ocrmypdf drawing the text layer from the hOCR with fpdf2: ~0.06 s a page
        # less, the same text (the sidecar is tesseract's text either way).
        pdf_renderer="sandwich",
        skip_text=True,  # pages that already carry text are not OCR'd again
        progress_bar=False,
        invalidate_digital_signatures=True,  # the derivative only; the original stays intact
        tesseract_timeout=300,
    )
    if source == src and fmt.kind == "image" and _lacks_dpi(src):
        options["image_dpi"] = DEFAULT_DPI
    confidence_file = workdir / "confidence.jsonl"
    # ocrmypdf lets tesseract use OpenMP threads when a file has fewer pages than jobs; on
    # this kind of machine that makes a one-page scan 3-4x slower (bench/results/), so
    # tesseract runs single-threaded and ocrmypdf parallelises pages instead.
    env = {ocr_engine.ENV: str(confidence_file), "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    stderr = sys.stderr  # ocrmypdf.ocr() (17.13) leaves sys.stderr swapped for a StringIO
    try:
        ocrmypdf.ocr(source, out, plugins=PLUGINS, **options)
    except ocr_exc.EncryptedPdfError:
        raise EncryptedFile(
            f"Tệp '{src.name}' được đặt mật khẩu; hãy xin bản không mật khẩu từ cơ quan ban hành."
        ) from None
    except (ocr_exc.InputFileError, ocr_exc.UnsupportedImageFormatError, ocr_exc.DpiError) as e:
        raise CorruptFile(f"Không đọc được tệp '{src.name}' để nhận dạng chữ: {_first_line(e)}") from e
    except (ocr_exc.SubprocessOutputError, ocr_exc.MissingDependencyError) as e:
        raise ServiceFailed(f"Nhận dạng chữ (OCR) thất bại với tệp '{src.name}': {_first_line(e)}") from e
    except ocr_exc.ExitCodeException as e:
        raise CorruptFile(f"Không nhận dạng được chữ trong tệp '{src.name}': {_first_line(e)}") from e
    finally:
        sys.stderr = stderr
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    sidecar_text = sidecar.read_text(encoding="utf-8", errors="replace") if sidecar.exists() else ""
    pages, pdfa = _inspect(out)
    return OcrResult(pdfa=out, page_texts=split_sidecar(sidecar_text, pages),
                     tools={**_versions(), "pdfa": pdfa}, confidence=ocr_engine.read_confidence(confidence_file),
                     unsure_words=ocr_engine.read_unsure_words(confidence_file),
                     unsure_places=ocr_engine.read_unsure_places(confidence_file),
                     dpi=ocr_engine.read_dpi(confidence_file))


_SKIPPED = re.compile(r"^\[OCR skipped on page\(s\) (\d+)(?:-(\d+))?\]$")


def split_sidecar(text: str, pages: int) -> list[str | None]:
    """Per-page text from ocrmypdf's sidecar: pages are separated by form feeds, and a
    run of pages that were not OCR'd is one '[OCR skipped on page(s) a-b]' chunk."""
    out: list[str | None] = []
    for chunk in text.split("\f"):
        if m := _SKIPPED.match(chunk.strip()):
            first, last = int(m.group(1)), int(m.group(2) or m.group(1))
            out += [None] * (last - first + 1)
        else:
            out.append(chunk)
    if len(out) != pages:  # an unexpected sidecar shape: keep all text on the first page
        return ["\n".join(c for c in out if c)] + [""] * (pages - 1) if pages else []
    return out


def _angles(src: Path, fmt: Format) -> list[float]:
    """How far each page is tilted (0.0: straight enough to leave alone)."""
    try:
        if fmt.kind == "pdf":
            return [skew.estimate(page) for page in pdf.previews(src, skew.WORK_WIDTH)]
        with Image.open(src) as im:
            if im.format == "JPEG":  # decoded at the scale judged (1/2–1/8): 40 % faster
                im.draft("L", (skew.WORK_WIDTH, round(skew.WORK_WIDTH * im.height / max(im.width, 1))))
            return [skew.estimate(frame) for frame in ImageSequence.Iterator(im)]
    except Exception:  # noqa: BLE001 — an unreadable file is ocrmypdf's to report, with its reason
        return []


def _reencoded_by_img2pdf(src: Path, fmt: Format) -> bool:
    """Whether ocrmypdf's img2pdf would decode this image and write it again as a PNG at zlib's
    default level (0.07 s for a clean A4 page at 300 dpi, 0.2–0.9 s for a noisy one; ours
    takes a third): every image but a JPEG, a PNG or a fax-coded (CCITT) TIFF, which it
    embeds as they are."""
    if fmt.kind != "image":
        return False
    try:
        with Image.open(src) as im:
            return im.format not in ("JPEG", "MPO", "PNG", "JPEG2000") and im.info.get("compression") not in (
                "group3", "group4", "tiff_ccitt")
    except Exception:  # noqa: BLE001 — ocrmypdf will report the unreadable image itself
        return False


def _lacks_dpi(path: Path) -> bool:
    try:
        with Image.open(path) as im:
            return stated_dpi(im.info) is None
    except Exception:  # noqa: BLE001 — ocrmypdf will report the unreadable image itself
        return False


def _inspect(pdf: Path) -> tuple[int, str]:
    """Page count, and the PDF/A level the derivative declares ('' when it is a plain PDF)."""
    import pikepdf  # a dependency of ocrmypdf

    with pikepdf.open(pdf) as p:
        return len(p.pages), p.open_metadata().pdfa_status


def _versions() -> dict[str, str]:
    from ocrmypdf._exec import tesseract

    return {"ocrmypdf": ocrmypdf.__version__, "tesseract": str(tesseract.version())}


def _first_line(e: Exception) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0][:200]
