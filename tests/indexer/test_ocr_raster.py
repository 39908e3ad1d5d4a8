"""The raster tesseract reads: a scanner's page is its own image, pixel for pixel; any page
that is more than that is left to ocrmypdf's rasteriser."""

from __future__ import annotations

import io
import os
import subprocess

import img2pdf
import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pytest
from fpdf import FPDF
from ocrmypdf.helpers import Resolution
from PIL import Image, ImageChops

from indexer import ocr_raster
from search.analysis import fold


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


def _drawn(path, dpi) -> np.ndarray:
    """The page as pdfium draws it for ocrmypdf."""
    doc = pdfium.PdfDocument(str(path))
    try:
        return np.asarray(doc[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L"), dtype=float)
    finally:
        doc.close()


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
        # and it is the page as shown, not flipped, inverted or shifted
        assert np.abs(np.asarray(raster, dtype=float) - _drawn(path, dpi)).mean() < 4


def test_tesseract_reads_the_raster_under_the_name_ocrmypdf_gave_it(scanned_pdf, tmp_path):
    """It is a TIFF behind a .png name: tesseract must go by its bytes (Pillow does: above)."""
    path, dpi = scanned_pdf
    out = _raster(path, dpi, tmp_path)
    text = subprocess.run(["tesseract", str(out), "-", "-l", "vie"], capture_output=True, text=True, check=True,
                          env=os.environ | {"OMP_THREAD_LIMIT": "1"}).stdout
    assert "hanh phuc" in fold(text).lower()


def test_a_one_bit_scan_is_rasterised_as_its_own_pixels(straight_page, tmp_path):
    page, row = straight_page
    buf = io.BytesIO()
    page.convert("1").save(buf, format="TIFF", compression="group4", dpi=(row["dpi"], row["dpi"]))
    path = tmp_path / "fax.pdf"
    path.write_bytes(img2pdf.convert(buf.getvalue()))
    out = _raster(path, row["dpi"], tmp_path, device="pngmonod")  # what ocrmypdf asks of a 1-bit page
    assert out is not None
    with Image.open(out) as raster:
        assert raster.mode == "1"
        assert np.abs(np.asarray(raster.convert("L"), dtype=float) - _drawn(path, row["dpi"])).mean() < 4


def _rewritten(path, tmp_path, content: bytes | None = None, **page_keys):
    """The scanned page with its drawing or its keys changed."""
    out = tmp_path / "changed.pdf"
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        if content is not None:
            page.obj.Contents = pdf.make_stream(content)
        for key, value in page_keys.items():
            page.obj[f"/{key}"] = value
        pdf.save(out)
    return out


def test_anything_more_than_one_image_is_left_to_ocrmypdf(scanned_pdf, tmp_path):
    path, dpi = scanned_pdf
    assert _raster(path, dpi * 2, tmp_path) is None  # not at the image's own resolution
    assert _raster(path, dpi, tmp_path, device="png16m") is None  # colour asked of a grey page
    with pikepdf.open(path) as pdf:
        (name,) = pdf.pages[0].Resources.XObject.keys()
        width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
        jpeg = pdf.pages[0].Resources.XObject[name].read_raw_bytes()
    place = f"{width} 0 0 {height} 0 0 cm {name} Do".encode()

    assert _raster(_rewritten(path, tmp_path, Rotate=90), dpi, tmp_path) is None
    annotated = _rewritten(path, tmp_path, Annots=pikepdf.Array([pikepdf.Dictionary(Subtype=pikepdf.Name.Text)]))
    assert _raster(annotated, dpi, tmp_path) is None
    redacted = b"q " + place + b" Q 0 g 100 100 200 50 re f"  # a box drawn over the scan
    assert _raster(_rewritten(path, tmp_path, redacted), dpi, tmp_path) is None
    restored_first = b"q " + place.replace(b" Do", b"") + b" Q " + name.encode() + b" Do"  # drawn 1 pt wide
    assert _raster(_rewritten(path, tmp_path, restored_first), dpi, tmp_path) is None
    half = f"q {width / 2} 0 0 {height / 2} 0 0 cm {name} Do Q".encode()
    assert _raster(_rewritten(path, tmp_path, half), dpi, tmp_path) is None

    typed = tmp_path / "typed.pdf"  # the same picture, same size, with words printed over it
    doc = FPDF(unit="pt", format=(width, height))
    doc.add_page()
    doc.image(io.BytesIO(jpeg), x=0, y=0, w=width, h=height)
    doc.set_font("helvetica", size=10)
    doc.text(40, 40, "Giay chung nhan")
    doc.output(str(typed))
    assert _raster(typed, dpi, tmp_path) is None


def test_a_damaged_image_is_left_to_ocrmypdf_not_an_error(scanned_pdf, tmp_path):
    path, dpi = scanned_pdf
    damaged = tmp_path / "damaged.pdf"
    with pikepdf.open(path) as pdf:
        (stream,) = pdf.pages[0].get_images().values()
        stream.write(stream.read_raw_bytes()[:5000], filter=pikepdf.Name.DCTDecode)  # a cut-off JPEG
        pdf.save(damaged)
    assert _raster(damaged, dpi, tmp_path) is None
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(path.read_bytes()[:2000])
    assert _raster(broken, dpi, tmp_path) is None
