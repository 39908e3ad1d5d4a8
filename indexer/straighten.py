"""Straighten tilted scans before OCR: the rotation ocrmypdf's ``deskew`` makes, at a third of its cost.

Why: with ``deskew``, ocrmypdf rasterises *every* page of the file, rotates it, writes it as a
PNG at zlib's default level (0.4 s for a rotated A4 page at 300 dpi, whose grey edges compress
badly), reads it back and embeds it in the output: ~1.2 s per page here, twice what tesseract
then takes to read it (bench/README.md). Here only the tilted pages are touched: the page image
is rotated where it lies (the image file itself, or the one image a scanned PDF page is) and
encoded once into a PDF, at a fast zlib level or as JPEG when it was one, and ocrmypdf is
left nothing to do but OCR. Straight pages of a PDF keep their own bytes.

Everything this does not know how to rotate safely (a page that is more than its image:
text, vectors, annotations, a second or a transformed image; masks, palettes, 16-bit or
CMYK pixels, EXIF orientation) is declined with ``None``, and ocrmypdf's own deskew runs
as before: slower, never wrong.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image, ImageColor, ImageSequence

from . import page_image, skew
from .formats import Format, stated_dpi

#: zlib level for a rotated page: level 2 costs 0.12 s on a turned A4 page at 300 dpi and makes
#: it ~2 % larger than level 3 (0.19 s); the archive keeps the original scan besides.
ZLIB_LEVEL = 2
#: A page that was a JPEG stays one. The text is read from these pixels, so well above
#: Pillow's default of 75 (which ocrmypdf uses only for the page's picture, not its OCR).
JPEG_QUALITY = 90
#: Orientation tag in EXIF: a photo whose pixels are stored turned relies on it.
_EXIF_ORIENTATION = 0x0112


def straighten(src: Path, fmt: Format, angles: list[float], workdir: Path, default_dpi: int = 300) -> Path | None:
    """A PDF copy of ``src`` with each page turned by its angle (``skew.estimate`` of the
    rendered page), in ``workdir``; ``None`` when the file is not one this can do safely.
    A page whose angle is 0 is kept as it is (indexer/ocr.py uses that to put a TIFF in a PDF
    faster than img2pdf). ``default_dpi``: the resolution of an image that does not say."""
    try:
        if fmt.kind == "image":
            return _image(src, angles, workdir, default_dpi)
        if fmt.kind == "pdf":
            return _pdf(src, angles, workdir)
    except Exception:  # noqa: BLE001 — declining is always safe: ocrmypdf deskews, or names what is wrong
        return None
    return None


def _image(src: Path, angles: list[float], workdir: Path, default_dpi: int) -> Path | None:
    """A PDF of the image's frames, the tilted ones turned: ocrmypdf would otherwise wrap the
    image in a PDF itself, after we had paid to encode it as an image it then has to parse."""
    doc = pikepdf.Pdf.new()
    with Image.open(src) as im:
        if im.getexif().get(_EXIF_ORIENTATION, 1) != 1 or getattr(im, "n_frames", 1) != len(angles):
            return None
        jpeg = im.format in ("JPEG", "MPO")  # MPO: a camera's JPEG with a preview frame
        for frame, angle in zip(ImageSequence.Iterator(im), angles):
            if frame.mode not in ("L", "RGB", "1"):
                return None
            turned = _rotate(frame, angle) if angle else frame.copy()
            if turned is None:
                return None
            _add_page(doc, turned, jpeg, stated_dpi(frame.info) or (default_dpi, default_dpi))
    out = workdir / "straightened.pdf"
    doc.save(out)
    return out


def _add_page(doc: pikepdf.Pdf, image: Image.Image, jpeg: bool, dpi: tuple[float, float]) -> None:
    """A page that is the image and nothing else, at its resolution, as a scanner makes it."""
    data, codec, parms = _encode(image, jpeg)
    xobject = doc.make_stream(
        data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=image.width, Height=image.height,
        ColorSpace=pikepdf.Name.DeviceRGB if image.mode == "RGB" else pikepdf.Name.DeviceGray,
        BitsPerComponent=1 if image.mode == "1" else 8, Filter=codec)
    if parms is not None:
        xobject.DecodeParms = parms
    width, height = image.width * 72 / float(dpi[0]), image.height * 72 / float(dpi[1])
    page = doc.add_blank_page(page_size=(width, height))
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobject))
    page.Contents = doc.make_stream(f"q {width:.4f} 0 0 {height:.4f} 0 0 cm /Im0 Do Q".encode())


def _pdf(src: Path, angles: list[float], workdir: Path) -> Path | None:
    out = workdir / "straightened.pdf"
    with pikepdf.open(src) as doc:
        if len(doc.pages) != len(angles):
            return None
        for page, angle in zip(doc.pages, angles):
            if angle and not _turn_page_image(page, angle):  # a page with text is more than its image
                return None
        doc.save(out)
    return out


def _turn_page_image(page: pikepdf.Page, angle: float) -> bool:
    """Rotate the one image a scanned page is, in place; False when the page is more than
    that (page_image.py): whatever else it drew would stay crooked over a straight scan."""
    stream = page_image.sole_image(page)
    if stream is None:
        return False
    image = pikepdf.PdfImage(stream)
    if image.bits_per_component != 8 or image.mode not in ("L", "RGB"):
        return False
    filters = image.filters
    if filters not in ([], ["/FlateDecode"], ["/DCTDecode"]):
        return False
    turned = _rotate(image.as_pil_image(), angle)
    if turned is None:
        return False
    data, codec, parms = _encode(turned, jpeg=filters == ["/DCTDecode"])
    stream.write(data, filter=codec, decode_parms=parms)
    if parms is None and "/DecodeParms" in stream:  # the old predictor does not describe the new bytes
        del stream["/DecodeParms"]
    return True


def _encode(image: Image.Image, jpeg: bool) -> tuple[bytes, pikepdf.Name, pikepdf.Dictionary | None]:
    """Bytes of an image XObject, its filter and decode parameters: JPEG for what was one, else
    zlib over rows tagged for the PNG predictor, each with filter type 0 ("None").

    Why the predictor: ocrmypdf's optimiser re-encodes every zlib image *without* one as a
    PNG at zlib's default level just to look at it (~1 s for a turned page) and then leaves
    it be; one with the predictor it repackages untouched. Why filter "None": choosing a
    filter per row, as a PNG encoder does, doubles the cost (0.24 s vs 0.12 s for a turned A4
    page) and makes a scan barely smaller."""
    if jpeg:
        buf = io.BytesIO()
        image.save(buf, format="JPEG", quality=JPEG_QUALITY)
        return buf.getvalue(), pikepdf.Name.DCTDecode, None
    rows = np.frombuffer(image.tobytes(), np.uint8).reshape(image.height, -1)  # a 1-bit row is packed
    tagged = np.zeros((image.height, rows.shape[1] + 1), np.uint8)
    tagged[:, 1:] = rows
    parms = pikepdf.Dictionary(Predictor=15, Colors=3 if image.mode == "RGB" else 1,
                               BitsPerComponent=1 if image.mode == "1" else 8, Columns=image.width)
    return zlib.compress(tagged.tobytes(), ZLIB_LEVEL), pikepdf.Name.FlateDecode, parms


def _rotate(image: Image.Image, angle: float) -> Image.Image | None:
    """The page turned as ocrmypdf's deskew turns it (bicubic, white corners, same size),
    or None when the result is still tilted: then it is not ours to guess."""
    turned = image.rotate(angle, resample=Image.Resampling.BICUBIC,
                          fillcolor=ImageColor.getcolor("white", image.mode))
    return turned if skew.estimate(turned) == 0.0 else None
