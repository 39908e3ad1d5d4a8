"""ocrmypdf plugin: a scanned page's image is its raster, taken as it is instead of drawn again.

Why: before tesseract reads a page, ocrmypdf draws it with pdfium and writes the drawing as a
PNG at zlib's default level. For the page a scanner makes (one image covering the page) the
drawing is that image, pixel for pixel, and the PNG encoding is most of the cost: 0.06 s on a
clean 300-dpi page, 1.1 s on a noisy or straightened one (speckle and grey edges defeat zlib's
matching), more than tesseract then takes to read it (bench/README.md). Here such a page's
image is decoded and written as an *uncompressed* TIFF: 5 ms instead of 0.24 s even at zlib
level 1 on a straightened page, and tesseract reads it sooner than a PNG it must inflate
(0.02 s on a clean page, 0.09 s on a noisy one). The file only lives until tesseract has read it (9 MB for an A4 page at 300 dpi).

It is written under the name ocrmypdf chose (``rasterize.png``; the hook's return value is
not used, only that path): everything that opens it afterwards (Pillow in ocrmypdf, leptonica
in tesseract) goes by the file's first bytes, not its name, and a TIFF keeps the resolution
(``info["dpi"]``) both of them read.

Any other page (rotated, annotated, with vectors or text, several or transformed images,
masks, palettes, a size that does not match the resolution asked for) is left to ocrmypdf's
own rasteriser, by returning None, so nothing is ever drawn differently from what it shows.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pikepdf
from ocrmypdf import hookimpl

from . import page_image

log = logging.getLogger(__name__)

#: ocrmypdf's raster devices this plugin can serve, and the image mode each one means.
_MODES = {"pnggray": "L", "png16m": "RGB", "pngmono": "1", "pngmonod": "1"}


@hookimpl
def rasterize_pdf_page(input_file: Path, output_file: Path, raster_device, raster_dpi, pageno: int, page_dpi,
                       rotation, filter_vector: bool, stop_on_soft_error: bool, options, use_cropbox: bool
                       ) -> Path | None:
    mode = _MODES.get(str(raster_device))
    if mode is None or rotation or filter_vector:
        return None
    try:
        with pikepdf.open(input_file) as pdf:
            page = pdf.pages[pageno - 1]
            stream = page_image.sole_image(page)
            if stream is None:
                return None
            pixels = pikepdf.PdfImage(stream).as_pil_image()
            pixels.load()  # a truncated JPEG fails here, not half-way through writing the raster
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    except Exception:  # noqa: BLE001 — ocrmypdf's rasteriser then draws the page, or names its fault
        log.debug("page %d: left to ocrmypdf's rasteriser", pageno, exc_info=True)
        return None
    dpi = raster_dpi.round(6)
    expected = (round((x1 - x0) * dpi.x / 72.0), round((y1 - y0) * dpi.y / 72.0))
    if pixels.mode != mode or pixels.size != expected:
        return None
    resolution = page_dpi or raster_dpi
    pixels.save(output_file, format="TIFF", compression="raw", dpi=(float(resolution.x), float(resolution.y)))
    log.debug("page %d: its image taken as the raster", pageno)
    return output_file
