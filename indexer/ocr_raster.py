"""ocrmypdf plugin: a scanned page's image is its raster, taken as it is instead of drawn again.

Why: before tesseract reads a page, ocrmypdf draws it with pdfium and writes the drawing as a
PNG at zlib's default level. For the page a scanner makes (one image covering the page) the
drawing is that image, pixel for pixel, and the PNG encoding is most of the cost: 0.06 s on a
clean 300-dpi page, 1.1 s on a noisy or straightened one (speckle and grey edges defeat zlib's
matching), more than tesseract then takes to read it (bench/README.md). Here such a page's
image is decoded and written at zlib level 1: the file only lives until tesseract has read it.

Any other page (rotated, annotated, with vectors or text, several or transformed images,
masks, palettes, a size that does not match the resolution asked for) is left to ocrmypdf's
own rasteriser, by returning None, so nothing is ever drawn differently from what it shows.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pikepdf
from ocrmypdf import hookimpl

log = logging.getLogger(__name__)

#: ocrmypdf's raster devices this plugin can serve, and the image mode each one means.
_MODES = {"pnggray": "L", "png16m": "RGB", "pngmono": "1"}
#: zlib level of the temporary PNG: level 1 writes a noisy page 4x faster than the default.
ZLIB_LEVEL = 1
#: How far (in PDF points) the image may miss the page's edges and still be "the page".
_EDGE = 0.5
_DRAWING_OPERATORS = {"q", "Q", "cm", "Do"}


@hookimpl
def rasterize_pdf_page(input_file: Path, output_file: Path, raster_device, raster_dpi, pageno: int, page_dpi,
                       rotation, filter_vector: bool, stop_on_soft_error: bool, options, use_cropbox: bool
                       ) -> Path | None:
    mode = _MODES.get(str(raster_device))
    if mode is None or rotation or filter_vector:
        return None
    try:
        with pikepdf.open(input_file) as pdf:
            pixels = _page_image(pdf.pages[pageno - 1])
            if pixels is None:
                return None
            mediabox = [float(v) for v in pdf.pages[pageno - 1].mediabox]
    except Exception:  # noqa: BLE001 — ocrmypdf's rasteriser then draws the page, or names its fault
        log.debug("page %d: left to ocrmypdf's rasteriser", pageno, exc_info=True)
        return None
    width_pt, height_pt = mediabox[2] - mediabox[0], mediabox[3] - mediabox[1]
    dpi = raster_dpi.round(6)
    expected = (round(width_pt * dpi.x / 72.0), round(height_pt * dpi.y / 72.0))
    if pixels.mode != mode or pixels.size != expected:
        return None
    resolution = page_dpi or raster_dpi
    pixels.save(output_file, format="PNG", compress_level=ZLIB_LEVEL,
                dpi=(float(resolution.x), float(resolution.y)))
    log.debug("page %d: its image taken as the raster", pageno)
    return output_file


def _page_image(page: pikepdf.Page):
    """The pixels of the one image that exactly covers the page and is all it draws, or None."""
    if int(page.obj.get("/Rotate", 0)) % 360 or "/Annots" in page.obj:
        return None
    mediabox = [float(v) for v in page.mediabox]
    if "/CropBox" in page.obj and [float(v) for v in page.cropbox] != mediabox:
        return None
    operations = pikepdf.parse_content_stream(page)
    if {str(op.operator) for op in operations} - _DRAWING_OPERATORS:
        return None
    matrices = [[float(v) for v in op.operands] for op in operations if str(op.operator) == "cm"]
    drawn = [op.operands[0] for op in operations if str(op.operator) == "Do"]
    if len(matrices) != 1 or len(drawn) != 1:
        return None
    a, b, c, d, e, f = matrices[0]
    x0, y0, x1, y1 = mediabox
    if b or c or any(abs(u - v) > _EDGE for u, v in ((a, x1 - x0), (d, y1 - y0), (e, x0), (f, y0))):
        return None
    stream = page.obj.get("/Resources", {}).get("/XObject", {}).get(drawn[0])
    if stream is None or stream.get("/Subtype") != "/Image" or stream.get("/ImageMask", False):
        return None
    if any(key in stream for key in ("/SMask", "/Mask", "/Decode")):
        return None
    image = pikepdf.PdfImage(stream)
    if image.indexed or image.bits_per_component not in (1, 8):
        return None
    return image.as_pil_image()
