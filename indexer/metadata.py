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
from dataclasses import dataclass, field
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
#: 'Số: 45/GP-UBND', 'Số: 212/2025/NĐ-CP', 'Luật số: 51/2024/QH15' (Decree 30/2020, Annex I),
#: and the numbers practice certificates and some registers print letters first
#: ('Số: BXG-00000281').
#: A symbol starts with a capital; the abbreviations Decree 30 gives have lower-case letters
#: too ('QĐ-TTg', 'SGDĐT-CTrTT', 'Ctr-UBND'), and some are typed with '_' for '-'. Party
#: documents number 'N-TB/TU'.
_SYMBOL = r"[A-ZĐ][A-Za-zĐđ0-9.]*"
_NUMBER_SHAPE = (rf"(\d{{1,6}}(?:\s*/\s*\d{{4}})?\s*/?\s*{_SYMBOL}(?:\s*[-–_]\s*{_SYMBOL})*"
                 rf"|\d{{1,6}}-{_SYMBOL}/{_SYMBOL}"
                 r"|[A-ZĐ]{2,6}\s*[-–]\s*\d{3,}(?:/[A-ZĐ0-9.\-]+)?)")
_DOC_NUMBER = re.compile(r"(?:\bS[ỐốỔổOo6]\s*[:.;]?|\bsố\s*:)\s*" + _NUMBER_SHAPE)
#: The number on a line of its own, where a consolidated text or an OCR'd page without a
#: header puts it; a number quoted in the body ('… số 25/2008/QH12') has no colon.
_NUMBER_LINE = re.compile(r"^(?:[A-ZĐÀ-Ỹa-zà-ỹđ]+\s+){0,3}[Ss][ốỐ]\s*:\s*" + _NUMBER_SHAPE)
#: Decree 30's 'địa danh và thời gian': a place, a comma, then the date in words.
_PLACE_DATE = re.compile(r"[^\W_][\w)]*\s*,\s*ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})(?!\d)",
                         re.IGNORECASE)
#: The same standing at the start of a line, a place of a few words ('Hà Nội, ngày …').
_PLACE_DATE_LINE = re.compile(r"^(?:[^\W\d_][\w.'’-]*\s+){0,4}" + _PLACE_DATE.pattern, re.IGNORECASE)
#: A law or a National Assembly resolution is dated by its passing.
_PASSED = re.compile(r"thông\s+qua\s+ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})(?!\d)",
                     re.IGNORECASE)
#: OCR drops the thin slash of "276/GCNKH" at low resolution; the number is always followed
#: by one (Decree 30/2020, Annex I), so it is put back.
_MISSING_SLASH = re.compile(r"(?<=\d)(?=[A-ZĐ])")
_DATE_WORDS = re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})(?!\d)", re.IGNORECASE)
_DATE_DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
#: Where the right-hand column (the national motto) starts on a header line that OCR merged
#: with the agency block: any two neighbouring words of the motto, however misread around
#: ('XÃ HỘI' only before 'CHỦ': it ends agency names too, 'Bộ Lao động - Thương binh và Xã hội').
_MOTTO_START = re.compile(
    r"(?:C?[ỘỌOÔ]NG\s+H[ÒOÓÀ]A|H[ÒOÓÀ]A\s+X[ÃA]|X[ÃA]\s+H[ỘỌOÔ]I\s+CH|CH[ỦU]\s+NGH[ĨI]A|NGH[ĨI]A\s+VI[ỆE]T|"
    r"Đ[ộo]c\s+l[ậa]p\s*[-–]|T[ựu]\s+do\s*[-–]|[-–]\s*H[ạa]nh\s+ph[úu]c)", re.I)
#: The motto's second line, however OCR read its marks.
_MOTTO_SECOND = re.compile(r"Đ[ộoóọô]c\s+l[ậaâ]p\s*[-–]\s*T[ựuư]\s+do\s*[-–]\s*H[ạa]nh\s+ph[úu]c", re.I)
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
#: Where the name of an agency starts in the header's capitals: the local bodies whose
#: results a province keeps, and the central ones that issue the texts those rest on.
#: Longer before shorter ('THỦ TƯỚNG CHÍNH PHỦ' is one name, not 'CHÍNH PHỦ').
_AGENCY_HEAD = re.compile(
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
_ID_LABEL = re.compile(
    r"(Số\s*CC[A-ZĐ]?[A-ZĐ]?D|Số\s*CMN[DĐ]|CCCD\s*số|CMND\s*số|căn cước công dân(?:\s*số)?|chứng minh nhân dân(?:\s*số)?|"
    r"Số định danh cá nhân|Giấy tờ tùy thân|Số giấy tờ tùy thân|Mã số doanh nghiệp|Mã số hộ kinh doanh|"
    r"Mã số chi nhánh|Mã số thuế)\s*[:.]?\s*(?:(?:Căn cước công dân|Căn cước|CCCD|CMND)\s*(?:số\s*)?[:.]?\s*)?"
    r"(\d[\d .]{7,16}\d(?:-\d{3})?)", re.I)
#: Labels of a person who is the subject, as the forms print them (the first found wins).
_NAME_LABELS = [
    r"Cấp cho", r"Họ, chữ đệm, tên người được cấp", r"Họ và tên chủ hộ kinh doanh", r"Chủ cơ sở",
    r"Họ, chữ đệm, tên chồng", r"Họ, chữ đệm và tên", r"Họ, chữ đệm, tên", r"Họ và tên", r"Họ tên",
    r"Ông\s*\(\s*bà\s*\)", r"Ông\s*/\s*Bà", r"Người được cấp", r"Điều 1\.\s*Cho phép",
]
#: Labels of an organisation that is the subject: an enterprise's own name comes before its
#: representative's; a shop or premises named on a certificate comes after its owner (the
#: household business and the food premises are registered in the owner's name).
_ORG_LABELS = [
    r"Tên công ty viết bằng tiếng Việt", r"Tên doanh nghiệp viết bằng tiếng Việt", r"Tên doanh nghiệp",
    r"Tên chi nhánh viết bằng tiếng Việt", r"Tên hợp tác xã", r"Tên tổ chức", r"Tổ chức", r"Cấp cho",
    r"Điều 1\.\s*Cho phép",
]
_PREMISES_LABELS = [r"Tên cơ sở", r"Tên hộ kinh doanh"]
#: How the name of an organisation starts (Law on Enterprises Art. 37-41, Law on
#: Cooperatives, and the public bodies results are issued to).
_ORG_START = re.compile(
    r"^(?:Công\s+ty|Tổng\s+công\s+ty|Tập\s+đoàn|Doanh\s+nghiệp\s+tư\s+nhân|DNTN|Hợp\s+tác\s+xã|"
    r"Liên\s+hiệp\s+hợp\s+tác\s+xã|Chi\s+nhánh|Văn\s+phòng\s+đại\s+diện|Viện|Trung\s+tâm|Trường|Bệnh\s+viện|"
    r"Phòng\s+khám|Nhà\s+thuốc|Quầy\s+thuốc|Ngân\s+hàng|Quỹ|Hội|Ban\s+quản\s+lý|Hộ\s+kinh\s+doanh)(?![^\W\d_])",
    re.I)
_ADDRESS_LABELS = [r"Địa chỉ trụ sở chính", r"Nơi thường trú", r"Địa chỉ thường trú", r"Nơi cư trú",
                   r"thường trú tại", r"Địa chỉ"]
_ROLE_LINE = re.compile(r"(?:^|\s)(KT\.|TM\.|Q\.|TL\.|TUQ\.|CHỦ TỊCH|PHÓ CHỦ TỊCH|GIÁM ĐỐC|PHÓ GIÁM ĐỐC|TRƯỞNG PHÒNG|"
                        r"PHÓ TRƯỞNG PHÒNG|NGƯỜI KÝ|CỤC TRƯỞNG|CHI CỤC TRƯỞNG|BỘ TRƯỞNG|THỨ TRƯỞNG|THỦ TƯỚNG|"
                        r"PHÓ THỦ TƯỚNG|THỐNG ĐỐC|TỔNG GIÁM ĐỐC|CHÁNH VĂN PHÒNG|VỤ TRƯỞNG|TỔNG CỤC TRƯỞNG|"
                        r"CHỦ NHIỆM|TỔNG THƯ KÝ|TRƯỞNG BAN|CHÁNH ÁN|VIỆN TRƯỞNG|TỔNG KIỂM TOÁN|"
                        r"XÁC THỰC VĂN BẢN HỢP NHẤT)(?:(?<=\.)|(?![^\W\d_]))")
#: The same roles by their letters alone: in the bold signature block OCR drops marks ('CHỦ TICH').
_ROLE_FOLDED = re.compile(r"(?:^|\s)(CHU TICH|GIAM DOC|TRUONG PHONG|NGUOI KY|CUC TRUONG)\b")
_VALID_TO = re.compile(r"(?:hiệu lực|giá trị)[^.\n]{0,80}?đến\s+(?:hết\s+)?(?:ngày\s+)?", re.I)
_VALID_MONTHS = re.compile(r"(?:thời\s+hạn|giá\s+trị\s+sử\s+dụng|hiệu\s+lực)\s+(?:trong\s+)?(\d{1,2})\s+tháng"
                           r"\s+k[ểếềễệe]\s+t[ừứửữựu]\s+ngày\s+(?:cấp|ký)", re.I)  # 'kế từ': a misread mark


@dataclass
class Reading:
    """What the text says (``values``: only what was read with confidence) and what a clerk
    should look at (``doubts``: field -> reason and the candidates that were not stored)."""

    values: dict[str, Any] = field(default_factory=dict)
    doubts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def doubt(self, name: str, reason: str, *candidates: Any) -> None:
        kept = [c.isoformat() if isinstance(c, dt.date) else c for c in candidates if c]
        self.doubts[name] = {"reason": reason, "candidates": list(dict.fromkeys(kept))}


def extract(text: str, ocr: bool = False, unsure: frozenset[str] | None = None) -> dict[str, Any]:
    """Every field this text states that we can read with confidence; absent otherwise."""
    return read(text, ocr, unsure).values


def read(text: str, ocr: bool = False, unsure: frozenset[str] | None = None) -> Reading:
    """The fields of a result as its Decree 30/2020 layout places them, and the doubts.

    ``ocr``: the text was read by OCR; ``unsure``: the words tesseract read with low
    confidence (None: not known). A person's name is never changed. If one of its syllables
    was read unsure *and* is a common misreading of another name syllable ('QUẦN' for
    'QUÂN'), the name is not stored: it goes to review with both readings. A rare syllable
    read with confidence ('Thụ' in Hoàng Văn Thụ) is the name as printed. With confidence
    unknown, a name that looks misread is stored as read and sent to review.
    """
    raw = [ln.strip() for ln in text.split("\n")]
    raw = [ln for ln in raw if not _NOISE.match(ln)]
    lines = [ln for ln in raw if ln]
    reading = Reading()
    found = reading.values
    header_end = _header_end(lines)
    header, body = lines[: header_end + 1], lines[header_end + 1:]

    if number := _doc_number(header, lines):
        found["doc_number"] = number
    if d := _issued_date(header, lines):
        found["issued_date"] = d
    if agency := _agency(header) or _agency(_authentication_block(lines)):
        agency = _as_spelled_in(agency, text)
        place = re.search(rf"\b(?:{'|'.join(_UNIT_WORDS)})\s+([^-]+)$", agency, re.I)
        if place and re.search(r"(?<!\S)[^\W\d](?!\S)", place.group(1)):  # a place's word cut to one letter
            reading.doubt("issuing_agency", "Tên cơ quan đọc bằng OCR bị thiếu chữ", agency)
        elif not place and _local(agency):
            # 'Sở Xây dựng' is one of 63: a local body without its place names no one agency.
            reading.doubt("issuing_agency", "Không đọc được địa danh của cơ quan ban hành", agency)
        else:
            found["issuing_agency"] = agency
    title, candidate = _title(raw, _raw_index(raw, lines, header_end) if header_end >= 0 else -1,
                              has_number="doc_number" in found, consolidated=_consolidated(lines))
    if not title and header_end >= 0 and (about := _about(lines[: header_end + 6])):
        # Decree 30, Annex I: a letter has no kind line; its summary 'V/v …' is free text in
        # ordinary type, with no closed list of words to check OCR against (the kinds of
        # document are one): from a scan it is only a candidate for a clerk to confirm.
        if ocr:
            reading.doubt("result_type", "Trích yếu công văn đọc bằng OCR; cần đối chiếu với bản quét",
                          "Công văn " + about)
        else:
            title = "Công văn " + about
    if title:
        found["result_type"] = title
    elif candidate:
        reading.doubt("result_type", "Dòng tiêu đề không phải tên loại văn bản", candidate)
    if not _normative(found.get("result_type")):
        found.update(_subject(body))
    if "doc_number" not in found and (code := _registration_code(found.get("result_type"), body)):
        found["doc_number"] = code
    if until := _valid_until("\n".join(body), found.get("issued_date")):
        found["valid_until"] = until
    # A joint text is signed by each of its issuers (its consolidation by one ministry).
    joint = re.match(r"(?:Thông tư|Nghị quyết) liên tịch\b", found.get("result_type") or "") \
        and _authentication_line(lines) is None
    if not joint and (signer := _signer(body)):
        if ocr and not names.is_surname(signer.split()[0]):
            # On a scan the signature and the seal sit over the name: a reading that does not
            # start with a family name may be a scrawl or a misread letter ('Tê' for 'Lê').
            reading.doubt("signer", "Tên người ký đọc bằng OCR không bắt đầu bằng một họ", signer)
        else:
            found["signer"] = signer
    if ocr:
        _doubt_places(reading, text)
        for name in ("subject_name", "signer"):
            if found.get(name) and (found.get("subject_type") == "citizen" or name == "signer"):
                _doubt_name(reading, name, unsure)
    return reading


def _doubt_places(reading: Reading, text: str) -> None:
    """On a scan the same place is usually printed more than once (the agency's block, the
    address, where a marriage was registered). Where OCR spelled it two ways ('xã Uy Nỗ' and
    'xã Ủy Nỗ', 'huyện Đông Anh' and 'huyện Đồng Anh', 'tỉnh N ghệ An' and 'tỉnh Nghệ An'), which
    one the page says cannot be told from the text: the fields that name it are left empty
    and both spellings go to review."""
    found = reading.values
    mentions = _place_mentions(text)
    if agency := found.get("issuing_agency"):
        if m := re.search(rf"\b({'|'.join(_UNIT_WORDS)})\s+([^-]+)$", agency, re.I):
            mentions.setdefault(m.group(1).lower(), set()).add(m.group(2).strip())
    for name in ("province", "district", "commune", "issuing_agency"):
        value = found.get(name)
        m = value and re.search(rf"\b({'|'.join(_UNIT_WORDS)})\s+([^-]+)$", value, re.I)
        if not m:
            continue
        unit, place = m.group(1).lower(), m.group(2).strip()
        others = sorted(o for o in mentions.get(unit, ()) if o != place and _same_place(o, place))
        cut = name == "province" and unit == "tỉnh" and len(place.split()) == 1  # 'tỉnh Nghệ': a province has two syllables or more
        if others or cut or any(_tones(w) > 1 for w in place.split()):  # 'Nõỗ': no syllable has two tones
            reading.doubt(name, "Cùng một địa danh được OCR đọc thành nhiều cách", value,
                          *(f"{unit} {o}" for o in others))
            del found[name]
            if name != "issuing_agency" and (address := found.pop("subject_address", None)):
                reading.doubt("subject_address", "Địa chỉ có địa danh OCR đọc không thống nhất", address)


def _place_mentions(text: str) -> dict[str, set[str]]:
    """Unit word -> the names printed after it anywhere in the text ('xã' -> {'Uy Nỗ'})."""
    out: dict[str, set[str]] = {}
    for m in [*_PLACE_NAME.finditer(text), *_PLACE_NAME_WRAPPED.finditer(text)]:
        unit = re.match(_UNIT_LOWER, m.group(0)).group(0)
        words = m.group(1).split()
        while len(words) > 1 and words[-1].isupper() and len(words[-1]) > 1:
            words.pop()
        out.setdefault(re.sub(r"\s+", " ", unit).lower(), set()).add(" ".join(words))
    return out


def _tones(word: str) -> int:
    """How many tone marks a word carries: a Vietnamese syllable has at most one."""
    return sum(c in "\u0300\u0301\u0303\u0309\u0323" for c in unicodedata.normalize("NFD", word))


def _same_place(a: str, b: str) -> bool:
    """Two readings of one place name: the same letters but for marks or spaces. (Not 'one
    cut short': a name wrapped onto the next line is read short by design.)"""
    return fold(a).lower().replace(" ", "") == fold(b).lower().replace(" ", "")


def _doubt_name(reading: Reading, name: str, unsure: frozenset[str] | None) -> None:
    read_as = reading.values[name]
    other = names.likely_misreading(read_as)
    if other is None:
        return
    if unsure is None:
        reading.doubt(name, "Tên đọc bằng OCR có âm tiết hiếm gặp; đối chiếu với bản quét", read_as, other)
        return
    if names.unsure_misreadings(read_as, {w.strip(".,;:()").lower() for w in unsure}):
        del reading.values[name]
        reading.doubt(name, "OCR không chắc một âm tiết của tên; chưa lưu, cần đối chiếu với bản quét",
                      read_as, other)


#: Lines that are not the document's: the gazette's running head and page numbers, and the
#: e-signature stamp the gazette's portal puts on every page ('Người ký: CỔNG THÔNG TIN …').
_NOISE = re.compile(
    r"^(?:CÔNG BÁO\s*/.*|\d{1,4}|Người ký\s*:.*|Email\s*:.*@.*|Cơ quan\s*:\s*[A-ZĐÀ-Ỹ ]+|"
    r"Thời gian ký\s*:.*|Ký bởi\s*:.*|VĂN BẢN PHÁP LUẬT KHÁC|VĂN BẢN (?:HỢP NHẤT\s*[-–].*|QUY PHẠM PHÁP LUẬT)|[-–—_.…]{3,}|\[.{0,8}\])$")


_ABOUT = re.compile(r"^\W{0,2}V\s*/\s*v\.?\s+(.+)$")


def _about(lines: list[str]) -> str | None:
    """'V/v khẩn trương thực hiện …' (wrapped) -> 'về việc khẩn trương thực hiện …'."""
    for i, line in enumerate(lines):
        if m := _ABOUT.match(line):
            words = [m.group(1)]
            for nxt in lines[i + 1: i + 4]:
                if _AFTER_TITLE.match(nxt) or _capitals(nxt) or ":" in nxt or re.search(r"ngày\s*\d", nxt):
                    break
                words.append(nxt)
            return "về việc " + re.sub(r"\s+", " ", " ".join(words)).strip(" .")
    return None


def _raw_index(raw: list[str], lines: list[str], i: int) -> int:
    """Index in ``raw`` (blank lines kept) of ``lines[i]`` (blank lines dropped)."""
    seen = -1
    for j, ln in enumerate(raw):
        if ln:
            seen += 1
            if seen == i:
                return j
    return len(raw) - 1


# -- header -----------------------------------------------------------------------------


def _header_end(lines: list[str]) -> int:
    """Index of the last header line: the latest of the number line, the place-and-date
    line and the motto's second line ('Độc lập - Tự do - Hạnh phúc'), by their first
    occurrences near the top (the body has dates of its own and quotes other documents'
    numbers). -1 when the text has none of them: no header, so nothing is read as its title."""
    top = lines[:20]
    number = next((i for i, ln in enumerate(top) if _DOC_NUMBER.search(ln)), -1)
    date = next((i for i, ln in enumerate(top) if _PLACE_DATE.search(ln)), -1)
    if date < 0:  # OCR may lose the comma after the place; the header is short
        date = next((i for i, ln in enumerate(lines[:8]) if _unquoted_date(ln)), -1)
    motto = next((i for i, ln in enumerate(lines[:12]) if _MOTTO_SECOND.search(ln)), -1)
    return max(number, date, motto)


def _doc_number(header: list[str], lines: list[str]) -> str | None:
    """The header's number; a consolidated text's is in its authentication block (it may
    reprint the header of the text it consolidates, number and all)."""
    m = None
    if (k := _authentication_line(lines)) is not None:
        m = next((m for ln in lines[max(0, k - 3): k + 4] if (m := _NUMBER_LINE.match(ln))), None)
    m = m or _DOC_NUMBER.search("\n".join(header))
    if not m:
        m = next((m for ln in lines if (m := _NUMBER_LINE.match(ln))), None)
    if not m:
        return None
    number = re.sub(r"\s*([/\-–])\s*", lambda g: "-" if g.group(1) == "–" else g.group(1), m.group(1))
    return _MISSING_SLASH.sub("/", number.strip(" ."), count=1)


def _issued_date(header: list[str], lines: list[str]) -> dt.date | None:
    """The place-and-date line of the header; failing that, one standing at the start of a
    line anywhere (a consolidated text dates its authentication at the end), or the date a
    law was passed. Never the first date the body happens to quote."""
    head = "\n".join(header)
    if (k := _authentication_line(lines)) is not None:  # a consolidated text: dated where authenticated
        if d := next((d for ln in lines[max(0, k - 4): k + 5] if (m := _PLACE_DATE_LINE.match(ln)) and (d := _date_of(m))), None):
            return d
    unquoted = next((m for ln in header if (m := _unquoted_date(ln))), None)
    for found in (_dates(_PLACE_DATE, head), _date_of(unquoted) if unquoted else None,
                  next((d for ln in lines if (m := _PLACE_DATE_LINE.match(ln)) and (d := _date_of(m))), None),
                  _dates(_PASSED, "\n".join(lines))):
        if found:
            return found
    return None


def _unquoted_date(line: str) -> re.Match[str] | None:
    """A date in words that is the line's own: nothing but capitalised words (a place, the
    motto OCR merged with it) before it — not one quoted in a sentence ('Thông tư số
    05/2015/TT-BYT ngày 17 tháng 3 năm 2015', 'có hiệu lực kể từ ngày …')."""
    m = _DATE_WORDS.search(line)
    before = re.sub(r"[-–,.]", " ", line[: m.start()]).split() if m else []
    return m if m and len(before) <= 8 and all(w[:1].isupper() for w in before) else None


def _dates(pattern: re.Pattern[str], text: str) -> dt.date | None:
    return next((d for m in pattern.finditer(text) if (d := _date_of(m))), None)


def _date_of(m: re.Match[str]) -> dt.date | None:
    day, month, year = (int(g) for g in m.groups()[-3:])
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _first_date(text: str) -> dt.date | None:
    return _dates(_DATE_WORDS, text)


def _agency(header: list[str]) -> str | None:
    """The agency block, however OCR interleaved it with the motto and the date line:
    'ỦY BAN NHÂN DÂN TỈNH BẮC GIANG / SỞ XÂY DỰNG' -> 'Sở Xây dựng tỉnh Bắc Giang'."""
    words = []
    for line in header:
        if _is_role(line) and not agencies.known_prefix(line):  # 'BỘ TRƯỞNG BỘ …': who signs, not who issues
            continue
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
    block = re.sub(r"(?<![^\W\d_])UBND(?![^\W\d_])", "ỦY BAN NHÂN DÂN", block)
    heads, covered = [], 0
    for h in _AGENCY_HEAD.finditer(block):
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


def _local(agency: str) -> bool:
    """A body of a province, district or commune: its name needs its place."""
    return agency not in agencies.CENTRAL and not any(
        part in agencies.CENTRAL for part in agency.split(" - ")) and bool(
        re.match(r"(?:Ủy ban nhân dân|Sở|Phòng|Chi cục|Văn phòng|Trung tâm|Ban)\b", agency))


def _consolidated(lines: list[str]) -> bool:
    """A consolidated text: it has an authentication block, or (a part of one printed
    without it) a title under the motto with no number at the top."""
    return _authentication_line(lines) is not None or not any(_DOC_NUMBER.search(ln) for ln in lines[:20])


def _authentication_line(lines: list[str]) -> int | None:
    return next((i for i, ln in enumerate(lines) if fold(ln).upper().strip() == "XAC THUC VAN BAN HOP NHAT"), None)


def _authentication_block(lines: list[str]) -> list[str]:
    """A consolidated text (văn bản hợp nhất) names its agency in the block that
    authenticates it, usually at the end: agency, 'XÁC THỰC VĂN BẢN HỢP NHẤT', number, date."""
    k = _authentication_line(lines)
    if k is None:
        return []
    near = lines[max(0, k - 3): k] + lines[k + 1: k + 3]
    return [ln for ln in near if ln.isupper() and not _DOC_NUMBER.search(ln) and not _is_role(ln)]


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


def _as_spelled_in(agency: str, text: str) -> str:
    """The agency block is in bold capitals, which OCR reads worst ('CÂN THƠ' for 'CẦN THƠ',
    a last word lost at the column edge, 'CẦNO' where the motto column touches it); the same
    place is usually written again in the body in ordinary type. The agency's locality is
    taken as the body spells it where the two differ only by diacritics, where the body's
    is the whole of a cut-short name, or, failing both, where it is the one place of that
    kind within a misread letter or two (one per four letters)."""
    m = re.search(rf"\b({'|'.join(_UNIT_WORDS)})\s+([^-]+)$", agency, re.I)
    if not m or agency in agencies.CENTRAL or agency.endswith(" và Xã hội"):
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


# -- body -------------------------------------------------------------------------------


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
    last word ('THÔNG TƯ1') is not part of it."""
    folded = re.sub(r"(?<=[^\W\d_])\d{1,2}$", "", fold(line).upper().strip(" .:"))
    folded = re.sub(r"\s+", " ", folded)
    for key, genre in _GENRE_KEYS:
        if folded == key:
            return genre, True
        if folded.startswith(key + " "):
            return genre, False
    return None


#: Legal texts (Law on Legal Documents, Art. 4) and consolidated texts: issued to no one,
#: so no subject is read off them, whatever their annexed forms print.
_NORMATIVE = ("Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh", "Nghị định", "Thông tư", "Văn bản hợp nhất",
              "Nghị quyết", "Lệnh", "Chỉ thị")


def _normative(title: str | None) -> bool:
    return bool(title) and any(title == g or title.startswith(g + " ") for g in _NORMATIVE)


def _capitals(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _title(raw: list[str], header_end_line: int, has_number: bool = True,
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
        if not line or line.startswith("(") or not _capitals(line) or _MOTTO_START.search(line):
            continue
        found = _genre(line)
        if not found:
            if not (_AGENCY_HEAD.match(line) or _is_role(line) or _DOC_NUMBER.search(line)):
                candidate = candidate or line.strip(" .:")
            continue
        genre, alone = found
        words = [genre]
        if not alone:
            words = [re.sub(r"(?<=[^\W\d_])\d{1,2}$", "", line.strip(" .:"))]
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
        caps = _capitals(line)
        if (_AFTER_TITLE.match(line) or (consolidated and _CONSOLIDATED.match(line)) or ":" in line or _is_role(line) or (caps and _MOTTO_START.search(line))
                or (caps and _AGENCY_HEAD.match(line)) or (shouting is not None and caps != shouting)):
            break
        shouting = caps
        # Footnote marks glued to a word ('Quân đội1', 'Kiểm soát viên1'); not a code's digits ('QH15').
        out.append(re.sub(r"(?<=[a-zà-ỹđ])\d{1,2}(?=[\s,;.]|$)", "", line))
    return out


def _sentence_case(title: str, genre_len: int) -> str:
    """'NGHỊ ĐỊNH Quy định chi tiết …' -> 'Nghị định quy định chi tiết …'; a title all in
    capitals in lower case but its first letter (the names inside lose their capitals: the
    page does not say which words are names)."""
    title = re.sub(r"\s+", " ", title).strip(" .:")
    head, rest = title[:genre_len], title[genre_len:]
    if _capitals(rest) or not rest.strip():
        rest = rest.lower()
    else:
        first = rest.lstrip()
        if first[:1].isupper() and first[1:2].islower():
            rest = " " + first[0].lower() + first[1:]
    return head[:1] + head[1:].lower() + rest


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
    if _capitals(next_line) and not value.split()[-1].isupper():
        return False  # a heading in capitals under a value in ordinary type starts something new
    last = value.rsplit(",", 1)[-1].strip()
    # A province's name has two syllables or more ('tỉnh Nghệ' / 'An' is one name wrapped).
    return not re.match(r"^(tỉnh|thành phố)\s+\S+\s+\S", last, re.I)


def _person_name(value: str) -> str | None:
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


def _org_name(value: str) -> str | None:
    """'CÔNG TY TNHH XÂY DỰNG MINH PHÁT, mã số …' -> the name as printed, up to where the
    sentence goes on; None if the value is not an organisation's name."""
    value = re.split(r"[,;(]|\s+(?:có|được|mã số|Mã số|địa chỉ|Địa chỉ|do|tại)\s", value, maxsplit=1)[0]
    value = re.sub(r"\s+", " ", value).strip(" .:-")
    if not _ORG_START.match(value) or len(value.split()) < 2 or len(value) > 160:
        return None
    return value


def _subject(body: list[str]) -> dict[str, Any]:
    """The person or organisation the result is issued to, by the labels forms print; an
    enterprise's own name comes before its representative's."""
    found: dict[str, Any] = {}
    text = "\n".join(body)
    for label in _ORG_LABELS:
        value = _after_label(body, [label], max_lines=2)
        if value and (org := _org_name(value)):
            found["subject_name"], found["subject_type"] = org, "organization"
            break
        if label in (r"Tên công ty viết bằng tiếng Việt", r"Tên doanh nghiệp viết bằng tiếng Việt") and value:
            found["subject_name"], found["subject_type"] = value.strip(" ."), "organization"
            break
    if "subject_name" not in found:
        for label in _NAME_LABELS:
            value = _after_label(body, [label])
            if value and (name := _person_name(value)):
                found["subject_name"] = name
                found["subject_type"] = "citizen"
                break
    if "subject_name" not in found:
        for label in _PREMISES_LABELS:
            value = _after_label(body, [label], max_lines=2)
            if value and (org := _org_name(value)):
                found["subject_name"], found["subject_type"] = org, "organization"
                break
    if m := _ID_LABEL.search(text):
        number = m.group(2)
        branch = re.search(r"-\d{3}$", number)
        number = re.sub(r"\D", "", number[: branch.start()] if branch else number)
        if len(number) in (9, 10, 12, 13):
            found["subject_id"] = number + (branch.group(0) if branch else "")
    address = _after_label(body, _ADDRESS_LABELS, max_lines=3)
    if address:
        address = re.split(r",\s*được\b|\.\s*$", address)[0].strip(" .,")
        address = re.split(r"(?<=\S)\s{2,}", address)[0]
        found["subject_address"] = _address_head(address)
        found.update(places(address))
    return found


#: Certificates whose number is the registration code itself (Decree 01/2021/NĐ-CP forms).
_REGISTRATION_CODE = re.compile(r"(?:Mã số doanh nghiệp|Mã số hộ kinh doanh|Mã số chi nhánh|Mã số hợp tác xã)"
                                r"\s*[:.]?\s*(\d{10}(?:-\d{3})?|\d{2}[A-Z]\d{6,8})(?![\d-])", re.I)


def _registration_code(title: str | None, body: list[str]) -> str | None:
    """A registration certificate without a 'Số:' line is numbered by its code."""
    if not title or not re.search(r"đăng ký (?:doanh nghiệp|hộ kinh doanh|hoạt động|hợp tác xã)", title, re.I):
        return None
    m = _REGISTRATION_CODE.search("\n".join(body))
    return m.group(1) if m else None


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


def places(address: str) -> dict[str, str]:
    """Province, district and commune named in an address ('…, xã X, huyện Y, tỉnh Z')."""
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


#: Where the main document ends and what is attached begins (Decree 30: the body closes with
#: './.'; annexes and forms follow the signature).
_ANNEX = re.compile(r"^(?:PHỤ\s+LỤC\b|Phụ\s+lục(?:\s+(?:số\s+)?[IVXLC\d]+[a-z]?)?\s*[:.]?\s*$|"
                    r"(?:Mẫu|MẪU)\s+(?:số|SỐ)\s*[\w./-]+\s*$)")
#: A form's blank for a signature, not a signature: '(Ký, ghi rõ họ tên, đóng dấu)'.
_PLACEHOLDER = re.compile(r"\(\s*(?:Ký|ký|Chữ ký)[^)]*(?:họ tên|họ và tên)", re.I)
#: Ranks and titles printed before a signer's name ('Đại tướng Lương Tam Quang').
_RANK = re.compile(r"^(?:Đại|Thượng|Trung|Thiếu)\s+tướng\s+|^(?:GS|PGS|TS|ThS|BS)\.?\s*(?:TS\.?\s*)?", re.I)


def _signature_roles(body: list[str]) -> list[int]:
    """Role lines of the main document's signature block: the first block after the line
    that closes the body with './.', or else the last one before the annexes."""
    end = next((i for i, ln in enumerate(body) if _ANNEX.match(ln) and i > 3), len(body))
    roles = [i for i, line in enumerate(body[:end]) if _is_role(line)]
    closing = next((i for i, ln in enumerate(body[:end]) if ln.rstrip().endswith("./.")), None)
    if closing is not None and (after := [i for i in roles if i > closing]):
        block = [after[0]]
        for i in after[1:]:
            if i - block[-1] > 3:  # 'XÁC THỰC …', number, date, then 'KT. BỘ TRƯỞNG'
                break
            block.append(i)
        return block
    return roles[-1:] if roles else []


def _signer(body: list[str]) -> str | None:
    """The name under the role lines of the signature block ('TM. CHÍNH PHỦ' / 'KT. THỦ
    TƯỚNG' / 'PHÓ THỦ TƯỚNG' / name). Of the lines that could be it, one that starts with a
    family name wins over a scrawl OCR made of the signature or the stamp ('TU HE'); failing
    that, the first. A form's blank '(Ký, ghi rõ họ tên)' means there is no signer."""
    roles = _signature_roles(body)
    if not roles:
        return None
    found = []
    for line in body[roles[-1] + 1: roles[-1] + 5]:
        line = re.sub(r"^.*?(?:;|\.)\s+(?=[^\s])", "", line)  # recipients' column merged by OCR
        if _PLACEHOLDER.search(line):
            return None
        if line.startswith(("(", "[")) or _is_role(line) or _DOC_NUMBER.search(line) or _PLACE_DATE.search(line):
            continue
        if name := _person_name(_RANK.sub("", line)):
            found.append(name)
    return next((n for n in found if names.is_surname(n.split()[0])), found[0] if found else None)
