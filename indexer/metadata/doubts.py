"""What OCR may have misread on a scan, for a clerk to look at before anything is stored: a
place spelled two ways on one page, a name with a syllable that is a common misreading of
another.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from archive import places
from search.analysis import fold

from .. import names
from .lexicon import tone_misread, unsure_syllable
from .shapes import LOCALITY, PLACE_NAME, PLACE_NAME_WRAPPED, UNIT_LOWER

#: Decree 30/2020 asks a paper document be scanned at 200 dpi or more (indexer/ocr.py assumes
#: 300 for an image that states none).
MIN_SCAN_DPI = 200

if TYPE_CHECKING:  # the package imports this module; only the annotations name its class
    from . import Reading


def doubt_places(reading: Reading, text: str) -> None:
    """On a scan the same place is usually printed more than once (the agency's block, the
    address, where a marriage was registered). Where OCR spelled it two ways ('xã Uy Nỗ' and
    'xã Ủy Nỗ', 'huyện Đông Anh' and 'huyện Đồng Anh', 'tỉnh N ghệ An' and 'tỉnh Nghệ An'), which
    one the page says cannot be told from the text: the fields that name it are left empty
    and both spellings go to review."""
    found = reading.values
    mentions = _place_mentions(text)
    if agency := found.get("issuing_agency"):
        if m := LOCALITY.search(agency):
            unit, place = m.group(1).lower(), m.group(2).strip()
            # The place before the date (Decree 30's 'địa danh') names the agency's own unit,
            # in ordinary type, which OCR reads better than the header's bold capitals
            # ('ĐÀ NÀNG' over 'Đà Nẵng, ngày …'): where the body does not spell the agency's
            # place as the header does, the date line's spelling of the same letters is taken.
            where = _date_place(text)
            if place not in mentions.get(unit, ()) and where and where != place and _same_place(where, place):
                found["issuing_agency"] = agency = agency[: m.start(2)] + where
                place = where
            mentions.setdefault(unit, set()).add(place)
    for name in ("province", "district", "commune", "issuing_agency"):
        value = found.get(name)
        m = value and LOCALITY.search(value)
        if not m:
            continue
        unit, place = m.group(1).lower(), m.group(2).strip()
        others = sorted(o for o in mentions.get(unit, ()) if o != place and _same_place(o, place))
        # 'tỉnh Nghệ', 'tỉnh Bắc Gian': no province of the national list, before 2025 or after.
        cut = unit == "tỉnh" and name in ("province", "issuing_agency") and not places.is_province(place)
        if others or cut or any(_tones(w) > 1 for w in place.split()):  # 'Nõỗ': no syllable has two tones
            reading.doubt(name, "Cùng một địa danh được OCR đọc thành nhiều cách", value,
                          *(f"{unit} {o}" for o in others))
            del found[name]
            if name != "issuing_agency" and (address := found.pop("subject_address", None)):
                reading.doubt("subject_address", "Địa chỉ có địa danh OCR đọc không thống nhất", address)
    doubt_unlisted_commune(reading)


def doubt_unlisted_commune(reading: Reading) -> None:
    """A commune read by OCR that the national list of units does not have, where the list
    has one of the same letters with other tone marks in that district ('xã Hoằng Quy' for
    'xã Hoằng Quỳ'; tesseract drops a grave accent with full confidence, wherever the name
    is printed, so no second spelling in the text gives it away). Which one the page says is
    left to a person: the commune, the address and an agency named after it go to review
    with the listed names as candidates. A name the list lacks altogether is kept: the list
    has no units abolished early in 2025."""
    found = reading.values
    province, commune = found.get("province"), found.get("commune")
    if not (province and commune):
        return
    alike = places.listed_spellings(province, found.get("district"), commune)
    if not alike:
        return
    reason = "Tên xã, phường không có trong danh mục đơn vị hành chính; danh mục có tên cùng chữ, khác dấu"
    reading.doubt("commune", reason, commune, *alike)
    del found["commune"]
    if address := found.pop("subject_address", None):
        reading.doubt("subject_address", reason, address)
    agency = found.get("issuing_agency")
    m = agency and LOCALITY.search(agency)
    if m and places.listed_spellings(province, found.get("district"), f"{m.group(1)} {m.group(2).strip()}") == alike:
        reading.doubt("issuing_agency", reason, agency)
        del found["issuing_agency"]


def _date_place(text: str) -> str | None:
    """'Đà Nẵng' of 'Đà Nẵng, ngày 26 tháng 7 năm 2020', at the top of the page."""
    for line in text.split("\n")[:12]:
        if m := re.search(r"((?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\s+){0,3}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+)\s*,\s*ngày\s*\d", line):
            return m.group(1)
    return None


def _place_mentions(text: str) -> dict[str, set[str]]:
    """Unit word -> the names printed after it anywhere in the text ('xã' -> {'Uy Nỗ'})."""
    out: dict[str, set[str]] = {}
    for m in [*PLACE_NAME.finditer(text), *PLACE_NAME_WRAPPED.finditer(text)]:
        unit = re.match(UNIT_LOWER, m.group(0)).group(0)
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


def doubt_name(reading: Reading, name: str, unsure: frozenset[str] | None) -> None:
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


def doubt_organisation(reading: Reading) -> None:
    """An organisation's name read by OCR with a pair of syllables that is no word but is one
    with another tone ('THỰC PHẤM' for 'THỰC PHẨM'): unlike a person's name, the words of a
    company's or a cooperative's name are words of the language, so the lexicon can tell a
    misread mark (``lexicon.tone_misread``). Not stored; the reading goes to review."""
    read_as = reading.values.get("subject_name")
    if read_as and reading.values.get("subject_type") == "organization" and (slip := tone_misread(read_as)):
        del reading.values["subject_name"]
        reading.doubt("subject_name", f"Tên tổ chức đọc bằng OCR có '{slip}' không thành từ (có thể sai dấu); "
                      "chưa lưu, cần đối chiếu với bản quét", read_as)


def doubt_names_below(reading: Reading, dpi: int, unsure: frozenset[str] | None,
                      unsure_at: frozenset[tuple[str, str, str]] | None) -> None:
    """A scan below Decree 30's resolution: a person's name with a syllable tesseract was
    unsure of (where it stands) is not stored; the reading goes to review. At that resolution
    an unsure syllable of a name is as often misread as not ('Lê Tắn Dũng' at 100 dpi), and
    no lexicon can check a name."""
    for name in ("signer", "subject_name"):
        value = reading.values.get(name)
        if not value or (name == "subject_name" and reading.values.get("subject_type") != "citizen"):
            continue
        if syllable := unsure_syllable(value, unsure or frozenset(), unsure_at):
            del reading.values[name]
            reading.doubt(name, f"Bản quét {dpi} dpi, dưới mức {MIN_SCAN_DPI} dpi Nghị định 30/2020 yêu cầu; "
                          f"OCR không chắc âm tiết '{syllable}' của tên; chưa lưu, cần đối chiếu với bản quét", value)
