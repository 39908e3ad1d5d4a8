"""Tra cứu's tesseract engine for ocrmypdf: the built-in one, measured and straightened our way.

Changes to ocrmypdf's tesseract engine, each for a measured reason (bench/README.md,
docs/extraction.md):

* **Confidence is kept.** tesseract's hOCR carries word confidences (``x_wconf``), the best
  signal we have of a page that needs a human look. After each page is read, the page's
  confidence is appended to the JSON-lines file named by ``TRACUU_OCR_CONFIDENCE_FILE``
  (set by indexer/ocr.py around each call; workers inherit it). With the sandwich renderer
  (indexer/ocr.py) tesseract writes the hOCR in the same run as its text-only PDF.
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

import html
import json
import os
import re
from pathlib import Path

from ocrmypdf import hookimpl
from ocrmypdf._exec import tesseract
from ocrmypdf.exceptions import SubprocessOutputError
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine
from PIL import Image

from search.analysis import SYLLABLE, fold, normalize

from . import skew

ENV = "TRACUU_OCR_CONFIDENCE_FILE"
#: The page's resolution in tesseract's hOCR ('scan_res 200 200').
_SCAN_RES = re.compile(r"scan_res (\d+) (\d+)")
#: Words tesseract read with less confidence than this are 'unsure': a name made of one is
#: not stored without a clerk's look (indexer/metadata/doubts.py).
UNSURE_BELOW = 90
_WORD = re.compile(r"class=['\"]ocrx_word['\"][^>]*x_wconf (\d+)[^>]*>(.*?)</span>", re.S)
_TAGS = re.compile(r"<[^>]+>")
#: Where one line of the hOCR starts (tesseract marks some lines as captions or headers).
_LINE = re.compile(r"class=['\"]ocr_(?:line|caption|header|textfloat)['\"]")


class TracuuTesseract(TesseractOcrEngine):
    @staticmethod
    def get_deskew(input_file, options) -> float:
        with Image.open(input_file) as im:
            return skew.estimate(im)

    @staticmethod
    def generate_pdf(input_file, output_pdf, output_text, options):
        """The sandwich renderer's reading: tesseract's text-only PDF and its text."""
        _read(Path(input_file), Path(output_pdf), Path(output_text), options, pdf=True)

    @staticmethod
    def generate_hocr(input_file, output_hocr, output_text, options):
        """The hOCR renderer's reading (ocrmypdf's default renderer, fpdf2)."""
        _read(Path(input_file), Path(output_hocr), Path(output_text), options, pdf=False)


def _read(image: Path, out: Path, text: Path, options, pdf: bool) -> None:
    _tesseract(image, out, text, options, pdf=pdf, pagesegmode=options.tesseract.pagesegmode)
    if text.exists() and lost_motto_line(text.read_text("utf-8", errors="replace")):
        _read_sparse(image, out, text, options, pdf=pdf)
    _record_confidence(_hocr(out, pdf))


def _tesseract(image: Path, out: Path, text: Path, options, *, pdf: bool, pagesegmode) -> None:
    """One tesseract run writing ``text`` and ``out``: the text-only PDF, with the hOCR beside
    it (``pdf``), or the hOCR."""
    t = options.tesseract
    common = dict(input_file=image, output_text=text, languages=options.languages, engine_mode=t.oem,
                  timeout=t.timeout, pagesegmode=pagesegmode, thresholding=t.thresholding,
                  user_words=t.user_words, user_patterns=t.user_patterns, omp_thread_limit=t.omp_thread_limit)
    if pdf:
        tesseract.generate_pdf(output_pdf=out, tessconfig=[*t.config, "hocr"], **common)
    else:
        tesseract.generate_hocr(output_hocr=out, tessconfig=t.config, **common)


def _hocr(out: Path, pdf: bool) -> Path:
    return out.with_suffix(".hocr") if pdf else out  # tesseract names it after the PDF


def lost_motto_line(text: str) -> bool:
    """The national motto's first line read, its second ("Độc lập - Tự do - Hạnh phúc") not."""
    return "chu nghia viet nam" in _folded(text) and not _has_second_line(text)


def _has_second_line(text: str) -> bool:
    folded = _folded(text)
    return "doc lap" in folded or "hanh phuc" in folded


def _folded(text: str) -> str:
    return " ".join(fold(text).lower().split())


def _read_sparse(image: Path, out: Path, text: Path, options, pdf: bool) -> None:
    """Read the page again as sparse text and keep that reading only if it has the line
    (not, say, the empty page tesseract leaves when it runs out of time)."""
    sparse_out, sparse_text = out.with_name("sparse_" + out.name), text.with_name("sparse_" + text.name)
    try:
        _tesseract(image, sparse_out, sparse_text, options, pdf=pdf, pagesegmode=11)
    except (SubprocessOutputError, OSError):
        return  # a second reading that fails leaves the first one standing
    if not sparse_text.exists():
        return
    if _has_second_line(sparse_text.read_text("utf-8", errors="replace")):
        if pdf and _hocr(sparse_out, pdf).exists():
            _hocr(sparse_out, pdf).replace(_hocr(out, pdf))
        sparse_out.replace(out)
        sparse_text.replace(text)


def _record_confidence(hocr: Path) -> None:
    target = os.environ.get(ENV)
    if not target or not hocr.exists():  # no hOCR: tesseract timed out and the page was skipped
        return
    page = re.match(r"\d*", hocr.name).group()  # "000001_ocr_hocr.hocr"
    words = [(int(conf), _TAGS.sub("", text)) for conf, text in _WORD.findall(hocr.read_text("utf-8"))]
    chars = sum(len(w) for _, w in words)
    mean = sum(conf * len(w) for conf, w in words) / chars if chars else None
    unsure = sorted({w for conf, w in words if conf < UNSURE_BELOW and any(c.isalpha() for c in w)})
    res = _SCAN_RES.search(hocr.read_text("utf-8"))  # the resolution tesseract was told the page has
    with open(target, "a", encoding="utf-8") as f:
        f.write(json.dumps({"page": int(page or 0), "words": len(words), "confidence": mean, "unsure": unsure,
                            "unsure_at": unsure_places(hocr.read_text("utf-8")),
                            "dpi": min(int(res[1]), int(res[2])) if res else None}, ensure_ascii=False) + "\n")


def unsure_places(hocr: str) -> list[list[str]]:
    """Each syllable of a word read unsure, with the syllables before and after it on its
    line ('' at either end), lower case: [before, syllable, after]. A title's syllables are
    looked up by them (indexer/metadata/ocr_title.py), so that a word read unsure in one
    place does not make the same word unsure everywhere on the page."""
    places = []
    for line in _LINE.split(hocr)[1:]:
        syllables: list[tuple[str, bool]] = []
        for conf, word in _WORD.findall(line):
            text = normalize(html.unescape(_TAGS.sub("", word))).lower()  # as the text is read
            syllables += [(s, int(conf) < UNSURE_BELOW) for s in SYLLABLE.findall(text)]
        for i, (syllable, unsure) in enumerate(syllables):
            if unsure:
                places.append([syllables[i - 1][0] if i else "", syllable,
                               syllables[i + 1][0] if i + 1 < len(syllables) else ""])
    return places


@hookimpl
def get_ocr_engine(options):
    return TracuuTesseract()


def read_unsure_words(path: Path) -> frozenset[str]:
    """The words of the OCR'd pages that tesseract was unsure of."""
    if not path.exists():
        return frozenset()
    pages = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return frozenset(w for p in pages for w in p.get("unsure", []))


def read_unsure_places(path: Path) -> frozenset[tuple[str, str, str]]:
    """Where on their lines the OCR'd pages' unsure syllables stand (``unsure_places``)."""
    if not path.exists():
        return frozenset()
    pages = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return frozenset(tuple(place) for p in pages for place in p.get("unsure_at", []))


def read_dpi(path: Path) -> int | None:
    """The lowest resolution among the OCR'd pages (None: not known)."""
    if not path.exists():
        return None
    pages = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = [p["dpi"] for p in pages if p.get("dpi")]
    return min(found) if found else None


def read_confidence(path: Path) -> float | None:
    """Mean confidence (0–100) over the OCR'd pages, weighted by characters read."""
    if not path.exists():
        return None
    pages = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    scored = [(p["confidence"], p["words"]) for p in pages if p["confidence"] is not None and p["words"]]
    if not scored:
        return None
    return round(sum(c * w for c, w in scored) / sum(w for _, w in scored), 1)
