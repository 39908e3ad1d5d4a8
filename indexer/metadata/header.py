"""The header of a result (Decree 30/2020, Annex I): the number, the place-and-date line and
the issuing agency — also where a consolidated text prints them, in its authentication block.
The agency block is in bold capitals, which OCR reads worst, so its unit words and its
locality are put back as the body spells them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from rapidfuzz.distance import Levenshtein

from search.analysis import fold

from .. import agencies
from .shapes import (
    AGENCY_HEAD, AS_DIGIT, DATE_WORDS, DOC_NUMBER, LOCALITY, MISREAD_PLACE_DATE, MOTTO_START, NUMBER_SHAPE, PLACE_DATE,
    PLACE_NAME, PLACE_NAME_WRAPPED, UNIT_WORDS, date_of, dates, is_role,
)

_VI_UPPER = set("ABCDEFGHIJKLMNOPQRSTUVWXYZĐ") | {
    unicodedata.normalize("NFC", base + tone)
    for base in "AĂÂEÊIOÔƠUƯY" for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")}
#: The number on a line of its own, where a consolidated text or an OCR'd page without a
#: header puts it; a number quoted in the body ('… số 25/2008/QH12') has no colon.
_NUMBER_LINE = re.compile(r"^(?:[A-ZĐÀ-Ỹa-zà-ỹđ]+\s+){0,3}[Ss][ốỐ]\s*:\s*" + NUMBER_SHAPE)
#: The same standing at the start of a line, a place of a few words ('Hà Nội, ngày …').
_PLACE_DATE_LINE = re.compile(r"^(?:[^\W\d_][\w.'’-]*\s+){0,4}" + PLACE_DATE.pattern, re.IGNORECASE)
#: A law or a National Assembly resolution is dated by its passing.
_PASSED = re.compile(r"thông\s+qua\s+ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})(?!\d)",
                     re.IGNORECASE)
#: OCR drops the thin slash of "276/GCNKH" at low resolution; the number is always followed
#: by one (Decree 30/2020, Annex I), so it is put back.
_MISSING_SLASH = re.compile(r"(?<=\d)(?=[A-ZĐ])")
#: The motto's second line, however OCR read its marks.
_MOTTO_SECOND = re.compile(r"Đ[ộoóọô]c\s+l[ậaâ]p\s*[-–]\s*T[ựuư]\s+do\s*[-–]\s*H[ạa]nh\s+ph[úu]c", re.I)
_UNIT = "(?:" + "|".join(u.upper() for u in UNIT_WORDS) + ")"
#: The same unit words as OCR may read them in bold capitals ('THÀNH PHỔ'), by their letters.
_UNITS_FOLDED = {fold(u).upper(): u.upper() for u in UNIT_WORDS}
#: Two-word units are long enough to know with one letter misread too ('THÀNH PHỔỐ').
_UNITS_TWO_WORDS = [k for k in _UNITS_FOLDED if " " in k]


def last_header_line(lines: list[str]) -> int:
    """Index of the last header line: the latest of the number line, the place-and-date
    line and the motto's second line ('Độc lập - Tự do - Hạnh phúc'), by their first
    occurrences near the top (the body has dates of its own and quotes other documents'
    numbers). -1 when the text has none of them: no header, so nothing is read as its title."""
    top = lines[:20]
    number = next((i for i, ln in enumerate(top) if DOC_NUMBER.search(ln)), -1)
    date = next((i for i, ln in enumerate(top) if PLACE_DATE.search(ln)), -1)
    if date < 0:  # OCR may lose the comma after the place; the header is short
        date = next((i for i, ln in enumerate(lines[:8]) if _unquoted_date(ln)), -1)
    motto = next((i for i, ln in enumerate(lines[:12]) if _MOTTO_SECOND.search(ln)), -1)
    return max(number, date, motto)


def doc_number(header: list[str], lines: list[str]) -> str | None:
    """The header's number; a consolidated text's is in its authentication block (it may
    reprint the header of the text it consolidates, number and all)."""
    m = None
    if (k := authentication_line(lines)) is not None:
        m = next((m for ln in lines[max(0, k - 3): k + 4] if (m := _NUMBER_LINE.match(ln))), None)
    m = m or DOC_NUMBER.search("\n".join(header))
    if not m:
        m = next((m for ln in lines if (m := _NUMBER_LINE.match(ln))), None)
    if not m or re.match(r"[-–_]", m.string[m.end(1):]):
        return None  # none, or a number cut where it wraps ('…/TTLT-VKSNDTC-'): not the whole number
    number = re.sub(r"\s*([/\-–])\s*", lambda g: "-" if g.group(1) == "–" else g.group(1), m.group(1))
    return _MISSING_SLASH.sub("/", number.strip(" ."), count=1)


def issued_date(header: list[str], lines: list[str]) -> dt.date | None:
    """The place-and-date line of the header; failing that, one standing at the start of a
    line anywhere (a consolidated text dates its authentication at the end), or the date a
    law was passed. Never the first date the body happens to quote."""
    head = "\n".join(header)
    if (k := authentication_line(lines)) is not None:  # a consolidated text: dated where authenticated
        block = lines[max(0, k - 4): k + 5]
        if d := _line_date(block):
            return d
        if _unread_date_line(lines[k + 1: k + 5]):
            return None  # its date is there, misread ('ngày l6'): not the reprinted header's
    if not dates(PLACE_DATE, head) and _unread_date_line(header):
        return None  # the header's date line is there, its numbers misread ('ngày 3l'): no other date is it
    unquoted = next((m for ln in header if (m := _unquoted_date(ln))), None)
    for found in (dates(PLACE_DATE, head), date_of(unquoted) if unquoted else None, _line_date(lines),
                  dates(_PASSED, "\n".join(lines))):
        if found:
            return found
    return None


def misread_date(header: list[str]) -> dt.date | None:
    """The header's place-and-date with a 1 or a 0 read as a letter in its day or month
    ('Hà Nội, ngày 3l tháng 3 năm 2025' -> 31 March 2025; ``shapes.MISREAD_PLACE_DATE``), if
    it makes a date. The caller decides whether it is sure (metadata/__init__.py)."""
    for line in header:
        if (m := MISREAD_PLACE_DATE.search(line)) and not (m.group(1).isdigit() and m.group(2).isdigit()):
            day, month = (g.translate(AS_DIGIT) for g in m.groups()[:2])
            try:
                return dt.date(int(m.group(3)), int(month), int(day))
            except ValueError:
                return None
    return None


def _line_date(lines: list[str]) -> dt.date | None:
    """The first place-and-date standing at the start of one of ``lines``, or after the number
    there ('Số: 462/VBHN-BLĐTBXH Hà Nội, ngày …': OCR reads the number's column and the date's
    across, as one line)."""
    return next((d for ln in lines if (m := _PLACE_DATE_LINE.match(_NUMBER_FIRST.sub("", ln)))
                 and (d := date_of(m))), None)


#: A number at the start of a line, and the space after it.
_NUMBER_FIRST = re.compile(r"^\s*[Ss][ốỐ]\s*:\s*" + NUMBER_SHAPE + r"\s+(?=\S)")
#: Decree 30's place-and-date line by its words alone ('Hà Nội, ngày 3l tháng 3 năm 2025'):
#: there, whatever OCR made of its numbers.
_DATE_LINE_WORDS = re.compile(r"[^\W\d_][\w)]*\s*,\s*ng[aàáảãạ]y\s*\S{1,3}\s*th[aàáảãạ]ng\b", re.I)


def _unread_date_line(lines: list[str]) -> bool:
    """Whether ``lines`` hold a place-and-date line whose date could not be read."""
    return any(_DATE_LINE_WORDS.search(ln) and not dates(PLACE_DATE, ln) for ln in lines)


def _unquoted_date(line: str) -> re.Match[str] | None:
    """A date in words that is the line's own: nothing but capitalised words (a place, the
    motto OCR merged with it) before it — not one quoted in a sentence ('Thông tư số
    05/2015/TT-BYT ngày 17 tháng 3 năm 2015', 'có hiệu lực kể từ ngày …')."""
    m = DATE_WORDS.search(line)
    before = re.sub(r"[-–,.]", " ", line[: m.start()]).split() if m else []
    # Decree 30's date has its place before it: a line that starts with the date is a quoted
    # one wrapped ('… số 70/2015/NĐ-CP' / 'ngày 01 tháng 9 năm 2015 của Chính phủ …').
    return m if m and 1 <= len(before) <= 8 and all(w[:1].isupper() for w in before) else None


def initials(name: str) -> str:
    """A name as a number's symbol abbreviates it (Decree 30/2020, Annex I: the symbol is the
    abbreviations of the kind and of the issuing agency): the first letter of each word, marks
    off but Đ kept, 'và' left out — 'Thông tư' → 'TT', 'Bộ Lao động - Thương binh và Xã hội' →
    'BLĐTBXH', 'Ủy ban nhân dân' → 'UBND'."""
    words = [w for w in re.findall(r"[^\W\d_]+", name) if w.lower() != "và"]
    return "".join(unicodedata.normalize("NFD", w[0].upper())[0] for w in words)


#: What OCR reads for a letter of a symbol: a stroke (1, I, l, |) or another digit for a letter,
#: the bar of Đ lost or added.
_STROKES = set("1Il|!")
#: Letters OCR reads for the digits of a legislature after its initials ('QHIS' for 'QH15').
_DIGIT_SHAPES = set("IlOSZ|")


def symbol_misread(number: str, names: list[str]) -> str | None:
    """The abbreviation a part of the number's symbol was misread from, if one is — a part
    that is the initials of the kind or the agency the page prints with one OCR slip:

    * one character off, read as a stroke or a digit, or D for Đ and back ('T1-BLĐTBXH'
      under THÔNG TƯ, 'TT-BLĐIBXH' under BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI);
    * one capital too many ('NGQ' under NGHỊ QUYẾT; a lower-case one is Decree 30's own,
      'TTr' for Tờ trình);
    * followed by letters shaped like the digits of a legislature ('UBTVQHIS' for 'UBTVQH15').

    A symbol of other letters ('03-TB/TU') or a letter fewer ('XNTTHN' for a Giấy xác nhận
    tình trạng hôn nhân) is not taken for a slip."""
    wanted = {initials(n) for n in names if n}
    for part in number.rsplit("/", 1)[-1].split("-"):
        for want in wanted:
            if len(want) < 2 or part == want:
                continue
            if len(part) == len(want):
                slips = [(a, b) for a, b in zip(part, want) if a != b]
                if len(slips) == 1 and (slips[0][0] in _STROKES or slips[0][0].isdigit()
                                        or {slips[0][0], slips[0][1]} == {"D", "Đ"}):
                    return want
            elif len(part) == len(want) + 1:
                if any(part[i].isupper() and part[:i] + part[i + 1:] == want for i in range(len(part))):
                    return want
            elif part.startswith(want) and len(part) <= len(want) + 2 and set(part[len(want):]) <= _DIGIT_SHAPES:
                return want
    return None


def issuing_agency(header: list[str]) -> str | None:
    """The agency block, however OCR interleaved it with the motto and the date line:
    'ỦY BAN NHÂN DÂN TỈNH BẮC GIANG / SỞ XÂY DỰNG' -> 'Sở Xây dựng tỉnh Bắc Giang'."""
    words = []
    for line in header:
        if is_role(line) and not agencies.known_prefix(line):  # 'BỘ TRƯỞNG BỘ …': who signs, not who issues
            continue
        if m := DATE_WORDS.search(line):
            # Drop the place printed before the date ("Lục Ngạn, ", "Quận 1, ").
            kept = line[: m.start()].replace(",", " ").split()
            while kept and not (kept[-1].isupper() and len(kept[-1]) > 1):
                kept.pop()
            line = " ".join(kept)
        line = DOC_NUMBER.sub(" ", line)
        if m := MOTTO_START.search(line):
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
    block = re.sub(r"(?<![^\W\d_])UBND(?![^\W\d_])", "ỦY BAN NHÂN DÂN", block)
    heads, covered = [], 0
    for h in AGENCY_HEAD.finditer(block):
        if h.start() < covered:
            continue  # inside a lawful name read already ('PHÒNG' in 'BỘ QUỐC PHÒNG')
        heads.append(h)
        if known := agencies.known_prefix(block[h.start():]):
            covered = block.find(known[1], h.start() + 1) if known[1] else len(block)
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
    parts = list(dict.fromkeys(parts))  # the gazette prints the agency again above the header
    if not parts:
        return None
    if len(parts) > 1 and all(p in agencies.CENTRAL for p in parts):
        return None  # a joint text of several ministries: no one issuing agency
    if parts[0] == "Ủy ban nhân dân":
        if len(parts) == 1:
            return f"Ủy ban nhân dân {locality}" if locality else None
        parts = parts[1:]
    name = parts[0] if len(parts) == 1 else f"{parts[-1]} - {parts[0]}"
    return f"{name} {locality}" if locality else name


def local(agency: str) -> bool:
    """A body of a province, district or commune: its name needs its place."""
    return agency not in agencies.CENTRAL and not any(
        part in agencies.CENTRAL for part in agency.split(" - ")) and bool(
        re.match(r"(?:Ủy ban nhân dân|Sở|Phòng|Chi cục|Văn phòng|Trung tâm|Ban)\b", agency))


def consolidated(lines: list[str]) -> bool:
    """A consolidated text: it has an authentication block, or (a part of one printed
    without it) a title under the motto with no number at the top."""
    return authentication_line(lines) is not None or not any(DOC_NUMBER.search(ln) for ln in lines[:20])


def authentication_line(lines: list[str]) -> int | None:
    """The line 'XÁC THỰC VĂN BẢN HỢP NHẤT' (by its letters: OCR misreads the bold marks),
    with the agency's column before it where OCR read the two columns across."""
    return next((i for i, ln in enumerate(lines) if fold(ln).upper().strip() == "XAC THUC VAN BAN HOP NHAT"
                 or _AUTHENTICATION.search(fold(ln).strip())), None)


#: The same, in capitals after the agency's capitals: not a sentence that ends with the words.
_AUTHENTICATION = re.compile(r"^[A-Z][A-Z -]*[A-Z]\s+(?:-\s+)?XAC THUC VAN BAN HOP NHAT$")


def authentication_block(lines: list[str]) -> list[str]:
    """A consolidated text (văn bản hợp nhất) names its agency in the block that
    authenticates it, usually at the end: agency, 'XÁC THỰC VĂN BẢN HỢP NHẤT', number, date."""
    k = authentication_line(lines)
    if k is None:
        return []
    merged = lines[k][: len(lines[k].rstrip()) - len("XÁC THỰC VĂN BẢN HỢP NHẤT")].strip()  # the agency's column
    near = lines[max(0, k - 3): k] + [merged] * bool(merged) + lines[k + 1: k + 3]
    return [ln for ln in near if ln.isupper() and not DOC_NUMBER.search(ln) and not is_role(ln)]


def _units_spelled(words: str) -> str:
    """'THÀNH PHỔ CẦN THƠ' -> 'THÀNH PHỐ CẦN THƠ': unit words as written, however OCR
    placed their marks (only after an agency's name, where nothing else can stand)."""
    out, i, after_unit = words.split(), 0, False
    while i < len(out):
        for n in (2, 1):
            read = fold(" ".join(out[i: i + n])).upper()
            unit = _UNITS_FOLDED.get(read) or (n == 2 and next(
                (_UNITS_FOLDED[k] for k in _UNITS_TWO_WORDS if Levenshtein.distance(read, k) == 1), None))
            if unit and not after_unit:  # 'XÃ PHƯỢNG SƠN', 'HUYỆN SƠN TỊNH': what follows a unit is its name
                out[i: i + n] = unit.split()
                i, after_unit = i + n, True
                break
        else:
            i += 1
    return " ".join(out)


def as_spelled_in(agency: str, text: str) -> str:
    """The agency block is in bold capitals, which OCR reads worst ('CÂN THƠ' for 'CẦN THƠ',
    a last word lost at the column edge, 'CẦNO' where the motto column touches it); the same
    place is usually written again in the body in ordinary type. The agency's locality is
    taken as the body spells it where the two differ only by diacritics, where the body's
    is the whole of a cut-short name, or, failing both, where it is the one place of that
    kind within a misread letter or two (one per four letters)."""
    m = LOCALITY.search(agency)
    if not m or agency in agencies.CENTRAL or agency.endswith(" và Xã hội"):
        return agency
    unit, read = m.group(1).lower(), m.group(2).strip()
    folded = fold(read).lower()
    best, near = None, {}
    places = [*PLACE_NAME.finditer(text), *PLACE_NAME_WRAPPED.finditer(text)]
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
        if best is None and _cut_words(folded, body):  # 'B Giang': OCR lost the rest of a word
            best = name
        if (distance := Levenshtein.distance(body, folded)) <= max(1, len(folded) // 4):
            near.setdefault(distance, set()).add(name)
    if best is None and near and len(closest := near[min(near)]) == 1:
        best = closest.pop()
    return agency[: m.start(2)] + best if best else agency


def _cut_words(read: str, written: str) -> bool:
    """Whether ``read`` is ``written`` with a word cut to its first letter(s)."""
    r, w = read.split(), written.split()
    return len(r) == len(w) and r != w and all(a == b or (len(a) < len(b) and b.startswith(a)) for a, b in zip(r, w))


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
