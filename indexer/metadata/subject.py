"""Who a result is issued to, by the labels the forms print: the name of a person or an
organisation, the identity or enterprise number, the address and the province, district and
commune in it, and the registration code that numbers a registration certificate.
"""

from __future__ import annotations

import re
from typing import Any

from archive.identifiers import (
    canonical_branch_code, canonical_cmnd, canonical_or_none, canonical_subject_id, canonical_tax_code,
)
from search.analysis import fold

from .shapes import ROLE_LINE, capitals, person_name

_ID_LABEL = re.compile(
    r"(Số\s*CC[A-ZĐ]?[A-ZĐ]?D|Số\s*CMN[DĐ]|CCCD\s*số|CMND\s*số|căn cước công dân(?:\s*số)?|chứng minh nhân dân(?:\s*số)?|"
    r"Số định danh cá nhân|Giấy tờ tùy thân|Số giấy tờ tùy thân|Mã số doanh nghiệp|Mã số hộ kinh doanh|"
    r"Mã số chi nhánh|Mã số thuế)\s*[:.]?\s*(?:(?:Căn cước công dân|Căn cước|CCCD|CMND)\s*(?:số\s*)?[:.]?\s*)?"
    r"(\d[\d .]{7,16}\d(?:[ \t]*[-\u2010-\u2015\u2212][ \t]*\d{3})?)(?!\d|[ \t]*[-\u2010-\u2015\u2212][ \t]*\d)", re.I)
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
            and shouting == value.split()[-1].isupper() and not ROLE_LINE.search(next_line)):
        return True  # the rest of a proper name, in the same case as what came before
    if capitals(next_line) and not value.split()[-1].isupper():
        return False  # a heading in capitals under a value in ordinary type starts something new
    last = value.rsplit(",", 1)[-1].strip()
    # A province's name has two syllables or more ('tỉnh Nghệ' / 'An' is one name wrapped).
    return not re.match(r"^(tỉnh|thành phố)\s+\S+\s+\S", last, re.I)


def _org_name(value: str) -> str | None:
    """'CÔNG TY TNHH XÂY DỰNG MINH PHÁT, mã số …' -> the name as printed, up to where the
    sentence goes on; None if the value is not an organisation's name."""
    value = re.split(r"[,;(]|\s+(?:có|được|mã số|Mã số|địa chỉ|Địa chỉ|do|tại)\s", value, maxsplit=1)[0]
    value = re.sub(r"\s+", " ", value).strip(" .:-")
    if not _ORG_START.match(value) or len(value.split()) < 2 or len(value) > 160:
        return None
    return value


def subject_fields(body: list[str]) -> dict[str, Any]:
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
            if value and (name := person_name(value)):
                found["subject_name"] = name
                found["subject_type"] = "citizen"
                break
    if "subject_name" not in found:
        for label in _PREMISES_LABELS:
            value = _after_label(body, [label], max_lines=2)
            if value and (org := _org_name(value)):
                found["subject_name"], found["subject_type"] = org, "organization"
                break
    if (m := _ID_LABEL.search(text)) and (number := _subject_id(m.group(1), m.group(2))):
        found["subject_id"] = number
    address = _after_label(body, _ADDRESS_LABELS, max_lines=3)
    if address:
        address = re.split(r",\s*được\b|\.\s*$", address)[0].strip(" .,")
        address = re.split(r"(?<=\S)\s{2,}", address)[0]
        found["subject_address"] = _address_head(address)
        found.update(places(address))
    return found


def _subject_id(label: str, number: str) -> str | None:
    """The number under its label in its one form (archive/identifiers.py), if it has the
    shape the label promises: a CCCD read with a digit too many is no branch code, and a
    branch's code read without its suffix is not its enterprise's."""
    kind = fold(label).lower()
    if "chi nhanh" in kind:
        canonical = canonical_branch_code
    elif "doanh nghiep" in kind:
        canonical = canonical_tax_code
    elif "thue" in kind or "ho kinh doanh" in kind:  # a person's tax code is their CCCD since 2025
        canonical = canonical_subject_id
    else:
        canonical = canonical_cmnd  # CCCD, CMND, số định danh: 12 digits, or the old card's 9
    return canonical_or_none(canonical, number)


#: Certificates whose number is the registration code itself (Decree 01/2021/NĐ-CP forms).
_REGISTRATION_CODE = re.compile(r"(?:Mã số doanh nghiệp|Mã số hộ kinh doanh|Mã số chi nhánh|Mã số hợp tác xã)"
                                r"\s*[:.]?\s*(\d{10}(?:-\d{3})?|\d{2}[A-Z]\d{6,8})(?![\d-])", re.I)


def registration_code(title: str | None, body: list[str]) -> str | None:
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
    """Province, district and commune named in an address: '…, xã X, huyện Y, tỉnh Z' as printed
    before 1 July 2025, or '…, xã X, tỉnh Z' after (no district level since)."""
    parts = [p.strip() for p in address.split(",")]
    found: dict[str, str] = {}
    for part in reversed(parts):
        low = part.lower()
        if "province" not in found and re.match(r"^(tỉnh|thành phố)\s", low):
            found["province"] = part
        elif "province" in found and "district" not in found and re.match(r"^(huyện|quận|thị xã|thành phố)\s", low):
            found["district"] = part
        elif "province" in found and "commune" not in found and re.match(r"^(xã|phường|thị trấn|đặc khu)\s", low):
            found["commune"] = part
            break
    return found
