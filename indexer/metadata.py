"""Metadata read off the text of a result, for what the manifest does not give.

Documents follow the layout of Decree 30/2020/NĐ-CP: ``Số: 45/GP-UBND`` near the top,
a place-and-date line ``…, ngày 08 tháng 4 năm 2021``, the title in capitals.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_DOC_NUMBER = re.compile(r"\bSố\s*[:.]\s*([0-9]{1,6}\s*/\s*[0-9]{0,4}\s*/?\s*[A-ZĐ0-9][A-ZĐa-zđ0-9.\-/ ]{0,30}[A-ZĐ0-9])")
_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)


def extract(text: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if m := _DOC_NUMBER.search(text):
        found["doc_number"] = re.sub(r"\s*([/-])\s*", r"\1", m.group(1)).strip()
    if m := _DATE.search(text):
        day, month, year = (int(g) for g in m.groups())
        try:
            found["issued_date"] = dt.date(year, month, day)
        except ValueError:
            pass
    return found
