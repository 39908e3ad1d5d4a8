"""Tilted pages are turned straight before OCR; straight pages keep their bytes; what cannot be
turned safely is declined, and ocrmypdf's own deskew still straightens and reads it."""

from __future__ import annotations

import io

import img2pdf
import pikepdf
import pytest
from fpdf import FPDF
from PIL import Image, ImageChops, ImageSequence

from indexer import pdf, skew, straighten
from indexer.formats import sniff
from indexer.ocr import ocr_file
from search.config import Settings

from pages import rotate

TILT = 3.0


def _tilted(straight_page, fmt: str = "PNG", angle: float = TILT) -> tuple[bytes, dict]:
    page, row = straight_page
    buf = io.BytesIO()
    rotate(page, angle, resample=Image.Resampling.BICUBIC).save(buf, format=fmt, dpi=(row["dpi"], row["dpi"]))
    return buf.getvalue(), row


def _straighten(path):
    fmt = sniff(path)
    with Image.open(path) as im:
        angles = [skew.estimate(frame) for frame in ImageSequence.Iterator(im)]
    return straighten.straighten(path, fmt, angles, path.parent)


@pytest.mark.parametrize("fmt, suffix", [("PNG", ".png"), ("TIFF", ".tif"), ("JPEG", ".jpg")])
def test_a_tilted_image_comes_out_a_straight_page_of_its_own_size(straight_page, tmp_path, fmt, suffix):
    data, row = _tilted(straight_page, fmt)
    src = tmp_path / f"scan{suffix}"
    src.write_bytes(data)
    out = _straighten(src)
    assert out is not None
    ((_, filters, page),) = _page_images(out)
    assert skew.estimate(page) == 0.0
    with Image.open(src) as before:
        assert page.size == before.size
    assert filters == (["/DCTDecode"] if fmt == "JPEG" else ["/FlateDecode"])  # a photo stays a JPEG
    with pikepdf.open(out) as doc:  # at the scan's resolution: A4 stays A4
        assert float(doc.pages[0].mediabox[2]) == pytest.approx(page.width * 72 / row["dpi"], abs=0.01)


def test_every_frame_of_a_multipage_tiff_is_kept_and_straight(straight_page, tmp_path):
    tilted, row = _tilted(straight_page, "PNG")
    src = tmp_path / "two.tif"
    with Image.open(io.BytesIO(tilted)) as im:
        straight_page[0].save(src, save_all=True, append_images=[im], dpi=(row["dpi"], row["dpi"]))
    out = _straighten(src)
    assert out is not None
    (_, _, first), (_, _, second) = _page_images(out)
    assert ImageChops.difference(first, straight_page[0]).getbbox() is None  # in order, untouched
    assert skew.estimate(second) == 0.0


def _pdf(tmp_path, *pages: bytes):
    src = tmp_path / "scan.pdf"
    src.write_bytes(img2pdf.convert(list(pages)))
    return src


def _page_images(path) -> list[tuple[bytes, list[str], Image.Image]]:
    """Each page's one image: its stored bytes, their filters and its pixels."""
    out = []
    with pikepdf.open(path) as doc:
        for page in doc.pages:
            (stream,) = page.get_images().values()
            image = pikepdf.PdfImage(stream)
            out.append((stream.read_raw_bytes(), image.filters, image.as_pil_image()))
    return out


def test_in_a_scanned_pdf_only_the_tilted_page_is_turned(straight_page, tmp_path):
    straight, _ = _tilted(straight_page, "JPEG", 0.0)
    tilted, _ = _tilted(straight_page, "JPEG")
    src = _pdf(tmp_path, straight, tilted)
    angles = [skew.estimate(p) for p in pdf.previews(src, skew.WORK_WIDTH)]
    assert angles[0] == 0.0 and angles[1] != 0.0

    out = straighten.straighten(src, sniff(src), angles, tmp_path)

    assert out is not None
    (first, _, _), (_, filters, second) = _page_images(out)
    assert first == straight  # the straight page keeps its very bytes
    assert filters == ["/DCTDecode"]
    assert skew.estimate(second) == 0.0


def test_a_tilted_scanned_pdf_is_read_and_archived_straight(straight_page, tmp_path):
    tilted, row = _tilted(straight_page, "JPEG", 4.0)
    src = _pdf(tmp_path, tilted)
    result = ocr_file(src, sniff(src), tmp_path, Settings())
    assert row["fields"]["doc_number"] in result.page_texts[0]
    ((_, _, archived),) = _page_images(result.pdfa)
    assert skew.estimate(archived) == 0.0


def test_a_straight_tiff_is_read_and_archived_with_its_own_pixels(straight_page, tmp_path):
    """A TIFF is put in a PDF by straighten.py rather than img2pdf (faster): losslessly."""
    page, row = straight_page
    src = tmp_path / "scan.tif"
    page.save(src, compression="tiff_adobe_deflate", dpi=(row["dpi"], row["dpi"]))
    result = ocr_file(src, sniff(src), tmp_path, Settings())
    assert row["fields"]["doc_number"] in result.page_texts[0]
    ((_, _, archived),) = _page_images(result.pdfa)
    assert ImageChops.difference(archived, page).getbbox() is None


def test_what_cannot_be_turned_safely_is_declined(straight_page, tmp_path):
    data, _ = _tilted(straight_page)
    with Image.open(io.BytesIO(data)) as im:
        palette = tmp_path / "palette.png"
        im.convert("P").save(palette)
        exif = tmp_path / "turned.jpg"
        tags = Image.Exif()
        tags[0x0112] = 3  # stored upside down, shown the right way by its orientation tag
        im.save(exif, exif=tags)
    assert straighten.straighten(palette, sniff(palette), [-TILT], tmp_path) is None
    assert straighten.straighten(exif, sniff(exif), [-TILT], tmp_path) is None

    typed = tmp_path / "typed.pdf"  # a page that carries text is never turned under it
    doc = FPDF()
    doc.add_page()
    doc.image(io.BytesIO(data), x=0, y=0, w=210, h=297)
    doc.set_font("helvetica", size=10)
    doc.text(20, 20, "Quyet dinh so 123/QD-UBND ve viec cap giay phep xay dung cho ho gia dinh")
    doc.output(str(typed))
    assert straighten.straighten(typed, sniff(typed), [-TILT], tmp_path) is None

    jpeg, _ = _tilted(straight_page, "JPEG")
    redacted = _pdf(tmp_path, jpeg)  # a box drawn over the scan would stay put as the scan turned
    with pikepdf.open(redacted, allow_overwriting_input=True) as doc:
        page = doc.pages[0]
        (name,) = page.Resources.XObject.keys()
        width, height = (float(v) for v in page.mediabox[2:])
        page.obj.Contents = doc.make_stream(f"q {width} 0 0 {height} 0 0 cm {name} Do Q 0 g 100 600 300 40 re f".encode())
        doc.save(redacted)
    assert straighten.straighten(redacted, sniff(redacted), [-TILT], tmp_path) is None

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(_pdf(tmp_path, data).read_bytes()[:4000])
    assert straighten.straighten(broken, sniff(broken), [-TILT], tmp_path) is None


def test_a_declined_file_is_still_straightened_and_read_by_ocrmypdf(straight_page, tmp_path):
    """A palette image: declined here, deskewed by ocrmypdf, read."""
    data, row = _tilted(straight_page, "PNG", 4.0)
    src = tmp_path / "palette.png"
    with Image.open(io.BytesIO(data)) as im:
        im.convert("P").save(src, dpi=(row["dpi"], row["dpi"]))
    assert _straighten(src) is None
    result = ocr_file(src, sniff(src), tmp_path, Settings())
    assert row["fields"]["doc_number"] in result.page_texts[0]
    ((_, _, archived),) = _page_images(result.pdfa)
    assert skew.estimate(archived) == 0.0
