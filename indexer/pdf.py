"""What a PDF holds before we decide how to read it: the text layer of each page.

A page that already carries text is read as it is; only pages without text go to OCR.
That keeps born-digital PDFs exact and makes mixed files (a typed decision with a scanned
annex) come out whole. This is the only module that imports pypdfium2.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from .errors import CorruptFile, EncryptedFile

#: A page with fewer visible characters than this has no real text layer (stray page
#: numbers or a scanner's stamp do not make a page born-digital).
MIN_PAGE_CHARS = 40


def page_texts(path: Path) -> list[str]:
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise EncryptedFile(
                f"Tệp '{path.name}' được đặt mật khẩu; hãy xin bản không mật khẩu từ cơ quan ban hành."
            ) from None
        raise CorruptFile(f"Tệp PDF '{path.name}' bị hỏng hoặc không đọc được ({e}).") from None
    try:
        texts = []
        for page in pdf:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
        return texts
    finally:
        pdf.close()


def has_text(page_text: str) -> bool:
    return sum(c.isalnum() for c in page_text) >= MIN_PAGE_CHARS


def previews(path: Path, width: int) -> Iterator[Image.Image]:
    """Each page rendered in grey about ``width`` pixels wide: enough to judge its layout
    (skew) at a small fraction of the cost of OCR resolution."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        for page in pdf:
            scale = width / max(page.get_width(), 1.0)
            yield page.render(scale=scale, grayscale=True).to_pil()
            page.close()
    finally:
        pdf.close()
