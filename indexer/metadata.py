"""Metadata read off the text of a result, for what the manifest does not give.

Results follow the layout of Decree 30/2020/NĐ-CP: an agency block and ``Số: 45/GP-UBND``
top-left, the national motto and ``…, ngày 08 tháng 4 năm 2021`` top-right, the title in
capitals, a body of labelled lines, a signature block. OCR often merges the two header
columns into one line and wraps long lines anywhere, so every rule here reads the text as a
clerk would: by labels and shapes, not by line positions.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from rapidfuzz.distance import Levenshtein

from search.analysis import fold
from search.dates import add_months

from . import agencies, names

# -- shapes -----------------------------------------------------------------------------
_UP = "A-ZĐÀ-ỸĂÂÊÔƠƯ"
_VI_UPPER = set("ABCDEFGHIJKLMNOPQRSTUVWXYZĐ") | {
    unicodedata.normalize("NFC", base + tone)
    for base in "AĂÂEÊIOÔƠUƯY" for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")}
_DOC_NUMBER = re.compile(
    r"\bS[ỐốỔổOo6]\s*[:.;]?\s*(\d{1,6}(?:\s*/\s*\d{4})?\s*/?\s*[A-ZĐ][A-ZĐ0-9.]*(?:\s*[-–]\s*[A-ZĐ0-9.]+)*)"
)
#: OCR drops the thin slash of "276/GCNKH" at low resolution; the number is always followed
#: by one (Decree 30/2020, Annex I), so it is put back.
_MISSING_SLASH = re.compile(r"(?<=\d)(?=[A-ZĐ])")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})(?!\d)", re.IGNORECASE)
_DATE_DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
#: Where the right-hand column (the national motto) starts on a header line that OCR merged
#: with the agency block: any two neighbouring words of the motto, however misread around.
_MOTTO_START = re.compile(
    r"(?:C?[ỘỌOÔ]NG\s+H[ÒOÓÀ]A|H[ÒOÓÀ]A\s+X[ÃA]|X[ÃA]\s+H[ỘỌOÔ]I|CH[ỦU]\s+NGH[ĨI]A|NGH[ĨI]A\s+VI[ỆE]T|"
    r"Đ[ộo]c\s+l[ậa]p|T[ựu]\s+do\s*[-–]|H[ạa]nh\s+ph[úu]c)", re.I)
#: Kinds of administrative unit, as a place name is introduced ('thành phố Cần Thơ'); a
#: longer one before the shorter it contains ('thị xã' before 'xã').
_UNIT_WORDS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn")
_UNIT = "(?:" + "|".join(u.upper() for u in _UNIT_WORDS) + ")"
#: The same unit words as OCR may read them in bold capitals ('THÀNH PHỔ'), by their letters.
_UNITS_FOLDED = {fold(u).upper(): u.upper() for u in _UNIT_WORDS}
#: Two-word units are long enough to know with one letter misread too ('THÀNH PHỔỐ').
_UNITS_TWO_WORDS = [k for k in _UNITS_FOLDED if " " in k]
_PLACE_WORD = r"(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]*|\d+)(?!\w)"
_UNIT_LOWER = "(?:" + "|".join(u.replace(" ", r"\s+") for u in _UNIT_WORDS) + ")"  # 'thành' / 'phố' may wrap
_PLACE_NAME = re.compile(rf"{_UNIT_LOWER}[ \t]+({_PLACE_WORD}(?:[ \t]+{_PLACE_WORD}){{0,3}})")
#: The same, for a name wrapped onto the next line ("quận Ninh" / "Kiều").
#: Not across a blank line: that ends the paragraph ('tỉnh Thanh' / 'Hóa' / '' / 'Văn bằng …').
_PLACE_NAME_WRAPPED = re.compile(
    rf"{_UNIT_LOWER}[ \t]+"
    rf"({_PLACE_WORD}(?:(?:[ \t]+|[ \t]*\n[ \t]*){_PLACE_WORD}){{0,3}})")
_AGENCY_HEAD = re.compile(r"(ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|SỞ|PHÒNG|CỤC|CHI CỤC|BAN)\b")
_PERSON = re.compile(rf"((?:[{_UP}][a-zà-ỹăâêôơưđ]+|[{_UP}]{{1,7}})(?:\s+(?:[{_UP}][a-zà-ỹăâêôơưđ]+|[{_UP}]{{1,7}})){{1,4}})")
_TITLE_ADDRESS = re.compile(r"^(?:ông|bà|anh|chị)\s+", re.I)
_ID_LABEL = re.compile(
    r"(Số\s*CC[A-ZĐ]?[A-ZĐ]?D|Số\s*CMN[DĐ]|căn cước công dân|chứng minh nhân dân|Số định danh cá nhân|Mã số doanh nghiệp|"
    r"Mã số thuế)\s*[:.]?\s*(\d[\d .]{7,16}\d)", re.I)
_NAME_LABELS = [
    r"Cấp cho", r"Họ, chữ đệm, tên người được cấp", r"Họ và tên chủ hộ kinh doanh", r"Chủ cơ sở",
    r"Họ, chữ đệm, tên chồng", r"Họ, chữ đệm, tên", r"Họ và tên", r"Tên công ty viết bằng tiếng Việt",
    r"Điều 1\.\s*Cho phép",
]
_ADDRESS_LABELS = [r"Địa chỉ trụ sở chính", r"Nơi thường trú", r"Địa chỉ thường trú", r"Nơi cư trú",
                   r"thường trú tại", r"Địa chỉ"]
_ROLE_LINE = re.compile(r"(?:^|\s)(KT\.|TM\.|Q\.|TL\.|CHỦ TỊCH|PHÓ CHỦ TỊCH|GIÁM ĐỐC|PHÓ GIÁM ĐỐC|TRƯỞNG PHÒNG|"
                        r"PHÓ TRƯỞNG PHÒNG|NGƯỜI KÝ|CỤC TRƯỞNG|CHI CỤC TRƯỞNG)")
#: The same roles by their letters alone: in the bold signature block OCR drops marks ('CHỦ TICH').
_ROLE_FOLDED = re.compile(r"(?:^|\s)(CHU TICH|GIAM DOC|TRUONG PHONG|NGUOI KY|CUC TRUONG)\b")
_VALID_TO = re.compile(r"(?:hiệu lực|giá trị)[^.\n]{0,80}?đến\s+(?:hết\s+)?(?:ngày\s+)?", re.I)
_VALID_MONTHS = re.compile(r"(?:thời\s+hạn|giá\s+trị\s+sử\s+dụng|hiệu\s+lực)\s+(?:trong\s+)?(\d{1,2})\s+tháng"
                           r"\s+k[ểếềễệe]\s+t[ừứửữựu]\s+ngày\s+(?:cấp|ký)", re.I)  # 'kế từ': a misread mark


def extract(text: str, ocr: bool = False) -> dict[str, Any]:
    """Every field this text states that we can read with confidence; absent otherwise.
    ``ocr``: the text was read by OCR, so a person's name may be put right (indexer/names.py)."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    found: dict[str, Any] = {}
    header_end = _header_end(lines)
    header, body = lines[: header_end + 1], lines[header_end + 1:]

    if m := _DOC_NUMBER.search("\n".join(header)) or _DOC_NUMBER.search(text):
        number = re.sub(r"\s*([/\-–])\s*", lambda g: "-" if g.group(1) == "–" else g.group(1), m.group(1))
        found["doc_number"] = _MISSING_SLASH.sub("/", number.strip(" ."), count=1)
    if (d := _first_date("\n".join(header))) or (d := _first_date(text)):
        found["issued_date"] = d
    if agency := _agency(header):
        found["issuing_agency"] = _as_spelled_in(agency, text)
    if title := _title(body):
        found["result_type"] = title
    found.update(_subject(body))
    if ocr and found.get("subject_type") == "citizen":
        found["subject_name"] = names.repair(found["subject_name"])
    if until := _valid_until("\n".join(body), found.get("issued_date")):
        found["valid_until"] = until
    if signer := _signer(body):
        found["signer"] = names.repair(signer) if ocr else signer
    return found


# -- header -----------------------------------------------------------------------------


def _header_end(lines: list[str]) -> int:
    """Index of the last header line: the later of the number line and the date line
    (their first occurrences; the body has dates of its own)."""
    number = next((i for i, ln in enumerate(lines[:20]) if _DOC_NUMBER.search(ln)), 0)
    date = next((i for i, ln in enumerate(lines[:20]) if _DATE_WORDS.search(ln)), 0)
    return max(number, date)


def _first_date(text: str) -> dt.date | None:
    for m in _DATE_WORDS.finditer(text):
        day, month, year = (int(g) for g in m.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return None


def _agency(header: list[str]) -> str | None:
    """The agency block, however OCR interleaved it with the motto and the date line:
    'ỦY BAN NHÂN DÂN TỈNH BẮC GIANG / SỞ XÂY DỰNG' -> 'Sở Xây dựng tỉnh Bắc Giang'."""
    words = []
    for line in header:
        if m := _DATE_WORDS.search(line):
            # Drop the place printed before the date ("Lục Ngạn, ", "Quận 1, ").
            kept = line[: m.start()].replace(",", " ").split()
            while kept and not (kept[-1].isupper() and len(kept[-1]) > 1):
                kept.pop()
            line = " ".join(kept)
        line = _DOC_NUMBER.sub(" ", line)
        if m := _MOTTO_START.search(line):
            # A letter left glued before the cut is the motto's own misread 'C' ('GIANđ€ỘÔNG').
            line = re.sub(r"(?:^|\W)[^\W\d]\W*$", "", line[: m.start()])
        # The block is in capitals: mixed-case words (the place before the date) are not of it.
        for w in re.split(r"[^\w\-–]+", line):
            w = w.rstrip("".join(set(w) - _VI_UPPER - set("0123456789-–")))  # 'KIỀŒ' -> 'KIỀ'
            if glued := re.fullmatch(r"(\D+?)(\d+)", w):  # 'QUẬN1' -> 'QUẬN 1', but 'CẦN5' -> 'CẦN'
                w = f"{glued[1]} {glued[2]}" if glued[1] in ("QUẬN", "PHƯỜNG") else glued[1]
            if w and (w.isupper() or w.isdigit() or w in "-–"):
                words.append(w)
    block = " ".join(words).replace("UỶ", "ỦY").replace("–", "-").strip(" -")
    heads = list(_AGENCY_HEAD.finditer(block))
    if not heads:
        return None
    parts, locality = [], None
    for i, h in enumerate(heads):
        piece = block[h.start(): heads[i + 1].start() if i + 1 < len(heads) else len(block)].strip(" -")
        known = agencies.known_prefix(piece)  # read up to where a lawful name ends
        rest = _units_spelled(known[1]) if known else piece
        units = list(re.finditer(rf"\b{_UNIT}\s*(?=\S)", rest))
        if units:  # the last unit word starts the locality: "... THÀNH PHỐ CẦN THƠ"
            head, loc = rest[: units[-1].start()].strip(" -"), rest[units[-1].start():]
            locality = locality or _locality_case(loc)
        else:
            head = rest
        if known:
            parts.append(known[0])
        elif head:
            parts.append(_agency_case(head))
    if not parts:
        return None
    if parts[0] == "Ủy ban nhân dân":
        if len(parts) == 1:
            return f"Ủy ban nhân dân {locality}" if locality else None
        parts = parts[1:]
    name = parts[0] if len(parts) == 1 else f"{parts[-1]} - {parts[0]}"
    return f"{name} {locality}" if locality else name


def _units_spelled(words: str) -> str:
    """'THÀNH PHỔ CẦN THƠ' -> 'THÀNH PHỐ CẦN THƠ': unit words as written, however OCR
    placed their marks (only after an agency's name, where nothing else can stand)."""
    out, i, after_unit = words.split(), 0, False
    while i < len(out):
        for n in (2, 1):
            read = fold(" ".join(out[i: i + n])).upper()
            unit = _UNITS_FOLDED.get(read) or (n == 2 and next(
                (_UNITS_FOLDED[k] for k in _UNITS_TWO_WORDS if Levenshtein.distance(read, k) == 1), None))
            if unit and not after_unit:  # 'XÃ PHƯỢNG SƠN': a name after a unit is a name
                out[i: i + n] = unit.split()
                i, after_unit = i + n, True
                break
        else:
            i, after_unit = i + 1, False
    return " ".join(out)


def _as_spelled_in(agency: str, text: str) -> str:
    """The agency block is in bold capitals, which OCR reads worst ('CÂN THƠ' for 'CẦN THƠ',
    a last word lost at the column edge, 'CẦNO' where the motto column touches it); the same
    place is usually written again in the body in ordinary type. The agency's locality is
    taken as the body spells it where the two differ only by diacritics, where the body's
    is the whole of a cut-short name, or, failing both, where it is the one place of that
    kind within a misread letter or two (one per four letters)."""
    m = re.search(rf"\b({'|'.join(_UNIT_WORDS)})\s+([^-]+)$", agency, re.I)
    if not m:
        return agency
    unit, read = m.group(1).lower(), m.group(2).strip()
    folded = fold(read).lower()
    best, near = None, {}
    places = [*_PLACE_NAME.finditer(text), *_PLACE_NAME_WRAPPED.finditer(text)]
    for place in sorted(places, key=lambda p: "\n" in p.group(1)):  # same-line spellings first
        words = place.group(1).split()  # a name wrapped across lines is one name
        while len(words) > 1 and words[-1].isupper() and len(words[-1]) > 1:
            words.pop()  # 'Hồ Chí Minh' / 'ĐỦ ĐIỀU KIỆN …' on the next line
        name = " ".join(words)
        if name.isupper() or not re.sub(r"\s+", " ", place.group(0)).lower().startswith(unit):
            continue
        body = fold(name).lower()
        if body == folded:
            best = name
            break
        if best is None and len(folded) >= 4 and (body.startswith(folded) or body.endswith(" " + folded)):
            best = name
        if (distance := Levenshtein.distance(body, folded)) <= max(1, len(folded) // 4):
            near.setdefault(distance, set()).add(name)
    if best is None and near and len(closest := near[min(near)]) == 1:
        best = closest.pop()
    return agency[: m.start(2)] + best if best else agency


def _agency_case(name: str) -> str:
    """'SỞ KẾ HOẠCH VÀ ĐẦU TƯ' -> 'Sở Kế hoạch và Đầu tư': capitals on the kind of agency and
    on each field it covers, as the rules of administrative writing have it."""
    name = re.sub(r"\s+", " ", name.replace("–", "-")).strip()
    if name.upper() in ("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN"):
        return "Ủy ban nhân dân"
    m = re.match(r"^(CHI CỤC|SỞ|PHÒNG|CỤC|BAN)\s+(.*)$", name)
    if not m:
        return name.capitalize()
    kind, rest = m.groups()
    fields = re.split(r"(\s+VÀ\s+|\s*-\s*)", rest)
    out = []
    for piece in fields:
        if re.fullmatch(r"\s+VÀ\s+", piece):
            out.append(" và ")
        elif re.fullmatch(r"\s*-\s*", piece):
            out.append(" - ")
        else:
            out.append(piece[:1] + piece[1:].lower())
    return f"{kind.capitalize()} {''.join(out)}"


def _locality_case(loc: str) -> str:
    """'HUYỆN LỤC NGẠN' -> 'huyện Lục Ngạn'; 'QUẬN 1' -> 'Quận 1'."""
    m = re.match(rf"^({_UNIT})\s*(.*)$", loc.strip())
    if not m:
        return loc.title()
    unit, name = m.groups()
    unit = unit.lower()
    name = name.strip()
    if name[:1].isdigit():
        return f"{unit.capitalize()} {name}"
    return f"{unit} {' '.join(w.capitalize() for w in name.split())}"


# -- body -------------------------------------------------------------------------------


def _title(body: list[str]) -> str | None:
    """The first line in capitals after the header; 'GIẤY CHỨNG NHẬN' alone takes the next."""
    for i, line in enumerate(body[:6]):
        letters = [c for c in line if c.isalpha()]
        if len(letters) < 4 or sum(c.isupper() for c in letters) < 0.9 * len(letters):
            continue
        if line.startswith("(") or _AGENCY_HEAD.match(line) and not line.startswith(("QUYẾT", "GIẤY")):
            continue
        title = line.strip(" .:")
        nxt = body[i + 1] if i + 1 < len(body) else ""
        if title in ("GIẤY CHỨNG NHẬN", "GIẤY PHÉP") and nxt.isupper():
            title = f"{title} {nxt.strip(' .:')}"
        return title[:1] + title[1:].lower()
    return None


def _after_label(body: list[str], labels: list[str], max_lines: int = 1) -> str | None:
    """What follows the first of ``labels`` to occur, with the lines it runs on to. A label
    may itself be wrapped ('thường trú' / 'tại Số 93 …')."""
    text = "\n".join(body)
    for label in labels:
        m = re.search(label.replace(" ", r"\s+") + r"[ \t]*[:.]?[ \t]*", text, re.I)
        if not m:
            continue
        i = text.count("\n", 0, m.end())
        value = text[m.end():].split("\n", 1)[0]
        if not value.strip() and i + 1 < len(body):  # the label ended the line
            value, i = body[i + 1], i + 1
        for extra in body[i + 1: i + max_lines]:
            if not _runs_on(value, extra):
                break
            value = f"{value} {extra}"
        return value.strip()
    return None


def _runs_on(value: str, next_line: str) -> bool:
    """Whether a value wrapped onto the next line: 'tỉnh Bắc' / 'Giang', 'CÔNG TY … DỊCH' /
    'VỤ MINH PHÁT'. A labelled or numbered line starts something new; an address goes on
    until it ends with a province."""
    if ":" in next_line[:40] or re.match(r"^(\d+\.|-|Điều\s)", next_line):
        return False
    value = value.rstrip()
    if value.endswith(","):
        return True
    fragment = re.split(r"[,.;]", next_line, maxsplit=1)[0].split()
    shouting = all(w.isupper() for w in fragment)
    if (1 <= len(fragment) <= 4 and all(w[0].isupper() for w in fragment)
            and shouting == value.split()[-1].isupper() and not _ROLE_LINE.search(next_line)):
        return True  # the rest of a proper name, in the same case as what came before
    last = value.rsplit(",", 1)[-1].strip()
    return not re.match(r"^(tỉnh|thành phố)\s+\S", last, re.I)


def _person_name(value: str) -> str | None:
    """'Bà ĐỖ THỊ YẾN, Số CMND …' -> 'Đỗ Thị Yến'."""
    value = re.split(r"\s+(?:Giới tính|Sinh ngày|Ngày sinh|Dân tộc|Quốc tịch)\b|[,;(:]", value)[0]
    value = _TITLE_ADDRESS.sub("", value.strip())
    m = _PERSON.fullmatch(value.strip(" ."))
    if not m:
        return None
    words = m.group(1).split()
    if all(w.isupper() for w in words):
        words = [w.capitalize() for w in words]
    return " ".join(words)


def _subject(body: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    text = "\n".join(body)
    company = _after_label(body, [r"Tên công ty viết bằng tiếng Việt"], max_lines=2)
    if company:
        found["subject_name"] = company.strip(" .")
        found["subject_type"] = "organization"
    else:
        for label in _NAME_LABELS:
            value = _after_label(body, [label])
            if value and (name := _person_name(value)):
                found["subject_name"] = name
                found["subject_type"] = "citizen"
                break
    if m := _ID_LABEL.search(text):
        number = re.sub(r"\D", "", m.group(2))
        if len(number) in (9, 10, 12, 13):
            found["subject_id"] = number
    address = _after_label(body, _ADDRESS_LABELS, max_lines=3)
    if address:
        address = re.split(r",\s*được\b|\.\s*$", address)[0].strip(" .,")
        address = re.split(r"(?<=\S)\s{2,}", address)[0]
        found["subject_address"] = _address_head(address)
        found.update(_places(address))
    return found


#: How an address starts ('Số 81 đường …', 'Tổ dân phố 10, …'), by the letters alone.
_ADDRESS_HEADS = {fold(h).lower(): h for h in ("Số", "Tổ dân phố", "Tổ", "Xóm", "Thôn", "Ấp", "Khu phố", "Bản")}


def _address_head(address: str) -> str:
    """The first words of an address as written, however OCR read their marks or case
    ('SỐ 81 đường …', 'Tố dân phố 10'): they come from a handful of words."""
    words = address.split(" ")
    for n in (3, 2, 1):
        if len(words) > n and words[n][:1].isdigit() and (known := _ADDRESS_HEADS.get(fold(" ".join(words[:n])).lower())):
            return " ".join([known, *words[n:]])
    return address


def _places(address: str) -> dict[str, str]:
    parts = [p.strip() for p in address.split(",")]
    found: dict[str, str] = {}
    for part in reversed(parts):
        low = part.lower()
        if "province" not in found and re.match(r"^(tỉnh|thành phố)\s", low):
            found["province"] = part
        elif "province" in found and "district" not in found and re.match(r"^(huyện|quận|thị xã|thành phố)\s", low):
            found["district"] = part
        elif "district" in found and "commune" not in found and re.match(r"^(xã|phường|thị trấn)\s", low):
            found["commune"] = part
            break
    return found


def _valid_until(text: str, issued: dt.date | None) -> dt.date | None:
    """The 'đến ngày …' date; failing that, or where it cannot be (before the issue date: a
    misread year), the date a stated term in months runs to from the issue date."""
    stated = None
    for m in _VALID_TO.finditer(text):
        tail = text[m.end(): m.end() + 40]
        if stated := _first_date("ngày " + tail if not tail.startswith("ngày") else tail):
            break
        if d2 := _DATE_DMY.match(tail):
            day, month, year = (int(g) for g in d2.groups())
            try:
                stated = dt.date(year, month, day)
                break
            except ValueError:
                pass
    if stated and (issued is None or stated > issued):
        return stated
    if issued and (m := _VALID_MONTHS.search(text)):
        return add_months(issued, int(m.group(1)))
    return None


def _is_role(line: str) -> bool:
    return bool(_ROLE_LINE.search(line) or _ROLE_FOLDED.search(fold(line)))


def _signer(body: list[str]) -> str | None:
    """The name under the last role line ('CHỦ TỊCH', 'KT. GIÁM ĐỐC' …). Of the lines that
    could be it, one that starts with a family name wins over a scrawl OCR made of the
    signature or the stamp ('TU HE'); failing that, the first."""
    roles = [i for i, line in enumerate(body) if _is_role(line)]
    if not roles:
        return None
    found = []
    for line in body[roles[-1] + 1: roles[-1] + 5]:
        line = re.sub(r"^.*?(?:;|\.)\s+(?=[^\s])", "", line)  # recipients' column merged by OCR
        if line.startswith("(") or _is_role(line):
            continue
        if name := _person_name(line):
            found.append(name)
    return next((n for n in found if names.is_surname(n.split()[0])), found[0] if found else None)
