"""A record as the record page shows it: labelled rows per section, the validity line and
the fields where the manifest and the text disagree. Shared by the officer's and the
citizen's record pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from archive.records import Record, Status
from search.reuse import vn_date

from . import labels
from .templating import vn_datetime


@dataclass
class Row:
    name: str
    label: str
    value: str


@dataclass
class Validity:
    status: Status
    label: str
    detail: str


def _show(name: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return vn_datetime(value)
    if isinstance(value, dt.date):
        return vn_date(value)
    if name == "subject_type":
        return labels.SUBJECT_TYPE_LABELS.get(str(value), str(value))
    return str(value)


def sections(record: Record, hide: frozenset[str] = frozenset()) -> list[tuple[str, list[Row]]]:
    out = []
    for title, names in labels.RECORD_SECTIONS:
        rows = [Row(n, labels.FIELD_LABELS[n], _show(n, getattr(record, n))) for n in names if n not in hide]
        rows = [r for r in rows if r.value]
        if rows:
            out.append((title, rows))
    return out


def validity(record: Record, today: dt.date) -> Validity:
    status = record.status_on(today)
    label = labels.STATUS_LABELS[status]
    if status == Status.revoked:
        detail = "Kết quả này đã bị thu hồi; không dùng lại cho hồ sơ mới."
    elif status == Status.expired:
        detail = f"Hết hiệu lực từ ngày {vn_date(record.valid_until + dt.timedelta(days=1))}."
    elif record.valid_until:
        detail = f"Còn hiệu lực đến hết ngày {vn_date(record.valid_until)}."
    else:
        detail = "Không ghi thời hạn (hiệu lực lâu dài)."
    return Validity(status, label, detail)


def disagreements(record: Record) -> list[tuple[str, str, str]]:
    """Fields whose manifest value (kept) differs from what was read in the text, so the
    officer can see both and decide which is right."""
    extracted = record.pipeline.get("extracted") or {}
    rows = []
    for name in record.pipeline.get("disagree") or []:
        if name in labels.FIELD_LABELS:
            kept = _show(name, getattr(record, name, None))
            read = extracted.get(name)
            read = vn_date(dt.date.fromisoformat(read)) if name.endswith(("_date", "_from", "_until")) and read else read
            rows.append((labels.FIELD_LABELS[name], kept or "—", str(read or "—")))
    return rows
