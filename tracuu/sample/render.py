"""Turn a laid-out result into files as agencies hold them: scanned pages (PDF, TIFF, JPEG,
PNG; 200 or 300 dpi; with skew, noise, blur and JPEG artefacts when degraded) and born-digital
files (DOCX, text PDF). Every writer is deterministic: same input, same bytes.
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from .kinds import MOTTO, Layout

FONT_DIRS = [Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation")]
FONT_FILES = {"regular": "LiberationSerif-Regular.ttf", "bold": "LiberationSerif-Bold.ttf",
              "italic": "LiberationSerif-Italic.ttf"}
PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 85.0, 57.0, 57.0, 57.0
BODY_PT, LEADING = 13.0, 1.45
FIXED_DATE = "D:20000101000000Z"


@lru_cache
def font_path(style: str) -> Path:
    """Times-like font with Vietnamese glyphs (Debian's fonts-liberation2)."""
    for d in FONT_DIRS:
        if (d / FONT_FILES[style]).exists():
            return d / FONT_FILES[style]
    raise FileNotFoundError("No Vietnamese-capable serif font found; install fonts-liberation2.")


@lru_cache(maxsize=64)
def _font(style: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(style)), px)


def text_width(text: str, style: str, pt: float) -> float:
    """Width in points, measured at 10x for precision."""
    return _font(style, int(pt * 10)).getlength(text) / 10


@dataclass(frozen=True)
class Placed:
    page: int
    x: float       # points from the left
    y: float       # points from the top (top of the line box)
    text: str
    style: str
    pt: float


def _wrap(text: str, style: str, pt: float, width: float) -> list[str]:
    lines, current = [], ""
    for word in text.split(" "):
        trial = f"{current} {word}".strip()
        if current and text_width(trial, style, pt) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    return lines + [current] if current else lines


def plan(layout: Layout) -> list[Placed]:
    """Where every line of the document goes, in points, page by page."""
    out: list[Placed] = []
    page, y = 0, MARGIN_T
    left_c, right_c = MARGIN_L + 105, MARGIN_L + 330  # centres of the two header columns
    step = BODY_PT * LEADING

    def centred(cx: float, text: str, style: str, pt: float, yy: float) -> None:
        out.append(Placed(page, cx - text_width(text, style, pt) / 2, yy, text, style, pt))

    # Header: agency block (left) beside the motto and date line (right).
    ly = y
    for i, line in enumerate(layout.agency):
        style = "bold" if i == len(layout.agency) - 1 else "regular"
        for part in _wrap(line, style, 12, 215):  # long agency names take two lines
            centred(left_c, part, style, 12, ly)
            ly += 12 * LEADING
    ly += 6
    centred(left_c, layout.number, "regular", 13, ly)
    ry = y
    for line in MOTTO:
        centred(right_c, line, "bold", 12 if line.isupper() else 13, ry)
        ry += 13 * LEADING
    ry += 6
    centred(right_c, layout.date_line, "italic", 13, ry)
    y = max(ly, ry) + 2.5 * step

    for i, line in enumerate(layout.title):
        centred(PAGE_W / 2, line, "bold", 14 if i == 0 else 13, y)
        y += 14 * LEADING
    y += step

    width = PAGE_W - MARGIN_L - MARGIN_R
    for para in layout.body:
        heading = para.isupper()  # "QUYẾT ĐỊNH:", the enacting body: centred, bold
        for j, line in enumerate(_wrap(para, "bold" if heading else "regular", BODY_PT, width - 20)):
            if y + step > PAGE_H - MARGIN_B:
                page, y = page + 1, MARGIN_T
            if heading:
                centred(PAGE_W / 2, line, "bold", BODY_PT, y)
            else:
                out.append(Placed(page, MARGIN_L + (20 if j == 0 else 0), y, line, "regular", BODY_PT))
            y += step
    y += step

    block_h = (len(layout.signature) + 2) * step
    if y + block_h > PAGE_H - MARGIN_B:
        page, y = page + 1, MARGIN_T
    sy, ry = y, y
    for line in layout.signature:
        style = "bold" if line.isupper() or line == layout.signature[-1] else "italic"
        centred(right_c, line, style, 13, sy)
        sy += step * (2.5 if line == "(Đã ký)" else 1)
    for i, line in enumerate(layout.recipients):
        out.append(Placed(page, MARGIN_L, ry, line, "bold" if i == 0 else "regular", 11))
        ry += 11 * LEADING
    return out


def page_count(placed: list[Placed]) -> int:
    return max(p.page for p in placed) + 1


# -- scans ----------------------------------------------------------------------------


def rasterize(placed: list[Placed], dpi: int) -> list[Image.Image]:
    scale = dpi / 72
    pages = [Image.new("L", (int(PAGE_W * scale), int(PAGE_H * scale)), 255) for _ in range(page_count(placed))]
    draws = [ImageDraw.Draw(p) for p in pages]
    for item in placed:
        draws[item.page].text((item.x * scale, item.y * scale), item.text,
                              font=_font(item.style, round(item.pt * scale)), fill=0)
    return pages


@dataclass(frozen=True)
class Degradation:
    skew: float = 0.0          # degrees
    noise: float = 0.0         # std-dev of Gaussian noise, grey levels
    blur: float = 0.0          # Gaussian blur radius, pixels
    jpeg_quality: int = 0      # 0 = no JPEG round trip

    @classmethod
    def draw(cls, rng: random.Random) -> Degradation:
        return cls(skew=round(rng.choice([-1, 1]) * rng.uniform(0.5, 2.5), 2),
                   noise=round(rng.uniform(6, 18), 1), blur=round(rng.uniform(0.4, 0.9), 2),
                   jpeg_quality=rng.choice([35, 45, 55]))

    @property
    def clean(self) -> bool:
        return self == Degradation()


def degrade(page: Image.Image, d: Degradation, seed: int) -> Image.Image:
    if d.clean:
        return page
    out = page.rotate(d.skew, resample=Image.BICUBIC, fillcolor=255, expand=False)
    if d.blur:
        out = out.filter(ImageFilter.GaussianBlur(d.blur))
    if d.noise:
        arr = np.asarray(out, dtype=np.float32)
        arr += np.random.default_rng(seed).normal(0, d.noise, arr.shape).astype(np.float32)
        out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
    if d.jpeg_quality:
        buf = io.BytesIO()
        out.save(buf, "JPEG", quality=d.jpeg_quality)
        buf.seek(0)
        out = Image.open(buf).convert("L")
    return out


def save_scan(pages: list[Image.Image], path: Path, fmt: str, dpi: int) -> None:
    """Write scanned pages; JPEG and PNG hold one page, PDF and TIFF any number."""
    if fmt == "pdf":
        pages[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=pages[1:],
                      creationDate=FIXED_DATE, modDate=FIXED_DATE, producer="tracuu sample")
    elif fmt == "tiff":
        pages[0].save(path, "TIFF", dpi=(dpi, dpi), save_all=True, append_images=pages[1:],
                      compression="tiff_deflate")
    elif fmt == "jpeg":
        pages[0].save(path, "JPEG", dpi=(dpi, dpi), quality=85)
    elif fmt == "png":
        pages[0].save(path, "PNG", dpi=(dpi, dpi), optimize=False)
    else:
        raise ValueError(fmt)


# -- born-digital ---------------------------------------------------------------------


def save_text_pdf(placed: list[Placed], path: Path) -> None:
    """A born-digital PDF with a real text layer (reportlab, invariant output)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    for style in FONT_FILES:
        name = f"LiberationSerif-{style}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(font_path(style))))
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1)
    c.setProducer("tracuu sample")
    for page in range(page_count(placed)):
        for item in (p for p in placed if p.page == page):
            c.setFont(f"LiberationSerif-{item.style}", item.pt)
            c.drawString(item.x, PAGE_H - item.y - item.pt * 0.9, item.text)
        c.showPage()
    c.save()


def save_docx(layout: Layout, path: Path) -> None:
    """A DOCX as an agency's word processor makes it: a two-column header table, body
    paragraphs and a signature table. Zip timestamps are fixed for identical bytes."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    d = docx.Document()
    style = d.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    header = d.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.text = "\n".join([*layout.agency, layout.number])
    right.text = "\n".join([*MOTTO, layout.date_line])
    for cell in (left, right):
        for p in cell.paragraphs:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in layout.title:
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(line).bold = True
    for para in layout.body:
        d.add_paragraph(para)
    sign = d.add_table(rows=1, cols=2)
    sign.rows[0].cells[0].text = "\n".join(layout.recipients)
    sign.rows[0].cells[1].text = "\n".join(layout.signature)
    d.core_properties.author = "tracuu sample"
    import datetime as dt

    fixed = dt.datetime(2000, 1, 1)
    d.core_properties.created = d.core_properties.modified = fixed
    d.core_properties.last_modified_by = "tracuu sample"
    d.core_properties.revision = 1
    buf = io.BytesIO()
    d.save(buf)
    _fix_zip_times(buf.getvalue(), path)


def _fix_zip_times(data: bytes, path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename != "[Content_Types].xml"):
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
