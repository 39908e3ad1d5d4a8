"""Tra cứu's tesseract engine for ocrmypdf: the built-in one, measured and straightened our way.

Two changes to ocrmypdf's tesseract engine, each for a measured reason (bench/README.md):

* **Confidence is kept.** ocrmypdf turns tesseract's hOCR into the PDF text layer and throws
  the hOCR away; its word confidences (``x_wconf``) are the best signal we have of a page
  that needs a human look. After each page's hOCR is written, the page's confidence is
  appended to the JSON-lines file named by ``TRACUU_OCR_CONFIDENCE_FILE`` (set by
  indexer/ocr.py around each call; workers inherit it).
* **Skew is estimated in-process** (indexer/skew.py) instead of by a second tesseract pass:
  that pass was ~40 % of OCR time, and it answered 0° on most pages tilted beyond 4°.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from ocrmypdf import hookimpl
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine
from PIL import Image

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
        target = os.environ.get(ENV)
        if not target:
            return
        page = re.match(r"\d*", Path(output_hocr).name).group()  # "000001_ocr_hocr.hocr"
        words = [(int(conf), _TAGS.sub("", text)) for conf, text in _WORD.findall(Path(output_hocr).read_text("utf-8"))]
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
