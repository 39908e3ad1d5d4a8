"""Tilted scans: the angle is found, the page is read, and straight pages are left alone."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops

from indexer import skew
from indexer.formats import sniff
from indexer.ocr import ocr_file
from search.config import Settings


def _rotate(page: Image.Image, angle: float, **kw) -> Image.Image:
    return page.rotate(angle, fillcolor=255 if page.mode == "L" else "white", **kw)


def _scan_image(sample_corpus) -> tuple[Image.Image, float, dict]:
    """A one-page PNG or TIFF scan of the sample, and the tilt the sampler gave it."""
    folder, truth = sample_corpus
    row = next(t for t in truth if t["scanned"] and t["format"] in ("png", "tiff") and t["pages"] == 1)
    with Image.open(folder / row["file"]) as im:
        im.load()
        return im, (row["degradation"] or {}).get("skew", 0.0), row


@pytest.mark.parametrize("tilt", [-7.0, -4.5, -1.5, 2.0, 5.5])
def test_the_angle_that_straightens_a_tilted_page_is_found(sample_corpus, tilt):
    page, own, _ = _scan_image(sample_corpus)
    tilted = _rotate(page, tilt, resample=Image.Resampling.BICUBIC)
    assert skew.estimate(tilted) == pytest.approx(-(tilt + own), abs=0.15)


def test_a_blank_or_straight_page_is_left_as_it_is(sample_corpus):
    page, own, _ = _scan_image(sample_corpus)
    assert skew.estimate(Image.new("L", (2480, 3508), 255)) == 0.0
    straight = _rotate(page, -own, resample=Image.Resampling.BICUBIC)
    assert skew.estimate(straight) == 0.0
    assert skew.estimate(_rotate(straight, 0.6)) == 0.0


def test_a_page_tilted_six_degrees_is_still_read(sample_corpus, tmp_path):
    """Tesseract's own skew estimate answered 0° for such pages, and OCR lost most words."""
    page, own, row = _scan_image(sample_corpus)
    src = tmp_path / "tilted.png"
    _rotate(page, 6.0 - own, resample=Image.Resampling.BICUBIC).save(src, dpi=(row["dpi"], row["dpi"]))
    text = ocr_file(src, sniff(src), tmp_path, Settings()).page_texts[0]
    assert row["fields"]["doc_number"] in text
    assert " ".join(row["fields"]["subject_name"].split()[-2:]) in text


def test_a_straight_scan_keeps_its_own_pixels_in_the_archival_pdf(sample_corpus, tmp_path):
    import pikepdf

    page, own, row = _scan_image(sample_corpus)
    src = tmp_path / "straight.png"
    _rotate(page, -own).save(src, dpi=(row["dpi"], row["dpi"]))
    result = ocr_file(src, sniff(src), tmp_path, Settings())
    with pikepdf.open(result.pdfa) as pdf:
        (image,) = pdf.pages[0].get_images().values()
        archived = pikepdf.PdfImage(image).as_pil_image()
    with Image.open(src) as original:
        assert ImageChops.difference(archived, original.convert(archived.mode)).getbbox() is None
