"""Vietnamese words the pages show for field, facet, status and sort names — one table, so
a page and its tests never spell a label two ways."""

from __future__ import annotations

from archive.events import ACTION_LABELS as _ACTIONS

FIELD_LABELS: dict[str, str] = {
    "doc_number": "Số, ký hiệu",
    "result_type": "Loại kết quả",
    "summary": "Trích yếu",
    "issued_date": "Ngày ban hành",
    "issuing_agency": "Cơ quan ban hành",
    "signer": "Người ký",
    "subject_name": "Chủ thể",
    "subject_id": "Số định danh (CCCD/CMND/MSDN)",
    "subject_type": "Loại chủ thể",
    "subject_address": "Địa chỉ",
    "procedure_code": "Mã thủ tục",
    "procedure_name": "Thủ tục hành chính",
    "field": "Lĩnh vực",
    "dossier_code": "Mã hồ sơ",
    "valid_from": "Hiệu lực từ",
    "valid_until": "Hiệu lực đến",
    "valid_scope": "Phạm vi hiệu lực",
    "province": "Tỉnh/thành phố",
    "district": "Quận/huyện",
    "commune": "Xã/phường",
    "current_province": "Tỉnh/thành phố hiện nay",
    "current_commune": "Xã/phường hiện nay",
    "current_units": "Nay là",
    "source_filename": "Tệp gốc",
    "source_sha256": "SHA-256 bản gốc",
    "archival_sha256": "SHA-256 bản lưu trữ (PDF/A)",
    "ingested_at": "Ngày số hóa",
}

#: Field groups of the record page, in reading order.
RECORD_SECTIONS: list[tuple[str, list[str]]] = [
    ("Văn bản", ["doc_number", "result_type", "summary", "issued_date", "issuing_agency", "signer"]),
    ("Chủ thể", ["subject_name", "subject_id", "subject_type", "subject_address"]),
    ("Thủ tục", ["procedure_code", "procedure_name", "field", "dossier_code"]),
    ("Hiệu lực", ["valid_from", "valid_until", "valid_scope"]),
    # As printed, then where that place lies since 1 July 2025 (record_view.now_is).
    ("Địa bàn", ["province", "district", "commune", "current_units"]),
    ("Lưu trữ", ["source_filename", "ingested_at", "source_sha256", "archival_sha256"]),
]

FACET_LABELS: dict[str, str] = {
    "status": "Hiệu lực",
    "result_type": "Loại kết quả",
    "issuing_agency": "Cơ quan ban hành",
    "procedure": "Thủ tục",
    "field": "Lĩnh vực",
    "year": "Năm ban hành",
    "province": "Tỉnh/thành phố",
    "district": "Quận/huyện",
    "commune": "Xã/phường",
    "current_province": "Tỉnh/thành phố hiện nay",
    "current_commune": "Xã/phường hiện nay",
}
#: Facets in the sidebar's order (most used first): the units as they are now (since
#: 1 July 2025) before the units as printed.
FACET_ORDER = ["status", "result_type", "issuing_agency", "year", "procedure", "field",
               "current_province", "current_commune", "province", "district", "commune"]

#: What report rows can be grouped by (search/reports.py GROUPS).
REPORT_GROUP_LABELS: dict[str, str] = {
    "agency": "Cơ quan ban hành",
    "current_province": "Tỉnh/thành phố hiện nay",
    "current_commune": "Xã/phường hiện nay",
}

STATUS_LABELS: dict[str, str] = {
    "valid": "Còn hiệu lực",
    "not_yet_valid": "Chưa có hiệu lực",
    "suspended": "Tạm đình chỉ",
    "replaced": "Đã được thay thế",
    "expired": "Hết hiệu lực",
    "revoked": "Đã thu hồi",
}

#: Status decisions (archive/events.py), by action: thu hồi, tạm đình chỉ …
ACTION_LABELS: dict[str, str] = {a.value: label for a, label in _ACTIONS.items()}

#: The fields of the status decision form and of the history table.
EVENT_FIELD_LABELS: dict[str, str] = {
    "action": "Quyết định",
    "effective_date": "Ngày có hiệu lực",
    "decision_number": "Số văn bản quyết định",
    "reason": "Lý do",
    "replaced_by": "Mã kết quả thay thế",
    "valid_from": "Hiệu lực từ (mới)",
    "valid_until": "Hiệu lực đến (mới)",
    "recorded_by": "Người ghi",
    "recorded_at": "Thời điểm ghi",
}

SUBJECT_TYPE_LABELS: dict[str, str] = {"citizen": "Công dân", "organization": "Tổ chức"}

SORT_LABELS: dict[str, str] = {
    "relevance": "Phù hợp nhất",
    "date_desc": "Mới nhất",
    "date_asc": "Cũ nhất",
}

#: Who read a citizen's records, as the citizen's access log names them (web/routes/citizen.py).
ACTOR_KIND_LABELS: dict[str, str] = {
    "officer": "Cán bộ", "admin": "Quản trị viên", "system": "Hệ thống khác (khóa API)",
    "citizen": "Bạn", "anonymous": "Không xác định",
}
#: What was done, in the citizen's access log.
AUDIT_ACTION_LABELS: dict[str, str] = {
    "view": "Xem kết quả", "download": "Tải tệp kết quả", "search": "Tìm kiếm có nhắc số định danh của bạn",
    "lookup": "Hỏi kết quả còn hiệu lực", "reuse": "Dùng lại kết quả trong hồ sơ mới", "status": "Ghi quyết định về tình trạng",
    "citizen_login": "Đăng nhập tra cứu", "correct": "Sửa thông tin kết quả", "access_log": "Xem nhật ký truy cập",
}
