"""The procedures whose results a province keeps: code -> name and field.

Why: a clerk's manifest often gives only the procedure code (it is on the dossier receipt)
and leaves the name and field blank; facets by procedure and field then miss the record.
The code decides the name and field, so they are filled from it — never from a guess at
the text. A field can also follow from the kind of result alone (a marriage certificate is
civil status whatever procedure issued it). Codes not in the table leave the cells blank.

The table is data (``indexer/data/procedures.csv``), not code: it holds the codes the
sample results use, and a province replaces it with its own list exported from the
National Database of Administrative Procedures — no code change needed.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Any

from search.analysis import fold

TABLE = Path(__file__).parent / "data" / "procedures.csv"


@cache
def procedures() -> dict[str, tuple[str, str]]:
    """Code -> (procedure name, field), from the table."""
    with TABLE.open(encoding="utf-8", newline="") as f:
        return {row["code"].strip(): (row["procedure_name"].strip(), row["field"].strip()) for row in csv.DictReader(f)}


#: The results of the common procedures by the name their forms print (the start of the
#: title), and the field each belongs to. A closed list: an OCR'd title that starts with one
#: of these names spelled as listed needs no other check of those words (metadata/ocr_title.py).
RESULTS = [
    ("Giấy chứng nhận kết hôn", "Hộ tịch"), ("Trích lục", "Hộ tịch"), ("Giấy khai sinh", "Hộ tịch"),
    ("Giấy xác nhận tình trạng hôn nhân", "Hộ tịch"), ("Giấy chứng tử", "Hộ tịch"),
    ("Giấy phép xây dựng", "Hoạt động xây dựng"),
    ("Giấy chứng nhận đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh"),
    ("Giấy chứng nhận đăng ký doanh nghiệp", "Thành lập và hoạt động của doanh nghiệp"),
    ("Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "An toàn thực phẩm"),
    ("Chứng chỉ hành nghề khám bệnh, chữa bệnh", "Khám bệnh, chữa bệnh"),
]
#: The names of results, lower case, as printed.
RESULT_NAMES = frozenset(name.lower() for name, _ in RESULTS)
#: The kind of result (without diacritics) -> its field: a title's start decides it.
_FIELD_OF_KIND = [(fold(name).lower(), field) for name, field in RESULTS]


def fill_blanks(values: dict[str, Any]) -> dict[str, Any]:
    """The procedure's name and field from its code, or the field from the kind of result,
    where the record has none; what is there already is never changed."""
    added: dict[str, Any] = {}
    known = procedures().get((values.get("procedure_code") or "").strip())
    if known and not values.get("procedure_name"):
        added["procedure_name"] = known[0]
    if not values.get("field"):
        if known:
            added["field"] = known[1]
        elif kind := values.get("result_type"):
            folded = fold(kind).lower()
            if field := next((f for k, f in _FIELD_OF_KIND if folded.startswith(k)), None):
                added["field"] = field
    return added
