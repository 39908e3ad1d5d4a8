"""How long a result is valid: the date it says it is valid to, or a term in months counted
from its issue date.
"""

from __future__ import annotations

import datetime as dt
import re

from search.dates import add_months

from .shapes import DATE_WORDS, dates

_DATE_DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_VALID_TO = re.compile(r"(?:hiệu lực|giá trị)[^.\n]{0,80}?đến\s+(?:hết\s+)?(?:ngày\s+)?", re.I)
_VALID_MONTHS = re.compile(r"(?:thời\s+hạn|giá\s+trị\s+sử\s+dụng|hiệu\s+lực)\s+(?:trong\s+)?(\d{1,2})\s+tháng"
                           r"\s+k[ểếềễệe]\s+t[ừứửữựu]\s+ngày\s+(?:cấp|ký)", re.I)  # 'kế từ': a misread mark


def _first_date(text: str) -> dt.date | None:
    return dates(DATE_WORDS, text)


def valid_until(text: str, issued: dt.date | None) -> dt.date | None:
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
