"""Identifiers: the one form each kind is stored in and compared by.

    kind              typed as (any grouping)                 canonical
    CCCD              12 digits                               001085012345
    CMND              9 or 12 digits                          012345678
    enterprise code   10 digits                               0101234567
    branch code       10 digits, a dash, 3 digits (13)        0101234567-001
    tax code          10, or 10 + 3 digits                    0101234567, 0101234567-001
    subject id        any of the five above                   as its kind
    dossier code      letters, digits and . - _ /             000.00.12.H06-210408-0012
    document number   anything                                NFC and trimmed, never more;
                                                              compared by doc_number_key()

The digits of a CCCD, CMND, enterprise, branch or tax code may be typed in groups, with
spaces, dots or dashes between them ('001 085 012 345', '001.085.012.345',
'0101234567 – 001'), full width or in another script's digits: only the digits count, and
their number says the kind. Everything that takes an identifier from outside — the manifest,
the text of a result, the API, the citizen form, a clerk's correction — and everything that
asks for one (lookup, search) goes through the same function, so a value is found however
it was typed. The shapes overlap (a CCCD that lost its two leading zeros has ten digits,
like an enterprise code), so nothing here pads or guesses: a value that is not one of the
shapes is refused with :class:`InvalidQuery`, whose message names the kind and never
repeats the value (it may be a person's number). docs/identifiers.md gives the reasons.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from search.errors import InvalidQuery

#: What may stand between the digit groups of a number: white space, dots and dashes (after
#: NFKC, which turns full-width forms and no-break spaces into these).
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SEPARATORS = re.compile(rf"[\s.{_DASHES}]+")
_LONGEST_TYPED = 64
#: A subject id as typed, for the API's schema: exactly the values canonical_subject_id()
#: takes (9, 10, 12 or 13 digits, separators around any of them), spelled out so that the
#: schema promises no value the lookup refuses (and a client can check before asking).
_D, _S = "[0-9\uff10-\uff19]", f"[ \u00a0.\uff0e{_DASHES}]*"
SUBJECT_ID_AS_TYPED = rf"^{_S}(?:{_D}{_S}){{9}}(?:{_D}{_S}|(?:{_D}{_S}){{3,4}})?$"

_GROUPING = "có thể gõ liền hoặc cách nhau bằng dấu cách, dấu chấm, gạch ngang"
CCCD_MESSAGE = f"Số CCCD phải có đúng 12 chữ số ({_GROUPING})."
CMND_MESSAGE = f"Số CMND phải có 9 hoặc 12 chữ số ({_GROUPING})."
ENTERPRISE_MESSAGE = f"Mã số doanh nghiệp phải có đúng 10 chữ số ({_GROUPING})."
BRANCH_MESSAGE = ("Mã số chi nhánh (đơn vị phụ thuộc) phải có 10 chữ số, dấu gạch ngang và 3 chữ số, "
                  "ví dụ 0101234567-001.")
TAX_MESSAGE = ("Mã số thuế phải có 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số "
               "(đơn vị phụ thuộc), ví dụ 0101234567-001.")
SUBJECT_MESSAGE = ("Số định danh phải là số CCCD (12 chữ số), CMND (9 hoặc 12 chữ số), mã số doanh nghiệp "
                   "hoặc mã số thuế (10 chữ số), hoặc mã số chi nhánh (10 chữ số, gạch ngang, 3 chữ số); "
                   f"{_GROUPING}.")
CITIZEN_MESSAGE = ("Số định danh của công dân phải là số CCCD (12 chữ số) hoặc CMND (9 hoặc 12 chữ số); "
                   "một số từng lưu dạng số trong Excel có thể đã mất các chữ số 0 ở đầu.")
DOSSIER_MESSAGE = ("Mã hồ sơ không hợp lệ: dùng chữ, số và các dấu . - _ / (3–64 ký tự), "
                   "ví dụ 000.00.12.H06-210408-0012.")
DOC_NUMBER_MESSAGE = "Số, ký hiệu văn bản không được để trống."


# -- numbers: CCCD, CMND, enterprise, branch and tax codes ------------------------------


def digits_of(raw: str | None) -> str | None:
    """The ASCII digits of a number typed with separators between its groups; None if
    anything else is in it (letters, a slash, a comma) or it is far too long."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text or len(text) > _LONGEST_TYPED:
        return None
    text = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)
    number = _SEPARATORS.sub("", text)
    return number if number.isascii() and number.isdigit() else None


def _number(raw: str | None, lengths: tuple[int, ...], message: str) -> str:
    number = digits_of(raw)
    if number is None or len(number) not in lengths:
        raise InvalidQuery(message)
    # A branch's code is printed 10-3 (Decree 01/2021/NĐ-CP, Circular 105/2020/TT-BTC);
    # typed as 13 digits in a row it is the same code.
    return f"{number[:10]}-{number[10:]}" if len(number) == 13 else number


def canonical_cccd(raw: str | None) -> str:
    """Căn cước công dân: 12 digits."""
    return _number(raw, (12,), CCCD_MESSAGE)


def canonical_cmnd(raw: str | None) -> str:
    """Chứng minh nhân dân: 9 digits (the old card) or 12 (the card of 2012–2016)."""
    return _number(raw, (9, 12), CMND_MESSAGE)


def canonical_enterprise_code(raw: str | None) -> str:
    """Mã số doanh nghiệp: 10 digits (the enterprise's tax code)."""
    return _number(raw, (10,), ENTERPRISE_MESSAGE)


def canonical_branch_code(raw: str | None) -> str:
    """Mã số chi nhánh, văn phòng đại diện, địa điểm kinh doanh: the enterprise's 10 digits,
    a dash, 3 digits."""
    return _number(raw, (13,), BRANCH_MESSAGE)


def canonical_tax_code(raw: str | None) -> str:
    """Mã số thuế: 10 digits, or 10-3 for a dependent unit."""
    return _number(raw, (10, 13), TAX_MESSAGE)


def canonical_subject_id(raw: str | None) -> str:
    """Who a result is issued to: a CCCD or CMND, an enterprise or tax code, a branch code."""
    return _number(raw, (9, 10, 12, 13), SUBJECT_MESSAGE)


def canonical_subject_id_of(raw: str | None, subject_type: str | None) -> str:
    """A subject id that fits who the subject is: a citizen holds a CCCD or CMND (9 or 12
    digits), so a citizen's CCCD that lost its leading zeros to Excel (10 or 11 digits) is
    refused instead of taken for an enterprise code. An organisation may be known by any
    of the shapes (a household business by its owner's CMND or CCCD)."""
    if subject_type == "citizen":
        return _number(raw, (9, 12), CITIZEN_MESSAGE)
    return canonical_subject_id(raw)


def subject_ids_in(text: str, limit: int = 8) -> list[str]:
    """The subject ids a free-text query contains, canonical: each run of digit groups joined
    by one separator ('001 085 012 345', '0101234567-001'), or failing that each group alone."""
    found: list[str] = []
    for m in _NUMBER_RUN.finditer(unicodedata.normalize("NFKC", text)):
        for candidate in (m[0], *m[0].split()):
            # One kind of separator in one number: '01.02.2021 45' is a date and a number.
            if len({sep.strip() for sep in re.findall(r"\D+", candidate)}) > 1:
                continue
            if (sid := canonical_or_none(canonical_subject_id, candidate)) and sid not in found:
                found.append(sid)
                break
        if len(found) >= limit:
            break
    return found


_NUMBER_RUN = re.compile(rf"(?<![\w./{_DASHES}])\d+(?:(?:[ \t]+|[ \t]*[.{_DASHES}][ \t]*)\d+)*(?![\w/])")


# -- dossier codes -------------------------------------------------------------------------

#: Dossier codes as the one-stop systems print them (``000.00.12.H06-210408-0012``).
DOSSIER_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_/]{2,63}$")


def canonical_dossier_code(raw: str | None) -> str:
    """The code on the receipt, in capitals, without spaces, with ASCII dashes. Case is
    not part of the code (the one-stop systems print 'H06'; the index compares in lower
    case), and a reuse is one fact per (record, dossier), so 'h06' must not be a second."""
    code = unicodedata.normalize("NFKC", raw or "")
    code = re.sub(r"\s+", "", re.sub(f"[{_DASHES}]", "-", code)).upper()
    if not DOSSIER_CODE.match(code):
        raise InvalidQuery(DOSSIER_MESSAGE)
    return code


def clean_dossier_code(raw: str | None) -> str:
    """The code of the *new* dossier a result is reused in (archive/reuse.py):
    :func:`canonical_dossier_code`, its message saying which code is meant."""
    try:
        return canonical_dossier_code(raw)
    except InvalidQuery:
        raise InvalidQuery(DOSSIER_MESSAGE.replace("Mã hồ sơ", "Mã hồ sơ mới", 1)) from None


# -- document numbers ------------------------------------------------------------------------


def canonical_doc_number(raw: str | None) -> str:
    """A document's number and symbol exactly as printed ('45/2020/NĐ-CP', '123/QĐ-UBND'):
    NFC and trimmed, nothing else. Its spelling is the document's own — the symbol's case,
    its dashes and even an OCR look-alike are evidence — so it is compared by
    :func:`doc_number_key`, never rewritten."""
    number = unicodedata.normalize("NFC", raw or "").strip()
    if not number:
        raise InvalidQuery(DOC_NUMBER_MESSAGE)
    return number


def doc_number_key(raw: str) -> str:
    """What two document numbers are compared by: the ``identifier`` normalizer of
    mappings/records.json, in Python ('123/QĐ-UBND', '123 qđ ubnd' and '123/qd-ubnd' ->
    '123 qd ubnd'): separators to one space, lower case, no diacritics. A test holds the
    two to the same answers."""
    words = re.split(r"[\W_]+", unicodedata.normalize("NFC", raw).lower())
    return " ".join(_ascii_fold(w) for w in words if w)


def _ascii_fold(word: str) -> str:
    """Lucene's asciifolding, for what document numbers hold: full-width forms, letters
    with marks, đ and its look-alike ð."""
    word = unicodedata.normalize("NFKC", word).translate(_STROKED)
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


_STROKED = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


# -- helpers -----------------------------------------------------------------------------------


def canonical_or_none(canonical: Callable[[str], str], raw: str | None) -> str | None:
    """``canonical(raw)``, or None when it is not that kind: for values already stored,
    which are kept as they are rather than refused."""
    if not raw:
        return None
    try:
        return canonical(raw)
    except InvalidQuery:
        return None
