"""Tra cứu's tesseract engine for ocrmypdf: the built-in one, measured and straightened our way.

Three changes to ocrmypdf's tesseract engine, each for a measured reason (bench/README.md,
docs/extraction.md):

* **Confidence is kept.** ocrmypdf turns tesseract's hOCR into the PDF text layer and throws
  the hOCR away; its word confidences (``x_wconf``) are the best signal we have of a page
  that needs a human look. After each page's hOCR is written, the page's confidence is
  appended to the JSON-lines file named by ``TRACUU_OCR_CONFIDENCE_FILE`` (set by
  indexer/ocr.py around each call; workers inherit it).
* **Skew is estimated in-process** (indexer/skew.py) instead of by a second tesseract pass:
  that pass cost 0.25–0.35 s a page here, and it answered 0° on most pages tilted beyond 4°.
* **A header line tesseract dropped is read again.** With its default page segmentation,
  tesseract now and then loses the second line of the two-column header whole — the
  agency's name and "Độc lập - Tự do - Hạnh phúc" beside it (2 of 113 sample scans). Every
  result carries that motto (Decree 30/2020), so its first line without its second is a
  sure sign; such a page is read again as sparse text (``--psm 11``), which keeps every
  line, and that reading is used if it has the line.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from ocrmypdf import hookimpl
from ocrmypdf._exec import tesseract
from ocrmypdf.exceptions import SubprocessOutputError
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine
from PIL import Image

from search.analysis import fold

from . import skew

ENV = "TRACUU_OCR_CONFIDENCE_FILE"
_WORD = re.compile(r"class=['\"]ocrx_word['\"][^>]*x_wconf (\d+)[^>]*>(.*?)</span>", re.S)
_TAGS = re.compile(r"<[^>]+>")


class TracuuTesseract(TesseractOcrEngine):
    @staticmethod
    def get_deskew(input_file, options) -> float:
        with Image.open(input_file) as im:
            return skew.estimate(im)

    @staticmethod
    def generate_hocr(input_file, output_hocr, output_text, options):
        TesseractOcrEngine.generate_hocr(input_file, output_hocr, output_text, options)
        if lost_motto_line(Path(output_text).read_text("utf-8", errors="replace")):
            _read_sparse(Path(input_file), Path(output_hocr), Path(output_text), options)
        _record_confidence(Path(output_hocr))


def lost_motto_line(text: str) -> bool:
    """The national motto's first line read, its second ("Độc lập - Tự do - Hạnh phúc") not."""
    return "chu nghia viet nam" in _folded(text) and not _has_second_line(text)


def _has_second_line(text: str) -> bool:
    folded = _folded(text)
    return "doc lap" in folded or "hanh phuc" in folded


def _folded(text: str) -> str:
    return " ".join(fold(text).lower().split())


def _read_sparse(image: Path, hocr: Path, text: Path, options) -> None:
    """Read the page again as sparse text and keep that reading only if it has the line
    (not, say, the empty page tesseract leaves when it runs out of time)."""
    sparse_hocr, sparse_text = hocr.with_name("sparse_" + hocr.name), text.with_name("sparse_" + text.name)
    t = options.tesseract
    try:
        tesseract.generate_hocr(
            input_file=image, output_hocr=sparse_hocr, output_text=sparse_text, languages=options.languages,
            engine_mode=t.oem, tessconfig=t.config, timeout=t.timeout, pagesegmode=11, thresholding=t.thresholding,
            user_words=t.user_words, user_patterns=t.user_patterns, omp_thread_limit=t.omp_thread_limit,
        )
    except (SubprocessOutputError, OSError):
        return  # a second reading that fails leaves the first one standing
    if not sparse_text.exists():
        return
    if _has_second_line(sparse_text.read_text("utf-8", errors="replace")):
        sparse_hocr.replace(hocr)
        sparse_text.replace(text)


def _record_confidence(hocr: Path) -> None:
    target = os.environ.get(ENV)
    if not target:
        return
    page = re.match(r"\d*", hocr.name).group()  # "000001_ocr_hocr.hocr"
    words = [(int(conf), _TAGS.sub("", text)) for conf, text in _WORD.findall(hocr.read_text("utf-8"))]
    chars = sum(len(w) for _, w in words)
    mean = sum(conf * len(w) for conf, w in words) / chars if chars else None
    with open(target, "a", encoding="utf-8") as f:
        f.write(json.dumps({"page": int(page or 0), "words": len(words), "confidence": mean}) + "\n")


@hookimpl
def get_ocr_engine(options):
    return TracuuTesseract()


def read_confidence(path: Path) -> float | None:
    """Mean confidence (0–100) over the OCR'd pages, weighted by characters read."""
    if not path.exists():
        return None
    pages = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    scored = [(p["confidence"], p["words"]) for p in pages if p["confidence"] is not None and p["words"]]
    if not scored:
        return None
    return round(sum(c * w for c, w in scored) / sum(w for _, w in scored), 1)
