"""Masking identifiers for readers who do not need them: 001085012345 → 001*******45.

An identifier is found however it is written in a text: in one run ('001085012345'), in
groups ('001 085 012 345', '001.085.012.345', '0101234567 - 001') and across the ``<mark>``
tags a highlighted snippet puts around each group. A number of 9 to 13 digits is a CMND,
CCCD, tax, enterprise or branch code (archive/identifiers.py); dates and document numbers
have fewer digits or other separators ('45/2020/NĐ-CP'). Two kinds are left alone: a run of
more than 13 digits (not an identifier), and an amount of money grouped by dots
('1.000.000.000 đồng': the first group 1–3 digits and not starting with 0, then groups of
3), which is no one's personal data — a CCCD always starts with 0.
"""

from __future__ import annotations

import re

from archive.identifiers import mask_digits

_TAG = r"</?mark>"
_SEP = r"(?:[ \u00a0]+|[ \u00a0]*[.\-–][ \u00a0]*)"
#: Digit groups joined by one separator (white space, a dot, a dash) or a highlight's tags;
#: not inside a code that starts with letters ('000.00.12.H06-210408-0012').
_GROUPS = re.compile(rf"(?<![\w.\-–])\d+(?:(?:(?:{_TAG})+{_SEP}?|{_SEP})(?:{_TAG})*\d+)*")
#: Then any run of 9 digits or more left, wherever it is ('số001085012345' as OCR glues it).
_RUN = re.compile(r"\d{9,}")
_MONEY = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")


def _mask_run(m: re.Match) -> str:
    return m[0] if len(m[0]) > 13 else mask_digits(m[0])


#: What makes '271.234.567' an amount rather than a CMND printed with dots: the currency after it.
_CURRENCY = re.compile(rf"(?:{_TAG})*\s*(?:đồng|vnđ|vnd|đ)(?!\w)", re.IGNORECASE)


def _mask_groups(m: re.Match) -> str:
    written = m[0]
    plain = re.sub(_TAG, "", written)
    money = _MONEY.fullmatch(plain) and _CURRENCY.match(m.string, m.end())
    if 9 <= sum(c.isdigit() for c in plain) <= 13 and not money:
        return mask_digits(written)
    return written  # not one identifier; its long runs are masked on their own below


def mask_identifiers(text: str) -> str:
    return _RUN.sub(_mask_run, _GROUPS.sub(_mask_groups, text))
