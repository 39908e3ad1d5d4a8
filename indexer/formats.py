"""What a file is, judged by its first bytes, not its name: a JPEG named .pdf is a JPEG.

The kind decides the route through the pipeline: ``image`` and image-only ``pdf`` go to
OCR; everything else goes to Tika. ``office`` and ``text`` files also get a PDF/A derivative
from LibreOffice (``needs_pdfa``, indexer/office_pdf.py), as scans get theirs from OCR.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import CorruptFile, EmptyFile, FileTooLarge, UnsupportedFile

SUPPORTED_SUFFIXES = frozenset(
    {".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png", ".docx", ".doc", ".odt", ".rtf",
     ".txt", ".html", ".htm"}
)


#: A DOCX/ODT whose parts unpack to more than this is a zip bomb, not a document.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
#: An A0 page at 300 dpi is 140 megapixels; anything far larger is a decompression bomb.
MAX_IMAGE_PIXELS = 300_000_000


@dataclass(frozen=True)
class Format:
    kind: str  # pdf | image | office | text
    mime: str


def sniff(path: Path) -> Format:
    with path.open("rb") as f:
        head = f.read(2048)
    if not head:
        raise EmptyFile(f"Tệp '{path.name}' rỗng (0 byte); hãy quét hoặc sao lại tệp gốc.")
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return Format("pdf", "application/pdf")
    if head.startswith(b"\xff\xd8\xff"):
        return Format("image", "image/jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Format("image", "image/png")
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return Format("image", "image/tiff")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Format("office", "application/msword")
    if head.startswith(b"{\\rtf"):
        return Format("office", "application/rtf")
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(path)
    if _looks_like_text(head):
        lowered = head.lower()
        if b"<html" in lowered or b"<!doctype html" in lowered:
            return Format("text", "text/html")
        return Format("text", "text/plain")
    raise UnsupportedFile(
        f"Tệp '{path.name}' không phải định dạng được hỗ trợ (PDF, TIFF, JPEG, PNG, DOCX, DOC, "
        "ODT, RTF, TXT, HTML)."
    )


def needs_pdfa(fmt: Format) -> bool:
    """Whether LibreOffice makes this format's archival PDF/A (indexer/office_pdf.py): DOCX,
    DOC, ODT, RTF, HTML and plain text. Scans get theirs from OCR; a PDF is kept as it is."""
    return fmt.kind in ("office", "text")


def _zip_format(path: Path) -> Format:
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            unpacked = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if unpacked > MAX_UNPACKED_BYTES or (unpacked > 10 * 2**20 and unpacked / packed > MAX_COMPRESSION_RATIO):
                raise FileTooLarge(
                    f"Tệp '{path.name}' giải nén ra {unpacked // 2**20} MiB (nén {unpacked // packed} lần): "
                    "đây là tệp nén độc hại (zip bomb) hoặc không phải văn bản; không xử lý."
                )
            mimetype = z.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, EOFError):
        raise CorruptFile(f"Tệp '{path.name}' là tệp nén hỏng; hãy lấy lại bản gốc.") from None
    if "word/document.xml" in names:
        return Format("office", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    if mimetype == "application/vnd.oasis.opendocument.text":
        return Format("office", mimetype)
    raise UnsupportedFile(f"Tệp '{path.name}' là tệp nén nhưng không phải DOCX hay ODT.")


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as e:
        # A multi-byte character cut at the end of the sample is still text.
        return e.start >= len(head) - 3


def stated_dpi(info: dict) -> tuple[float, float] | None:
    """The resolution an image file states (Pillow's ``info``), or None when it states none
    worth believing: scanners that do not know write 0 or 1 dpi."""
    dpi = info.get("dpi")
    return tuple(dpi) if dpi and min(dpi) >= 10 else None


def check_image_size(path: Path) -> None:
    """Refuse decompression bombs before any decoder allocates their pixels."""
    from PIL import Image

    try:
        with Image.open(path) as im:  # reads the header only
            pixels = im.size[0] * im.size[1]
    except Image.DecompressionBombError as e:  # Pillow's own guard fired first
        m = re.search(r"\((\d+) pixels\)", str(e))
        pixels = int(m.group(1)) if m else MAX_IMAGE_PIXELS
    except Exception:  # noqa: BLE001 - unreadable images are reported by the OCR stage
        return
    if pixels >= MAX_IMAGE_PIXELS:
        raise FileTooLarge(
            f"Ảnh '{path.name}' có {pixels // 1_000_000} triệu điểm ảnh, vượt giới hạn "
            f"{MAX_IMAGE_PIXELS // 1_000_000} triệu; hãy quét lại ở 200–300 dpi."
        )
