"""A record as the record page shows it: labelled rows per section, the validity line, the
history of status decisions and the fields where the manifest and the text disagree.
Shared by the officer's and the citizen's record pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from archive.places import province_title, unit_key
from archive.records import STANDING_AFTER, EventAction, Record, Status, StatusEvent
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
    decision_number: str | None = None  # of the decision that put the record in this standing
    replaced_by: str | None = None  # the record to use instead
    upcoming: str = ""  # a decided change that takes effect after today


@dataclass
class HistoryRow:
    """One status decision, as the history table shows it."""

    action: str
    label: str
    effective: str
    decision_number: str
    reason: str
    detail: str  # what changed: the replacement, the dates before and after
    replaced_by: str | None
    recorded_by: str
    recorded_at: str
    pending: bool  # takes effect after today


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


def now_is(record: Record) -> str:
    """Where the printed place lies since 1 July 2025, in words, when that is not what is
    printed: 'xã Nam Dương, tỉnh Bắc Ninh'; for an old commune split between several new
    ones, all of them, and that a person has to decide; '' when nothing changed or nothing
    is known."""
    if not record.current_province:
        return ""
    province = province_title(record.current_province)
    if record.current_commune_candidates:
        return (f"một trong: {', '.join(record.current_commune_candidates)} ({province}) — đơn vị cũ được chia "
                f"cho nhiều đơn vị mới, cần xác định theo địa chỉ cụ thể")
    same_province = unit_key("province", record.province or "") == unit_key("province", record.current_province)
    if record.current_commune is None:
        if record.commune:  # not in the conversion table
            return f"{province} (chưa xác định được xã, phường hiện nay)"
        return "" if same_province else province
    same_commune = not record.district and unit_key("commune", record.commune or "") == \
        unit_key("commune", record.current_commune)
    if same_province and same_commune:
        return ""
    return f"{record.current_commune}, {province}"


def _value(record: Record, name: str) -> str:
    if name == "current_units":
        return now_is(record)
    return _show(name, getattr(record, name))


def sections(record: Record, hide: frozenset[str] = frozenset()) -> list[tuple[str, list[Row]]]:
    out = []
    for title, names in labels.RECORD_SECTIONS:
        rows = [Row(n, labels.FIELD_LABELS[n], _value(record, n)) for n in names if n not in hide]
        rows = [r for r in rows if r.value]
        if rows:
            out.append((title, rows))
    return out


def validity(record: Record, today: dt.date) -> Validity:
    status = record.status_on(today)
    label = labels.STATUS_LABELS[status]
    event = record.deciding_event(today)
    decided = f" theo quyết định số {event.decision_number}" if event else ""
    since = f" từ ngày {vn_date(event.effective_date)}" if event else ""
    if status == Status.revoked:
        detail = f"Kết quả này đã bị thu hồi{since}{decided}; không dùng lại cho hồ sơ mới."
    elif status == Status.suspended:
        detail = f"Kết quả này bị tạm đình chỉ hiệu lực{since}{decided}; chưa dùng lại được cho hồ sơ mới."
    elif status == Status.replaced:
        detail = f"Kết quả này đã được thay thế bằng kết quả khác{since}{decided}; hãy dùng kết quả thay thế."
    elif status == Status.not_yet_valid:
        detail = f"Chưa có hiệu lực: có hiệu lực từ ngày {vn_date(record.valid_from)}."
    elif status == Status.expired:
        detail = f"Hết hiệu lực từ ngày {vn_date(record.valid_until + dt.timedelta(days=1))}."
    elif record.valid_until:
        detail = f"Còn hiệu lực đến hết ngày {vn_date(record.valid_until)}."
    else:
        detail = "Không ghi thời hạn (hiệu lực lâu dài)."
    return Validity(status, label, detail, event.decision_number if event else None,
                    record.replaced_by if status == Status.replaced else None, _upcoming(record, today))


def _upcoming(record: Record, today: dt.date) -> str:
    """The first decided change of standing that takes effect after today, in a sentence."""
    later = [e for e in record.status_events if e.action in STANDING_AFTER and e.effective_date > today]
    if not later:
        return ""
    first = min(later, key=lambda e: e.effective_date)
    return (f"Từ ngày {vn_date(first.effective_date)}: {labels.ACTION_LABELS[first.action].lower()} "
            f"theo quyết định số {first.decision_number}.")


def history(record: Record, today: dt.date) -> list[HistoryRow]:
    """The status decisions, latest first (as recorded; each keeps what it replaced)."""
    return [_history_row(e, today) for e in reversed(record.status_events)]


def _history_row(e: StatusEvent, today: dt.date) -> HistoryRow:
    detail = ""
    if e.action == EventAction.replace and e.replaced_by:
        detail = f"Thay bằng kết quả mã {e.replaced_by}"
    elif e.action == EventAction.validity and e.validity_before and e.validity_after:
        def span(d):
            return f"{vn_date(d.valid_from) or '…'} – {vn_date(d.valid_until) or 'không thời hạn'}"
        detail = f"Thời hạn {span(e.validity_before)} → {span(e.validity_after)}"
    return HistoryRow(action=e.action.value, label=labels.ACTION_LABELS[e.action], effective=vn_date(e.effective_date),
                      decision_number=e.decision_number, reason=e.reason, detail=detail, replaced_by=e.replaced_by,
                      recorded_by=e.recorded_by, recorded_at=vn_datetime(e.recorded_at),
                      pending=e.action in STANDING_AFTER and e.effective_date > today)


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
