"""Sample results for the demo and the tests: Vietnamese documents laid out like real ones,
as image-only scans (rendered, then rasterized) and born-digital DOCX, with a manifest.csv.

This is the first, small version; the full generator with ground truth is `tracuu sample`
(a later issue). No binary test fixtures are committed: tests make their documents here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = [Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/dejavu")]
FONT_FILES = {"regular": ["LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"],
              "bold": ["LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"]}


def font(style: str, size: int) -> ImageFont.FreeTypeFont:
    """A Times-like font with Vietnamese glyphs (Debian's fonts-liberation2)."""
    for name in FONT_FILES[style]:
        for d in FONT_DIRS:
            if (d / name).exists():
                return ImageFont.truetype(str(d / name), size)
    raise FileNotFoundError("No Vietnamese-capable serif font; install fonts-liberation2.")


@dataclass
class SampleDoc:
    file: str
    lines: list[str]
    manifest: dict[str, str] = field(default_factory=dict)


def render_scan_pdf(lines: list[str], path: Path, dpi: int = 300) -> None:
    """Draw the lines on an A4 page and save it as an image-only PDF (no text layer)."""
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    size = int(13 / 72 * dpi)  # 13 pt
    y = int(0.8 * dpi)
    for line in lines:
        bold = line.isupper() and len(line) > 3
        f = font("bold" if bold else "regular", size)
        x = (width - draw.textlength(line, font=f)) / 2 if bold else int(0.9 * dpi)
        draw.text((x, y), line, font=f, fill=0)
        y += int(size * 1.6)
    page.save(path, "PDF", resolution=dpi)


def write_docx(lines: list[str], path: Path) -> None:
    import docx

    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    d.save(str(path))


def construction_permit(number: int, name: str, cccd: str, commune: str, district: str,
                        province: str, day: int, month: int, year: int) -> list[str]:
    return [
        f"ỦY BAN NHÂN DÂN {district.upper()}",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {number}/GPXD-UBND",
        f"{district}, ngày {day:02d} tháng {month:02d} năm {year}",
        "GIẤY PHÉP XÂY DỰNG",
        "Cấp cho: ông/bà " + name,
        f"Số CCCD: {cccd}",
        f"Địa chỉ: {commune}, {district}, {province}",
        "Được phép xây dựng công trình nhà ở riêng lẻ",
        "Giấy phép có hiệu lực khởi công trong thời hạn 12 tháng.",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    ]


def business_registration(number: int, name: str, cccd: str, district: str, province: str,
                          day: int, month: int, year: int) -> list[str]:
    return [
        f"ỦY BAN NHÂN DÂN {district.upper()}",
        "PHÒNG TÀI CHÍNH - KẾ HOẠCH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        f"Số: {number}/ĐKKD-HKD",
        f"{district}, ngày {day:02d} tháng {month:02d} năm {year}",
        "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH",
        f"Chủ hộ kinh doanh: {name}",
        f"Số định danh cá nhân: {cccd}",
        f"Địa điểm kinh doanh: {district}, {province}",
        "Ngành, nghề kinh doanh: bán lẻ lương thực, thực phẩm",
    ]


_PEOPLE = [
    ("Nguyễn Văn An", "024089001234", "xã Tân Mộc", "huyện Lục Ngạn", "tỉnh Bắc Giang"),
    ("Trần Thị Hoà", "001190004567", "phường Dịch Vọng", "quận Cầu Giấy", "thành phố Hà Nội"),
    ("Lê Quang Thuý", "079095007890", "phường Bến Nghé", "Quận 1", "Thành phố Hồ Chí Minh"),
]


def sample_docs(n: int) -> list[SampleDoc]:
    docs = []
    for i in range(n):
        name, cccd, commune, district, province = _PEOPLE[i % len(_PEOPLE)]
        day, month, year = 1 + (i * 7) % 28, 1 + i % 12, 2015 + i % 10
        if i % 2 == 0:
            lines = construction_permit(100 + i, name, cccd, commune, district, province, day, month, year)
            docs.append(SampleDoc(f"scan-{i:03d}.pdf", lines, {
                "result_type": "Giấy phép xây dựng", "subject_name": name, "subject_id": cccd,
                "procedure_code": "1.009972", "procedure_name": "Cấp giấy phép xây dựng nhà ở riêng lẻ",
                "issuing_agency": f"UBND {district}", "province": province, "district": district,
                "commune": commune}))
        else:
            lines = business_registration(200 + i, name, cccd, district, province, day, month, year)
            docs.append(SampleDoc(f"digital-{i:03d}.docx", lines, {
                "result_type": "Giấy chứng nhận đăng ký hộ kinh doanh", "subject_name": name,
                "subject_id": cccd, "issuing_agency": f"UBND {district}", "province": province,
                "district": district}))
    return docs


def write_sample(folder: Path, n: int = 6) -> list[SampleDoc]:
    folder.mkdir(parents=True, exist_ok=True)
    docs = sample_docs(n)
    for doc in docs:
        target = folder / doc.file
        if target.exists():
            continue
        if doc.file.endswith(".pdf"):
            render_scan_pdf(doc.lines, target)
        else:
            write_docx(doc.lines, target)
    write_manifest(folder, docs)
    return docs


def write_manifest(folder: Path, docs: list[SampleDoc]) -> None:
    columns = sorted({k for d in docs for k in d.manifest})
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["file", *columns])
        w.writeheader()
        for d in docs:
            w.writerow({"file": d.file, **d.manifest})
