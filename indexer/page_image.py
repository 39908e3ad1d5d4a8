"""Whether a PDF page is what a scanner makes (one image covering the page, nothing else) and
that image.

Why: such a page can be worked on through its image alone (turned straight, handed to
tesseract as it is) and come out exactly as it shows. Anything more on the page (text,
vectors such as a redaction box drawn over the scan, annotations, a second image, a
transformed, masked or palette image, a rotated page) would be left behind or shown
differently, so such pages are not this module's: callers leave them to ocrmypdf.
"""

from __future__ import annotations

import pikepdf

#: How far (in PDF points) the image may miss the page's edges and still be "the page".
EDGE = 0.5
#: The only drawings of such a page: the image placed on the page, in a saved state or not.
_SEQUENCES = (["q", "cm", "Do", "Q"], ["cm", "Do"])


def sole_image(page: pikepdf.Page) -> pikepdf.Stream | None:
    """The image XObject that is the whole page, or None when the page is anything more."""
    if int(page.obj.get("/Rotate", 0)) % 360 or "/Annots" in page.obj:
        return None
    mediabox = [float(v) for v in page.mediabox]
    if "/CropBox" in page.obj and [float(v) for v in page.cropbox] != mediabox:
        return None
    operations = pikepdf.parse_content_stream(page)
    if [str(op.operator) for op in operations] not in _SEQUENCES:
        return None
    (matrix,) = ([float(v) for v in op.operands] for op in operations if str(op.operator) == "cm")
    (name,) = (op.operands[0] for op in operations if str(op.operator) == "Do")
    a, b, c, d, e, f = matrix
    x0, y0, x1, y1 = mediabox
    if b or c or any(abs(u - v) > EDGE for u, v in ((a, x1 - x0), (d, y1 - y0), (e, x0), (f, y0))):
        return None
    stream = page.obj.get("/Resources", {}).get("/XObject", {}).get(name)
    if stream is None or stream.get("/Subtype") != "/Image" or stream.get("/ImageMask", False):
        return None
    if any(key in stream for key in ("/SMask", "/Mask", "/Decode")):
        return None
    image = pikepdf.PdfImage(stream)
    if image.indexed or image.bits_per_component not in (1, 8):
        return None
    return stream
