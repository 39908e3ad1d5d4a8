"""Status over time: a result revoked, suspended, replaced, restored, or its validity
corrected after it was archived — each a decision with a date it takes effect, a reason and
the deciding document's number, recorded as an event in the record's bag (the system of
record) and then applied to the index.

The events of a record are cumulative, never edited: its status on any day, before or
after each decision, can be told from them (``Record.status_on``), and a validity
correction keeps the dates before and after. The derived fields (``status``,
``status_since``, ``replaced_by``, ``status_periods``) follow from the events in
archive/records.py; this module holds the rules for adding one.

Transitions (the standing is what the events left the record in; "in force" = none):

    revoke    in force, suspended            -> revoked
    suspend   in force                       -> suspended
    replace   in force, suspended            -> replaced (by another record that exists
                                                and is neither revoked nor replaced)
    restore   revoked, suspended, replaced   -> in force
    validity  any                            -> the same standing, new valid_from/valid_until

An event takes effect on a day not before the record was issued, nor before the last change
of standing (events are added in the order they take effect: to undo a mistaken one, record
a restore of the same day). Anything else is refused with a :class:`StatusRefused` that
says why, in Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field

from search.errors import InvalidQuery, RecordNotFound

from . import pending
from .bags import bag_lock, rewrite_record
from .layout import read_record
from .records import STANDINGS, EventAction, Record, Status, StatusEvent, ValidityDates

__all__ = ["ACTION_LABELS", "EventAction", "StatusChange", "StatusEvent", "StatusRefused", "apply_event",
           "applied"]

#: What each action is called in the clerk's words.
ACTION_LABELS: dict[EventAction, str] = {
    EventAction.revoke: "Thu hồi",
    EventAction.suspend: "Tạm đình chỉ",
    EventAction.replace: "Thay thế",
    EventAction.restore: "Khôi phục hiệu lực",
    EventAction.validity: "Đính chính thời hạn",
}
#: The standing, as a sentence ends: "Kết quả đang …".
_STANDING_WORDS: dict[Status | None, str] = {
    None: "không bị thu hồi, tạm đình chỉ hay thay thế",
    Status.revoked: "đã bị thu hồi",
    Status.suspended: "đang bị tạm đình chỉ",
    Status.replaced: "đã được thay thế",
}
#: From which standings each action may start.
ALLOWED_FROM: dict[EventAction, frozenset[Status | None]] = {
    EventAction.revoke: frozenset({None, Status.suspended}),
    EventAction.suspend: frozenset({None}),
    EventAction.replace: frozenset({None, Status.suspended}),
    EventAction.restore: frozenset(STANDINGS),
    EventAction.validity: frozenset({None, *STANDINGS}),
}
MAX_REASON = 2000
MAX_DECISION = 100


class StatusRefused(InvalidQuery):
    """A status change that cannot be made (an impossible transition, a missing reason,
    an unknown replacement …): the message says which and what to do."""


class StatusChange(BaseModel):
    """A status decision as it is asked for (API body, form, command line); who asks and
    when are added when it is recorded."""

    action: EventAction
    effective_date: dt.date = Field(description="The day the decision takes effect (ngày có hiệu lực); "
                                                "may be in the future.")
    reason: str = Field(min_length=1, max_length=MAX_REASON, pattern=r"\S", description="Why (lý do).")
    decision_number: str = Field(min_length=1, max_length=MAX_DECISION, pattern=r"\S",
                                 description="Number of the deciding document, e.g. 12/QĐ-UBND.")
    replaced_by: str | None = Field(None, pattern=r"^[0-9a-f]{1,64}$", description="For `replace`: the id of the record that "
                                                                     "replaces this one.")
    valid_from: dt.date | None = Field(None, description="For `validity`: the corrected first day (left out: "
                                                         "unchanged; null: none).")
    valid_until: dt.date | None = Field(None, description="For `validity`: the corrected last day (left out: "
                                                          "unchanged; null: no end).")


class RecordSink(Protocol):
    """Where a changed record goes after the archive: the search index."""

    def put(self, record: Record) -> None: ...


def apply_event(index: RecordSink, archive_dir: Path, record_id: str, change: StatusChange, by: str,
                now: dt.datetime | None = None) -> Record:
    """Record a status decision: archive first (the system of record), then the index. The
    bag is locked from the read to the index write, so two decisions about one record land
    one after the other, each checked against the other's result."""
    with bag_lock(archive_dir, record_id):
        record = read_record(archive_dir, record_id)
        if record is None:
            raise RecordNotFound(record_id)
        last = record.status_events[-1] if record.status_events else None
        if last is not None and (last.action, last.effective_date, last.decision_number) == (
                change.action, change.effective_date, _text(change.decision_number)):
            # The same decision again: a retry after the index write failed, or a double
            # click. It is recorded once; the index is written (again).
            index.put(record)
            pending.clear(archive_dir, [record_id])
            return record
        other = change.replaced_by if change.action == EventAction.replace else None
        replacement = read_record(archive_dir, other) if other and other != record_id else None
        updated = applied(record, change, by, now or dt.datetime.now(dt.timezone.utc), replacement)
        rewrite_record(archive_dir, updated)
        index.put(updated)
        pending.clear(archive_dir, [record_id])
    return updated


def applied(record: Record, change: StatusChange, by: str, now: dt.datetime,
            replacement: Record | None = None) -> Record:
    """The record with the event added and its derived fields renewed; pure. ``replacement``
    is the record named by a ``replace`` (None when the archive has no such record)."""
    reason, decision = _text(change.reason), _text(change.decision_number)
    if not reason:
        raise StatusRefused("Cần ghi lý do (reason) của quyết định.")
    if not decision:
        raise StatusRefused("Cần ghi số văn bản quyết định (decision_number), ví dụ 12/QĐ-UBND.")
    action, day = change.action, change.effective_date
    standing = record.status if record.status in STANDINGS else None
    _check_fields(change)
    if record.issued_date and day < record.issued_date:
        raise StatusRefused(f"Ngày có hiệu lực {_vn(day)} trước ngày ban hành kết quả ({_vn(record.issued_date)}); "
                            "hãy kiểm tra lại ngày.")
    if action != EventAction.validity and record.status_since and day < record.status_since:
        raise StatusRefused(f"Tình trạng của kết quả đã thay đổi từ ngày {_vn(record.status_since)}; quyết định mới "
                            "phải có hiệu lực từ ngày đó trở đi. Ghi nhầm thì ghi thêm quyết định khôi phục.")
    if standing not in ALLOWED_FROM[action]:
        raise StatusRefused(_refusal(action, standing, record))

    event = {"action": action, "effective_date": day, "reason": reason, "decision_number": decision,
             "status_before": standing, "recorded_by": by, "recorded_at": now}
    update: dict = {}
    if action == EventAction.replace:
        event["replaced_by"] = _replacement(record, change, replacement)
    if action == EventAction.validity:
        before = ValidityDates(valid_from=record.valid_from, valid_until=record.valid_until)
        after = before.model_copy(update={k: getattr(change, k) for k in ("valid_from", "valid_until")
                                          if k in change.model_fields_set})
        if after.valid_from and after.valid_until and after.valid_until < after.valid_from:
            raise StatusRefused(f"Hiệu lực đến ({_vn(after.valid_until)}) trước hiệu lực từ "
                                f"({_vn(after.valid_from)}); hãy kiểm tra lại thời hạn.")
        if after == before:
            raise StatusRefused("Thời hạn mới giống thời hạn đang ghi; không có gì để đính chính.")
        event.update(validity_before=before, validity_after=after)
        update = after.model_dump()
    events = [*record.status_events, StatusEvent.model_validate(event)]
    return Record.model_validate({**record.model_dump(), **update, "status_events": events})


def _check_fields(change: StatusChange) -> None:
    if change.action != EventAction.replace and change.replaced_by:
        raise StatusRefused("Chỉ ghi mã kết quả thay thế (replaced_by) khi thay thế.")
    dates = {"valid_from", "valid_until"} & change.model_fields_set
    if change.action != EventAction.validity and any(getattr(change, k) is not None for k in dates):
        raise StatusRefused("Chỉ ghi thời hạn mới (valid_from, valid_until) khi đính chính thời hạn.")
    if change.action == EventAction.validity and not dates:
        raise StatusRefused("Đính chính thời hạn cần ngày hiệu lực từ (valid_from) hoặc hiệu lực đến (valid_until) mới.")


def _replacement(record: Record, change: StatusChange, replacement: Record | None) -> str:
    other = change.replaced_by
    if not other:
        raise StatusRefused("Cần ghi mã kết quả thay thế (replaced_by).")
    if other == record.id:
        raise StatusRefused("Một kết quả không thể thay thế chính nó; hãy ghi mã của kết quả mới.")
    if replacement is None:
        raise StatusRefused(f"Không có kết quả mã '{other}' trong kho lưu trữ; hãy số hóa kết quả mới trước "
                            "rồi ghi thay thế.")
    if replacement.status in (Status.revoked, Status.replaced):
        raise StatusRefused(f"Kết quả thay thế (mã '{other}') {_STANDING_WORDS[replacement.status]}; "
                            "hãy chọn kết quả đang còn hiệu lực.")
    return other


def _refusal(action: EventAction, standing: Status | None, record: Record) -> str:
    since = f" từ ngày {_vn(record.status_since)}" if record.status_since else ""
    now = f"Kết quả {_STANDING_WORDS[standing]}{since}"
    if standing == Status.replaced and record.replaced_by:
        now += f" (bởi kết quả mã '{record.replaced_by}')"
    hint = {
        EventAction.restore: "không có gì để khôi phục. Thời hạn sai thì dùng đính chính thời hạn.",
        EventAction.suspend: "chỉ tạm đình chỉ được kết quả đang còn hiệu lực.",
    }.get(action, f"không {ACTION_LABELS[action].lower()} được. Nếu cần, hãy khôi phục hiệu lực trước.")
    return f"{now}; {hint}"


def _text(value: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def _vn(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"
