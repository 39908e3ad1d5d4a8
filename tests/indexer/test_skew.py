"""Tilted scans: the angle is found, the page is read, and straight pages are left alone."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops

from indexer import skew
from indexer.formats import sniff
from indexer.ocr import ocr_file
from search.config import Settings

from pages import rotate as _rotate


@pytest.mark.parametrize("tilt", [-7.0, -4.5, -1.5, 2.0, 5.5])
def test_the_angle_that_straightens_a_tilted_page_is_found(scan_page, tilt):
    page, own, _ = scan_page
    tilted = _rotate(page, tilt, resample=Image.Resampling.BICUBIC)
    assert skew.estimate(tilted) == pytest.approx(-(tilt + own), abs=0.15)


def test_a_blank_or_straight_page_is_left_as_it_is(straight_page):
    straight, _ = straight_page
    assert skew.estimate(Image.new("L", (2480, 3508), 255)) == 0.0
    assert skew.estimate(straight) == 0.0
    assert skew.estimate(_rotate(straight, 0.6)) == 0.0


def test_a_page_tilted_six_degrees_is_still_read(scan_page, tmp_path):
    """Tesseract's own skew estimate answered 0° for such pages, and OCR lost most words."""
    page, own, row = scan_page
    src = tmp_path / "tilted.png"
    _rotate(page, 6.0 - own, resample=Image.Resampling.BICUBIC).save(src, dpi=(row["dpi"], row["dpi"]))
    text = ocr_file(src, sniff(src), tmp_path, Settings()).page_texts[0]
    assert row["fields"]["doc_number"] in text
    assert " ".join(row["fields"]["subject_name"].split()[-2:]) in text


def test_a_straight_scan_keeps_its_own_pixels_in_the_archival_pdf(scan_page, tmp_path):
    import pikepdf

    page, own, row = scan_page
    src = tmp_path / "straight.png"
    _rotate(page, -own).save(src, dpi=(row["dpi"], row["dpi"]))
    result = ocr_file(src, sniff(src), tmp_path, Settings())
    with pikepdf.open(result.pdfa) as pdf:
        (image,) = pdf.pages[0].get_images().values()
        archived = pikepdf.PdfImage(image).as_pil_image()
    with Image.open(src) as original:
        assert ImageChops.difference(archived, original.convert(archived.mode)).getbbox() is None
