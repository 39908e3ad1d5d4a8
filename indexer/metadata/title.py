"""The title under the header: the kind of document (Decree 30/2020, Annex III) and, where the
kind stands alone, its summary; a letter's 'V/v …' summary; and whether the text is a legal
one, issued to no one, whose annexed forms name no subject.
"""

from __future__ import annotations

import re

from search.analysis import fold

from .shapes import AGENCY_HEAD, DOC_NUMBER, MOTTO_START, capitals, is_role

_ABOUT = re.compile(r"^\W{0,2}V\s*/\s*v\.?\s+(.+)$")


def letter_summary(lines: list[str]) -> str | None:
    """'V/v khẩn trương thực hiện …' (wrapped) -> 'về việc khẩn trương thực hiện …'."""
    for i, line in enumerate(lines):
        if m := _ABOUT.match(line):
            words = [m.group(1)]
            for nxt in lines[i + 1: i + 4]:
                if _AFTER_TITLE.match(nxt) or capitals(nxt) or ":" in nxt or re.search(r"ngày\s*\d", nxt):
                    break
                words.append(nxt)
            return "về việc " + re.sub(r"\s+", " ", " ".join(words)).strip(" .")
    return None


#: The kinds of document (tên loại) Decree 30/2020 lists (Article 7, Annex III), the legal
#: texts of the Law on Legal Documents, and the results the common procedures issue. A
#: title starts with one of these; a capitalised line that does not is a heading, not a title.
_GENRES = [
    "NGHỊ QUYẾT", "QUYẾT ĐỊNH", "CHỈ THỊ", "QUY CHẾ", "QUY ĐỊNH", "THÔNG CÁO", "THÔNG BÁO",
    "HƯỚNG DẪN", "CHƯƠNG TRÌNH", "KẾ HOẠCH", "PHƯƠNG ÁN", "ĐỀ ÁN", "DỰ ÁN", "BÁO CÁO",
    "BIÊN BẢN", "TỜ TRÌNH", "HỢP ĐỒNG", "CÔNG VĂN", "CÔNG ĐIỆN", "BẢN GHI NHỚ", "BẢN THỎA THUẬN",
    "GIẤY ỦY QUYỀN", "GIẤY MỜI", "GIẤY GIỚI THIỆU", "GIẤY NGHỈ PHÉP", "PHIẾU GỬI", "PHIẾU CHUYỂN",
    "PHIẾU BÁO", "THƯ CÔNG", "HIẾN PHÁP", "BỘ LUẬT", "LUẬT", "PHÁP LỆNH", "LỆNH", "NGHỊ ĐỊNH",
    "THÔNG TƯ LIÊN TỊCH", "THÔNG TƯ", "VĂN BẢN HỢP NHẤT", "GIẤY CHỨNG NHẬN", "GIẤY PHÉP",
    "GIẤY XÁC NHẬN", "GIẤY ĐĂNG KÝ", "GIẤY KHAI SINH", "GIẤY CHỨNG TỬ", "CHỨNG CHỈ", "CHỨNG NHẬN",
    "TRÍCH LỤC", "BẢN SAO", "VĂN BẰNG", "BẰNG", "THẺ", "SỔ",
]
#: The kinds alone ('giấy khai sinh'), a closed list OCR is checked against.
KINDS = frozenset(g.lower() for g in _GENRES)
_GENRE_KEYS = sorted(((fold(g), g) for g in _GENRES), key=lambda kv: len(kv[0]), reverse=True)
#: What follows a title and is not part of it: the preamble, the address, the first article,
#: a labelled line.
_AFTER_TITLE = re.compile(r"^(?:Căn\s+cứ|Theo\s+đề\s+nghị|Xét\b|Kính\s+gửi|Điều\s+\d|Chương\s+[IVXLC\d]+\b|"
                          r"Phần\s+(?:[IVXLC\d]+|thứ)\b|Mục\s+\d|CHƯƠNG\b|ĐIỀU\b|\(|-|\d+\.)")
#: Under a consolidated text's title, the documents it consolidates, each by its number and
#: date ('Thông tư số 23/2024/TT-BCT ngày 07 tháng 11 năm 2024 của …').
_CONSOLIDATED = re.compile(r"^(?:Luật|Bộ\s+luật|Pháp\s+lệnh|Nghị\s+định|Thông\s+tư(?:\s+liên\s+tịch)?|"
                           r"Quyết\s+định|Nghị\s+quyết)\b[^.]{0,100}?\d+/(?:\d{4}/)?[\w.-]+\s+ngày\s*\d")


def _genre(line: str) -> tuple[str, bool] | None:
    """The kind a title line starts with, and whether the line is that kind alone
    ('QUYẾT ĐỊNH', whose summary follows on the next lines). A footnote mark glued to the
    last word ('THÔNG TƯ1') is not part of it, nor a dash OCR made of a speck ('NGHỊ QUYẾT -')."""
    folded = re.sub(r"(?<=[^\W\d_])\d{1,2}$", "", fold(line).upper().strip(" .:-–"))
    folded = re.sub(r"\s+", " ", folded)
    for key, genre in _GENRE_KEYS:
        if folded == key:
            return genre, True
        if folded.startswith(key + " "):
            return genre, False
    return None


def kind_of(title: str) -> str | None:
    """The kind of document a title starts with ('Thông tư quy định …' → 'Thông tư')."""
    found = _genre(title)
    return found[0] if found else None


#: Legal texts (Law on Legal Documents, Art. 4) and consolidated texts: issued to no one,
#: so no subject is read off them, whatever their annexed forms print.
_NORMATIVE = ("Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh", "Nghị định", "Thông tư", "Văn bản hợp nhất",
              "Nghị quyết", "Lệnh", "Chỉ thị")


def normative(title: str | None) -> bool:
    return bool(title) and any(title == g or title.startswith(g + " ") for g in _NORMATIVE)


def document_title(raw: list[str], header_end_line: int, has_number: bool = True,
                   consolidated: bool = False) -> tuple[str | None, str | None]:
    """The title as Decree 30 places it under the header: the kind in capitals ('NGHỊ ĐỊNH',
    'GIẤY CHỨNG NHẬN'), and where the kind stands alone, the summary on the lines below it
    ('Quy định chi tiết …', 'CƠ SỞ ĐỦ ĐIỀU KIỆN AN TOÀN THỰC PHẨM'), read up to the preamble,
    a blank line, a role line or a change of case. Returns (title, candidate): a capitalised
    line that is not a kind of document is only a candidate for review."""
    if header_end_line < 0 and not has_number:
        return None, None  # no header at all: an article, a page of prose — no title to read
    start = max(header_end_line + 1, 0)
    candidate = None
    for i in [j for j in range(start, len(raw)) if raw[j].strip()][:16]:
        line = raw[i].strip()
        if not line or line.startswith("(") or not capitals(line) or MOTTO_START.search(line):
            continue
        found = _genre(line)
        if not found:
            if not (AGENCY_HEAD.match(line) or is_role(line) or DOC_NUMBER.search(line)):
                candidate = candidate or line.strip(" .:")
            continue
        genre, alone = found
        words = [genre]
        if not alone:
            words = [re.sub(r"(?<=[^\W\d_])\d{1,2}$", "", line.strip(" .:-–"))]
        else:
            words += _summary([ln for ln in raw[i + 1: i + 40] if ln.strip()][:12], consolidated)
        title = " ".join(words)
        return _sentence_case(title, len(genre)), None
    return None, candidate


def _summary(lines: list[str], consolidated: bool = False) -> list[str]:
    """The summary (trích yếu) under a kind that stands alone, wrapped over a few lines. Blank
    lines do not end it: text extractors put one after every line of a PDF."""
    out: list[str] = []
    shouting = None
    for line in lines:
        line = line.strip()
        caps = capitals(line)
        if (_AFTER_TITLE.match(line) or (consolidated and _CONSOLIDATED.match(line)) or ":" in line or is_role(line) or (caps and MOTTO_START.search(line))
                or (caps and AGENCY_HEAD.match(line)) or (shouting is not None and caps != shouting)):
            break
        shouting = caps
        # Footnote marks glued to a word ('Quân đội1', 'Kiểm soát viên1'); not a code's digits ('QH15').
        out.append(re.sub(r"(?<=[a-zà-ỹđ])\d{1,2}(?=[\s,;.]|$)", "", line))
    return out


def _sentence_case(title: str, genre_len: int) -> str:
    """'NGHỊ ĐỊNH Quy định chi tiết …' -> 'Nghị định quy định chi tiết …'; a title all in
    capitals in lower case but its first letter (the names inside lose their capitals: the
    page does not say which words are names)."""
    title = re.sub(r"\s+", " ", title).strip(" .:,;")
    head, rest = title[:genre_len], title[genre_len:]
    if capitals(rest) or not rest.strip():
        rest = rest.lower()
    else:
        first = rest.lstrip()
        if first[:1].isupper() and first[1:2].islower():
            rest = " " + first[0].lower() + first[1:]
    return head[:1] + head[1:].lower() + rest
