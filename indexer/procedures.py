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


#: The kind of result (the start of its title, without diacritics) -> its field.
_FIELD_OF_KIND = [
    ("giay chung nhan ket hon", "Hộ tịch"), ("trich luc", "Hộ tịch"), ("giay khai sinh", "Hộ tịch"),
    ("giay xac nhan tinh trang hon nhan", "Hộ tịch"), ("giay chung tu", "Hộ tịch"),
    ("giay phep xay dung", "Hoạt động xây dựng"),
    ("giay chung nhan dang ky ho kinh doanh", "Thành lập và hoạt động của hộ kinh doanh"),
    ("giay chung nhan dang ky doanh nghiep", "Thành lập và hoạt động của doanh nghiệp"),
    ("giay chung nhan co so du dieu kien an toan thuc pham", "An toàn thực phẩm"),
    ("chung chi hanh nghe kham benh, chua benh", "Khám bệnh, chữa bệnh"),
]


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
