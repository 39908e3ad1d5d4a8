"""Metadata read off the text of a result, for what the manifest does not give.

Results follow the layout of Decree 30/2020/NĐ-CP: an agency block and ``Số: 45/GP-UBND``
top-left, the national motto and ``…, ngày 08 tháng 4 năm 2021`` top-right, the title in
capitals, a body of labelled lines, a signature block. OCR often merges the two header
columns into one line and wraps long lines anywhere, so every rule here reads the text as a
clerk would: by labels and shapes, not by line positions.

Each part of the page is read by its own module: ``header`` (number, date, agency), ``title``
(kind of document and summary), ``subject`` (who a result is issued to, and where),
``validity``, ``signer`` (the signature block) and ``doubts`` (what OCR may have misread and
a clerk should see), all over the patterns in ``shapes``. This module puts them together.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from .. import agencies, names
from .doubts import MIN_SCAN_DPI, doubt_name, doubt_names_below, doubt_organisation, doubt_places
from .header import (
    as_spelled_in, authentication_block, authentication_line, consolidated, doc_number, issued_date,
    issuing_agency, last_header_line, local, misread_date, symbol_misread,
)
from .shapes import LOCALITY
from .signer import signer_name
from .subject import places, registration_code, subject_fields
from .ocr_title import stored_title
from .title import document_title, kind_of, letter_summary, normative
from .validity import valid_until

__all__ = ["Reading", "extract", "places", "read"]


@dataclass
class Reading:
    """What the text says (``values``: only what was read with confidence) and what a clerk
    should look at (``doubts``: field -> reason and the candidates that were not stored)."""

    values: dict[str, Any] = field(default_factory=dict)
    doubts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def doubt(self, name: str, reason: str, *candidates: Any) -> None:
        kept = [c.isoformat() if isinstance(c, dt.date) else c for c in candidates if c]
        self.doubts[name] = {"reason": reason, "candidates": list(dict.fromkeys(kept))}


Places = frozenset[tuple[str, str, str]]


def extract(text: str, ocr: bool = False, unsure: frozenset[str] | None = None,
            unsure_at: Places | None = None, dpi: int | None = None) -> dict[str, Any]:
    """Every field this text states that we can read with confidence; absent otherwise."""
    return read(text, ocr, unsure, unsure_at, dpi).values


def read(text: str, ocr: bool = False, unsure: frozenset[str] | None = None,
         unsure_at: Places | None = None, dpi: int | None = None) -> Reading:
    """The fields of a result as its Decree 30/2020 layout places them, and the doubts.

    ``ocr``: the text was read by OCR; ``unsure``: the words tesseract read with low
    confidence (None: not known); ``unsure_at``: where on their lines its unsure syllables
    stand (``ocr_engine.unsure_places``; None: not kept). A person's name is never changed. If one of its syllables
    was read unsure *and* is a common misreading of another name syllable ('QUẦN' for
    'QUÂN'), the name is not stored: it goes to review with both readings. A rare syllable
    read with confidence ('Thụ' in Hoàng Văn Thụ) is the name as printed. With confidence
    unknown, a name that looks misread is stored as read and sent to review.

    ``dpi``: the lowest resolution of the scan's pages (None: not known). Below Decree
    30/2020's 200 dpi, a name with any syllable tesseract was unsure of is a candidate, not a
    value: at 100 dpi a third of the signers read with an unsure syllable were misread.
    """
    raw = [ln.strip() for ln in text.split("\n")]
    raw = [ln for ln in raw if not _NOISE.match(ln)]
    lines = [ln for ln in raw if ln]
    reading = Reading()
    found = reading.values
    header_end = last_header_line(lines)
    header, body = lines[: header_end + 1], lines[header_end + 1:]

    if number := doc_number(header, lines):
        if ocr and _DIGIT_OR_LETTER.search(number):
            # Decree 30's number is digits and its symbol letters, a legislature's digits after
            # them ('QH15'): an I, l or O against a digit is OCR's 1 or 0 ('UBTVQHI5', '5/I61').
            reading.doubt("doc_number", "Số, ký hiệu đọc bằng OCR lẫn chữ I/O với chữ số", number)
        else:
            found["doc_number"] = number
    if d := issued_date(header, lines):
        found["issued_date"] = d
    elif ocr and (d := misread_date(header)):
        # A letter in a slot of the date that holds only digits is OCR's 1 or 0; the date is
        # stored where the number's own year agrees ('74/2025/NĐ-CP', 'ngày 3l … năm 2025').
        if number and re.search(rf"/{d.year}/", number):
            found["issued_date"] = d
        else:
            reading.doubt("issued_date", "Ngày ban hành đọc bằng OCR có chữ lẫn với chữ số", d)
    if agency := issuing_agency(header) or issuing_agency(authentication_block(lines)):
        agency = as_spelled_in(agency, text)
        place = LOCALITY.search(agency)
        if place and re.search(r"(?<!\S)[^\W\d](?!\S)", place.group(2)):  # a place's word cut to one letter
            reading.doubt("issuing_agency", "Tên cơ quan đọc bằng OCR bị thiếu chữ", agency)
        elif not place and local(agency):
            # 'Sở Xây dựng' is one of 63: a local body without its place names no one agency.
            reading.doubt("issuing_agency", "Không đọc được địa danh của cơ quan ban hành", agency)
        elif ocr and any(agency.startswith(c + " ") for c in agencies.CENTRAL):
            # A central body's lawful name is all of it: what OCR ran into it ('… và Xã hội xã
            # Hội', the motto's words; a second agency misread) makes it no one agency.
            reading.doubt("issuing_agency", "Tên cơ quan trung ương đọc bằng OCR có thêm chữ", agency)
        else:
            found["issuing_agency"] = agency
    title, candidate = document_title(raw, _raw_index(raw, lines, header_end) if header_end >= 0 else -1,
                                      has_number=number is not None, consolidated=consolidated(lines))
    if not title and header_end >= 0 and (about := letter_summary(lines[: header_end + 6])):
        # Decree 30, Annex I: a letter has no kind line; its summary 'V/v …' is free text in
        # ordinary type, with no closed list of words to check OCR against (the kinds of
        # document are one): from a scan it is only a candidate for a clerk to confirm.
        if ocr:
            reading.doubt("result_type", "Trích yếu công văn đọc bằng OCR; cần đối chiếu với bản quét",
                          "Công văn " + about)
        else:
            title = "Công văn " + about
    kind = title  # what the page is, for the rules below, even where the title is not stored
    if title and ocr:
        # The summary under a kind, in bold, is what OCR reads worst (ocr_title.py): stored
        # where its printings agree or can be reconciled and tesseract was sure of it, else
        # a candidate.
        if (stored := stored_title(title, text, unsure, unsure_at)) is None:
            reading.doubt("result_type", "Trích yếu đọc bằng OCR: có chữ OCR không chắc, hoặc văn bản nhắc lại "
                          "khác dấu; cần đối chiếu với bản quét", title)
        title = stored
    if title:
        found["result_type"] = title
    elif candidate:
        reading.doubt("result_type", "Dòng tiêu đề không phải tên loại văn bản", candidate)
    if ocr and (stated := found.get("doc_number")) and (
            expected := symbol_misread(stated, [kind_of(kind or ""), found.get("issuing_agency"),
                                                LOCALITY.sub("", found.get("issuing_agency") or "")])):
        # The symbol abbreviates the kind and the agency the page prints: one character of it
        # off their initials, read as a stroke, a digit or Đ/D, is OCR's slip, not the number.
        del found["doc_number"]
        reading.doubt("doc_number", f"Ký hiệu đọc bằng OCR lệch một chữ so với chữ viết tắt {expected}", stated)
    if not normative(kind):
        found.update(subject_fields(body))
    if number is None and (code := registration_code(kind, body)):
        found["doc_number"] = code
    if until := valid_until("\n".join(body), found.get("issued_date")):
        found["valid_until"] = until
    # A joint text is signed by each of its issuers (its consolidation by one ministry).
    joint = re.match(r"(?:Thông tư|Nghị quyết) liên tịch\b", kind or "") \
        and authentication_line(lines) is None
    if not joint and (signer := signer_name(body)):
        if ocr and not names.is_surname(signer.split()[0]):
            # On a scan the signature and the seal sit over the name: a reading that does not
            # start with a family name may be a scrawl or a misread letter ('Tê' for 'Lê').
            reading.doubt("signer", "Tên người ký đọc bằng OCR không bắt đầu bằng một họ", signer)
        else:
            found["signer"] = signer
    if ocr:
        doubt_places(reading, text)
        doubt_organisation(reading)
        if dpi is not None and dpi < MIN_SCAN_DPI:
            doubt_names_below(reading, dpi, unsure, unsure_at)
        for name in ("subject_name", "signer"):
            if found.get(name) and (found.get("subject_type") == "citizen" or name == "signer"):
                doubt_name(reading, name, unsure)
    return reading


#: A letter OCR reads for a digit, against a digit: 'I5' or 'l6' for '15' or '16', 'O' for '0'.
_DIGIT_OR_LETTER = re.compile(r"[IlO]\d|\d[IlO]")
#: Lines that are not the document's: the gazette's running head and page numbers, and the
#: e-signature stamp the gazette's portal puts on every page ('Người ký: CỔNG THÔNG TIN …').
_NOISE = re.compile(
    r"^(?:CÔNG BÁO\s*/.*|\d{1,4}|Người ký\s*:.*|Email\s*:.*@.*|Cơ quan\s*:\s*[A-ZĐÀ-Ỹ ]+|"
    r"Thời gian ký\s*:.*|Ký bởi\s*:.*|VĂN BẢN PHÁP LUẬT KHÁC|VĂN BẢN (?:HỢP NHẤT\s*[-–].*|QUY PHẠM PHÁP LUẬT)|[-–—_.…]{3,}|\[.{0,8}\])$")


def _raw_index(raw: list[str], lines: list[str], i: int) -> int:
    """Index in ``raw`` (blank lines kept) of ``lines[i]`` (blank lines dropped)."""
    seen = -1
    for j, ln in enumerate(raw):
        if ln:
            seen += 1
            if seen == i:
                return j
    return len(raw) - 1
