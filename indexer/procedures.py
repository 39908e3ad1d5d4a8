"""The procedures whose results a province keeps: code -> name and field, as the National
Database of Administrative Procedures publishes them.

Why: a clerk's manifest often gives only the procedure code (it is on the dossier receipt)
and leaves the name and field blank; facets by procedure and field then miss the record.
The code decides the name and field, so they are filled from it — never from a guess at
the text. A field can also follow from the kind of result alone (a marriage certificate is
civil status whatever procedure issued it). Codes not listed here leave the cells blank:
extend the table from the national database's export for the province's own list.
"""

from __future__ import annotations

from typing import Any

from search.analysis import fold

#: Code -> (procedure name, field), as published.
PROCEDURES: dict[str, tuple[str, str]] = {
    "1.009991": ("Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II", "Hoạt động xây dựng"),
    "1.009994": ("Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "Hoạt động xây dựng"),
    "2.000720": ("Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh"),
    "2.001610": ("Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
                 "Thành lập và hoạt động của doanh nghiệp"),
    "2.000635": ("Cấp bản sao trích lục hộ tịch", "Hộ tịch"),
    "1.000894": ("Đăng ký kết hôn", "Hộ tịch"),
    "1.004873": ("Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch"),
    "1.001261": ("Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "An toàn thực phẩm"),
    "1.004491": ("Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh", "Khám bệnh, chữa bệnh"),
    "1.003010": ("Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền", "Đất đai"),
}

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
    known = PROCEDURES.get((values.get("procedure_code") or "").strip())
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
