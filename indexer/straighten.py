"""Straighten tilted scans before OCR: the rotation ocrmypdf's ``deskew`` makes, at a third of its cost.

Why: with ``deskew``, ocrmypdf rasterises *every* page of the file, rotates it, writes it as a
PNG at zlib's default level (0.4 s for a rotated A4 page at 300 dpi, whose grey edges compress
badly), reads it back and embeds it in the output: ~1.2 s per page here, twice what tesseract
then takes to read it (bench/README.md). Here only the tilted pages are touched: the page image
is rotated where it lies (the image file itself, or the one image a scanned PDF page is) and
encoded once, at a fast zlib level or as JPEG when it was one, and ocrmypdf is left nothing
to do but OCR. Straight pages keep their own bytes.

Everything this does not know how to rotate safely (several images on a page, masks,
palettes, 16-bit or CMYK pixels, EXIF orientation, multi-page images, a page that already
has text, an image placed at an angle the page does not show) is declined with ``None``,
and ocrmypdf's own deskew runs as before: slower, never wrong.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pikepdf
from PIL import Image, ImageColor

from . import pdf, skew
from .formats import Format

#: zlib level for a rotated page: level 3 costs 0.11 s on an A4 page at 300 dpi and makes it
#: ~15 % larger than level 6 (0.28 s); the archive keeps the original scan besides.
ZLIB_LEVEL = 3
#: A page that was a JPEG stays one. The text is read from these pixels, so well above
#: Pillow's default of 75 (which ocrmypdf uses only for the page's picture, not its OCR).
JPEG_QUALITY = 90
#: The angle measured on the page image must agree with the one measured on the rendered
#: page this closely, or the image is placed in a way this module does not handle.
AGREEMENT = 0.3
#: Orientation tag in EXIF: a photo whose pixels are stored turned relies on it.
_EXIF_ORIENTATION = 0x0112


def straighten(src: Path, fmt: Format, angles: list[float], workdir: Path) -> Path | None:
    """A copy of ``src`` with each page turned by its angle (``skew.estimate`` of the
    rendered page), in ``workdir``; ``None`` when the file is not one this can do safely."""
    try:
        if fmt.kind == "image":
            return _image(src, angles, workdir)
        if fmt.kind == "pdf":
            return _pdf(src, angles, workdir)
    except Exception:  # noqa: BLE001 — declining is always safe: ocrmypdf deskews, or names what is wrong
        return None
    return None


def _image(src: Path, angles: list[float], workdir: Path) -> Path | None:
    if len(angles) != 1:
        return None
    with Image.open(src) as im:
        if getattr(im, "n_frames", 1) != 1 or im.mode not in ("L", "RGB", "1"):
            return None
        if im.getexif().get(_EXIF_ORIENTATION, 1) != 1:
            return None
        jpeg, dpi = im.format == "JPEG", im.info.get("dpi")
        turned = _rotate(im, angles[0])
    if turned is None:
        return None
    out = workdir / ("straightened.jpg" if jpeg else "straightened.png")
    extra = {"dpi": dpi} if dpi else {}
    if jpeg:
        turned.save(out, format="JPEG", quality=JPEG_QUALITY, **extra)
    else:
        turned.save(out, format="PNG", compress_level=ZLIB_LEVEL, **extra)
    return out


def _pdf(src: Path, angles: list[float], workdir: Path) -> Path | None:
    texts = pdf.page_texts(src)
    out = workdir / "straightened.pdf"
    with pikepdf.open(src) as doc:
        if len(doc.pages) != len(angles):
            return None
        for page, angle, text in zip(doc.pages, angles, texts):
            if angle and (pdf.has_text(text) or not _turn_page_image(page, angle)):
                return None
        doc.save(out)
    return out


def _turn_page_image(page: pikepdf.Page, angle: float) -> bool:
    """Rotate the one image a scanned page is, in place; False when the page is not that."""
    images = list(page.get_images().values())
    if len(images) != 1:
        return False
    stream = images[0]
    if any(key in stream for key in ("/SMask", "/Mask", "/Decode")) or stream.get("/ImageMask", False):
        return False
    image = pikepdf.PdfImage(stream)
    if image.bits_per_component != 8 or image.indexed or image.mode not in ("L", "RGB"):
        return False
    filters = image.filters
    if filters not in ([], ["/FlateDecode"], ["/DCTDecode"]):
        return False
    pixels = image.as_pil_image()
    if abs(skew.estimate(pixels) - angle) > AGREEMENT:  # flipped or turned in its placement
        return False
    turned = _rotate(pixels, angle)
    if turned is None:
        return False
    if filters == ["/DCTDecode"]:
        buf = io.BytesIO()
        turned.save(buf, format="JPEG", quality=JPEG_QUALITY)
        stream.write(buf.getvalue(), filter=pikepdf.Name.DCTDecode)
    else:
        stream.write(zlib.compress(turned.tobytes(), ZLIB_LEVEL), filter=pikepdf.Name.FlateDecode)
    if "/DecodeParms" in stream:  # the old predictor does not describe the new bytes
        del stream["/DecodeParms"]
    return True


def _rotate(image: Image.Image, angle: float) -> Image.Image | None:
    """The page turned as ocrmypdf's deskew turns it (bicubic, white corners, same size),
    or None when the result is still tilted: then it is not ours to guess."""
    turned = image.rotate(angle, resample=Image.Resampling.BICUBIC,
                          fillcolor=ImageColor.getcolor("white", image.mode))
    return turned if skew.estimate(turned) == 0.0 else None
