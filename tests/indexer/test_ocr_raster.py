"""The raster tesseract reads: a scanner's page is its own image, pixel for pixel; any page
that is more than that is left to ocrmypdf's rasteriser."""

from __future__ import annotations

import io

import img2pdf
import pikepdf
import pytest
from fpdf import FPDF
from ocrmypdf.helpers import Resolution
from PIL import Image, ImageChops

from indexer import ocr_raster


@pytest.fixture
def scanned_pdf(straight_page, tmp_path):
    """A one-page PDF as a scanner makes it: one JPEG covering the page, at the scan's dpi."""
    page, row = straight_page
    buf = io.BytesIO()
    page.save(buf, format="JPEG", dpi=(row["dpi"], row["dpi"]))
    path = tmp_path / "scan.pdf"
    path.write_bytes(img2pdf.convert(buf.getvalue()))
    return path, row["dpi"]


def _raster(path, dpi, tmp_path, device="pnggray"):
    out = tmp_path / "raster.png"
    return ocr_raster.rasterize_pdf_page(
        input_file=path, output_file=out, raster_device=device, raster_dpi=Resolution(dpi, dpi), pageno=1,
        page_dpi=Resolution(dpi, dpi), rotation=0, filter_vector=False, stop_on_soft_error=True, options=None,
        use_cropbox=False)


def test_a_scanned_page_is_rasterised_as_its_own_pixels(scanned_pdf, tmp_path):
    path, dpi = scanned_pdf
    out = _raster(path, dpi, tmp_path)
    assert out is not None
    with pikepdf.open(path) as pdf:
        (stream,) = pdf.pages[0].get_images().values()
        embedded = pikepdf.PdfImage(stream).as_pil_image()
    with Image.open(out) as raster:
        assert ImageChops.difference(raster, embedded).getbbox() is None
        assert round(raster.info["dpi"][0]) == dpi  # tesseract sizes its text by it


def test_anything_more_than_one_image_is_left_to_ocrmypdf(scanned_pdf, tmp_path):
    path, dpi = scanned_pdf
    assert _raster(path, dpi * 2, tmp_path) is None  # not at the image's own resolution
    assert _raster(path, dpi, tmp_path, device="png16m") is None  # colour asked of a grey page

    turned = tmp_path / "turned.pdf"
    with pikepdf.open(path) as pdf:
        pdf.pages[0].obj.Rotate = 90
        pdf.save(turned)
    assert _raster(turned, dpi, tmp_path) is None

    with pikepdf.open(path) as pdf:
        (stream,) = pdf.pages[0].get_images().values()
        jpeg = stream.read_raw_bytes()
        width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
    typed = tmp_path / "typed.pdf"  # the same picture, same size, with words printed over it
    doc = FPDF(unit="pt", format=(width, height))
    doc.add_page()
    doc.image(io.BytesIO(jpeg), x=0, y=0, w=width, h=height)
    doc.set_font("helvetica", size=10)
    doc.text(40, 40, "Giay chung nhan")
    doc.output(str(typed))
    assert _raster(typed, dpi, tmp_path) is None

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(path.read_bytes()[:2000])
    assert _raster(broken, dpi, tmp_path) is None
