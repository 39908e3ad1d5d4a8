"""The shapes more than one part of the page is read by: a document's number, a place and a
date, the national motto, unit words and the place names they introduce, where an agency's
name starts, role lines, a person's name, a line in capitals. Kept in one place so that the
header, the title, the subject and the signature block agree on what each looks like.
"""

from __future__ import annotations

import datetime as dt
import re

from search.analysis import fold


_UP = "A-ZĐÀ-ỸĂÂÊÔƠƯ"
#: 'Số: 45/GP-UBND', 'Số: 212/2025/NĐ-CP', 'Luật số: 51/2024/QH15' (Decree 30/2020, Annex I),
#: and the numbers practice certificates and some registers print letters first
#: ('Số: BXG-00000281').
#: A symbol starts with a capital; the abbreviations Decree 30 gives have lower-case letters
#: too ('QĐ-TTg', 'SGDĐT-CTrTT', 'Ctr-UBND'), and some are typed with '_' for '-'. Party
#: documents number 'N-TB/TU'. A part after a dash ends as a symbol does, not as the first
#: letter of a word ('Hà' of the date beside a wrapped 'Số: 01/2022/TTLT-VKSNDTC-' that OCR
#: read across the columns).
_SYMBOL = r"[A-ZĐ][A-Za-zĐđ0-9.]*"
NUMBER_SHAPE = (rf"(\d{{1,6}}(?:\s*/\s*\d{{4}})?\s*/?\s*{_SYMBOL}(?:\s*[-–_]\s*{_SYMBOL}(?![^\W\d_]))*"
                rf"|\d{{1,6}}-{_SYMBOL}/{_SYMBOL}"
                r"|[A-ZĐ]{2,6}\s*[-–]\s*\d{3,}(?:/[A-ZĐ0-9.\-]+)?)")
DOC_NUMBER = re.compile(r"(?:\bS[ỐốỔổOo6]\s*[:.;]?|\bsố\s*:)\s*" + NUMBER_SHAPE)
#: Decree 30's 'địa danh và thời gian': a place, a comma, then the date in words.
#: 'ngày … tháng … năm …': the fixed words of the date, however OCR placed their marks
#: ('26thảng'); the numbers are what must be right.
_DAY, _MONTH, _YEAR = r"ng[aàáảãạ]y", r"th[aàáảãạ]ng", r"n[aăắằẳẵặ]m"
_DATE_PHRASE = rf"{_DAY}\s*(\d{{1,2}})\s*{_MONTH}\s*(\d{{1,2}})\s*{_YEAR}\s*(\d{{4}})(?!\d)"
PLACE_DATE = re.compile(r"[^\W_][\w)]*\s*,\s*" + _DATE_PHRASE,
                        re.IGNORECASE)
DATE_WORDS = re.compile(_DATE_PHRASE, re.IGNORECASE)
#: The place-and-date line with its day or month read with a letter where a digit stands —
#: a stroke for 1 ('3l', 'I2', '0]'), a ring for 0 ('O5') — the slots of Decree 30's date
#: hold digits only, so nothing else can be meant (a 'Z' or an 'S' could be 2, 7, 5: no).
_SLOT = r"([\dlI|\[\]ÌìÍí!Oo]{1,2})"
MISREAD_PLACE_DATE = re.compile(rf"[^\W_][\w)]*\s*,\s*{_DAY}\s*{_SLOT}\s*{_MONTH}\s*{_SLOT}\s*{_YEAR}\s*(\d{{4}})(?!\d)",
                                re.IGNORECASE)
AS_DIGIT = str.maketrans({**dict.fromkeys("lLIi|[]ÌìÍí!", "1"), "O": "0", "o": "0"})
#: Where the right-hand column (the national motto) starts on a header line that OCR merged
#: with the agency block: any two neighbouring words of the motto, however misread around
#: ('XÃ HỘI' only before 'CHỦ': it ends agency names too, 'Bộ Lao động - Thương binh và Xã hội').
MOTTO_START = re.compile(
    r"(?:C?[ỘỌOÔ]NG\s+H[ÒOÓÀỎ]A|H[ÒOÓÀỎ]A\s+X[ÃA]|X[ÃA]\s+H[ỘỌOÔ]I\s+CH|CH[ỦU]\s+NGH[ĨI]A|NGH[ĨI]A\s+VI[ỆE]T|"
    r"Đ[ộo]c\s+l[ậa]p\s*[-–]|T[ựu]\s+do\s*[-–]|[-–]\s*H[ạa]nh\s+ph[úu]c)", re.I)
#: Kinds of administrative unit, as a place name is introduced ('thành phố Cần Thơ'); a
#: longer one before the shorter it contains ('thị xã' before 'xã').
UNIT_WORDS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn")
#: The place that ends an agency's name: 'Sở Y tế tỉnh Nghệ An' -> ('tỉnh', 'Nghệ An').
LOCALITY = re.compile(rf"\b({'|'.join(UNIT_WORDS)})\s+([^-]+)$", re.I)
_PLACE_WORD = r"(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]*|\d+)(?!\w)"
UNIT_LOWER = "(?:" + "|".join(u.replace(" ", r"\s+") for u in UNIT_WORDS) + ")"  # 'thành' / 'phố' may wrap
PLACE_NAME = re.compile(rf"{UNIT_LOWER}[ \t]+({_PLACE_WORD}(?:[ \t]+{_PLACE_WORD}){{0,3}})")
#: The same, for a name wrapped onto the next line ("quận Ninh" / "Kiều").
#: Not across a blank line: that ends the paragraph ('tỉnh Thanh' / 'Hóa' / '' / 'Văn bằng …').
PLACE_NAME_WRAPPED = re.compile(
    rf"{UNIT_LOWER}[ \t]+"
    rf"({_PLACE_WORD}(?:(?:[ \t]+|[ \t]*\n[ \t]*){_PLACE_WORD}){{0,3}})")
#: Where the name of an agency starts in the header's capitals: the local bodies whose
#: results a province keeps, and the central ones that issue the texts those rest on.
#: Longer before shorter ('THỦ TƯỚNG CHÍNH PHỦ' is one name, not 'CHÍNH PHỦ').
AGENCY_HEAD = re.compile(
    r"(?<![^\W\d_])(ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|ỦY BAN THƯỜNG VỤ QUỐC HỘI|THỦ TƯỚNG CHÍNH PHỦ|"
    r"VĂN PHÒNG QUỐC HỘI|VĂN PHÒNG CHÍNH PHỦ|CHÍNH PHỦ|QUỐC HỘI|NGÂN HÀNG NHÀ NƯỚC|BẢO HIỂM XÃ HỘI VIỆT NAM|"
    r"TỔNG LIÊN ĐOÀN|KIỂM TOÁN NHÀ NƯỚC|THANH TRA CHÍNH PHỦ|TÒA ÁN|VIỆN KIỂM SÁT|TỔNG CỤC|CHI CỤC|"
    r"VĂN PHÒNG|ỦY BAN|BỘ|SỞ|PHÒNG|CỤC|BAN)(?![^\W\d_])")
#: A name of two to five words, each capitalised or in capitals; Ê Đê and other names
#: carry an apostrophe inside a word ('H'Hen Niê').
_NAME_WORD = rf"(?:[{_UP}](?:'[{_UP}])?[a-zà-ỹăâêôơưđ]+|[{_UP}](?:'[{_UP}])?[{_UP}]{{0,6}})"
_PERSON = re.compile(rf"({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}})")
#: A speck OCR reads as a quote mark before a word ("Dương 'Thị Loan"); inside a word an
#: apostrophe is the name's own.
_SPECK = re.compile(rf"(?:(?<=\s)|^)['‘’`´]+(?=[{_UP}])")
_TITLE_ADDRESS = re.compile(r"^(?:ông|bà|anh|chị)\s+", re.I)
ROLE_LINE = re.compile(r"(?:^|\s)(KT\.|TM\.|Q\.|TL\.|TUQ\.|CHỦ TỊCH|PHÓ CHỦ TỊCH|GIÁM ĐỐC|PHÓ GIÁM ĐỐC|TRƯỞNG PHÒNG|"
                       r"PHÓ TRƯỞNG PHÒNG|NGƯỜI KÝ|CỤC TRƯỞNG|CHI CỤC TRƯỞNG|BỘ TRƯỞNG|THỨ TRƯỞNG|THỦ TƯỚNG|"
                       r"PHÓ THỦ TƯỚNG|THỐNG ĐỐC|TỔNG GIÁM ĐỐC|CHÁNH VĂN PHÒNG|VỤ TRƯỞNG|TỔNG CỤC TRƯỞNG|"
                       r"CHỦ NHIỆM|TỔNG THƯ KÝ|TRƯỞNG BAN|CHÁNH ÁN|VIỆN TRƯỞNG|TỔNG KIỂM TOÁN|"
                       r"XÁC THỰC VĂN BẢN HỢP NHẤT)(?:(?<=\.)|(?![^\W\d_]))")
#: The same roles by their letters alone: in the bold signature block OCR drops marks ('CHỦ TICH').
_ROLE_FOLDED = re.compile(r"(?:^|\s)(CHU TICH|GIAM DOC|TRUONG PHONG|NGUOI KY|CUC TRUONG)\b")


def dates(pattern: re.Pattern[str], text: str) -> dt.date | None:
    return next((d for m in pattern.finditer(text) if (d := date_of(m))), None)


def date_of(m: re.Match[str]) -> dt.date | None:
    day, month, year = (int(g) for g in m.groups()[-3:])
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def capitals(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def person_name(value: str) -> str | None:
    """'Bà ĐỖ THỊ YẾN, Số CMND …' -> 'Đỗ Thị Yến'."""
    value = re.split(r"\s+(?:Giới tính|Sinh ngày|Ngày sinh|Dân tộc|Quốc tịch)\b|[,;(:]", value)[0]
    value = _TITLE_ADDRESS.sub("", _SPECK.sub("", value.strip()))
    m = _PERSON.fullmatch(value.strip(" ."))
    if not m:
        return None
    words = m.group(1).split()
    if all(w.isupper() for w in words):
        words = [w.capitalize() for w in words]
    return " ".join(words)


def is_role(line: str) -> bool:
    return bool(ROLE_LINE.search(line) or _ROLE_FOLDED.search(fold(line)))
