"""Status decisions: revoke, suspend, replace, restore, correct validity (archive/events.py)
— by API for other systems, and by the form on the record page for officers given the
``manage`` right. Every call is audited, refusals included.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Body, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from archive.events import EventAction, StatusChange, StatusRefused, apply_event
from archive.records import Record, Status, StatusEvent
from search.errors import TracuuError
from search.query import today_in_vietnam

from ..auth import CsrfDep, ManageAccess, ManageStaff, Principal, ReadAccess, audit
from ..deps import IndexDep, SettingsDep, TemplatesDep
from ..problems import problem
from ..restrictions import refuse_if_restricted
from .api import PROBLEMS, RecordId
from .pages import record_page_response

router = APIRouter()

_EXAMPLES = {
    "revoke": {"summary": "Revoke (thu hồi)", "value": {
        "action": "revoke", "effective_date": "2025-07-01", "decision_number": "125/QĐ-UBND",
        "reason": "Vi phạm điều kiện cấp phép"}},
    "suspend": {"summary": "Suspend (tạm đình chỉ)", "value": {
        "action": "suspend", "effective_date": "2025-07-01", "decision_number": "88/QĐ-SXD",
        "reason": "Tạm dừng để thanh tra"}},
    "replace": {"summary": "Replace by another record (thay thế)", "value": {
        "action": "replace", "effective_date": "2025-07-01", "decision_number": "45/GP-SXD",
        "reason": "Cấp lại giấy phép điều chỉnh", "replaced_by": "3f1c0a9e5b7d2c4e6f8a0b1c"}},
    "restore": {"summary": "Restore (khôi phục hiệu lực)", "value": {
        "action": "restore", "effective_date": "2025-08-01", "decision_number": "130/QĐ-UBND",
        "reason": "Đã khắc phục vi phạm"}},
    "validity": {"summary": "Correct validity (đính chính thời hạn)", "value": {
        "action": "validity", "effective_date": "2025-07-01", "decision_number": "12/QĐ-ĐC",
        "reason": "Ghi nhầm thời hạn", "valid_until": "2030-12-31"}},
}


class StatusView(BaseModel):
    """A record's status on a day, and every decision behind it."""

    record_id: str
    on: dt.date = Field(description="The day `status` is for (today, in Vietnam).")
    status: Status
    status_since: dt.date | None = None
    replaced_by: str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    events: list[StatusEvent]

    @classmethod
    def of(cls, record: Record, day: dt.date) -> StatusView:
        return cls(record_id=record.id, on=day, status=record.status_on(day), status_since=record.status_since,
                   replaced_by=record.replaced_by, valid_from=record.valid_from, valid_until=record.valid_until,
                   events=record.status_events)


#: Aliases whose index has been given the status fields by this process (see _record).
_MAPPED: set[str] = set()


def _record(request: Request, index, settings, who: Principal, record_id: str, change: StatusChange) -> Record:
    """Apply the change and audit it, whatever the outcome. An index made before status
    events existed gets their fields first (mappings only grow), once per process: its
    strict mapping would refuse the record after the bag was written."""
    detail = f"{change.action} {change.decision_number[:100]} {change.effective_date}"
    refuse_if_restricted(request, who, index.get(record_id), f"status_{change.action}")
    try:
        if index.alias not in _MAPPED:
            index.ensure()
            _MAPPED.add(index.alias)
        record = apply_event(index, settings.archive_dir, record_id, change, who.name)
    except TracuuError as e:
        audit(request, who, f"status_{change.action}", outcome="refused", record_id=record_id,
              detail=f"{detail}: {e.message}"[:500])
        raise
    audit(request, who, f"status_{change.action}", record_id=record.id, subject_id=record.subject_id, detail=detail)
    return record


@router.get("/api/v1/records/{record_id}/status", tags=["api"], response_model=StatusView,
            summary="A record's status today and its history of status decisions (scope: read)",
            responses={c: PROBLEMS[c] for c in (401, 403, 404, 503)})
def get_status(record_id: RecordId, request: Request, index: IndexDep, who: ReadAccess) -> StatusView:
    record = index.get(record_id)
    refuse_if_restricted(request, who, record, "view")
    audit(request, who, "view", record_id=record.id, subject_id=record.subject_id, detail="status")
    return StatusView.of(record, today_in_vietnam())


@router.post("/api/v1/records/{record_id}/status", tags=["api"], response_model=StatusView, status_code=201,
             summary="Record a status decision: revoke, suspend, replace, restore or correct validity "
                     "(scope: manage)",
             responses={**{c: PROBLEMS[c] for c in (401, 403, 404, 503)},
                        409: {"description": "The decision cannot be made on this record as it stands (an impossible "
                                             "transition, a date before the record was issued or before its last "
                                             "change, an unknown replacement …): problem+json, Vietnamese `detail`."}})
def post_status(record_id: RecordId, change: Annotated[StatusChange, Body(openapi_examples=_EXAMPLES)],
                request: Request, index: IndexDep, settings: SettingsDep, who: ManageAccess) -> StatusView:
    """Written to the record's archival package first, then to the index: search, lookup,
    facets and reports reflect it at once. `effective_date` may be in the future (the status
    changes on that day) but not before the record was issued, nor before its last change of
    standing. `reason` and `decision_number` are required. An impossible transition (restore
    of a record in force, revoke of a revoked one, replace by itself or by an unknown record
    …) answers 409 with the reason in Vietnamese. See docs/status-events.md."""
    try:
        record = _record(request, index, settings, who, record_id, change)
    except StatusRefused as e:
        return problem(409, "Conflict", e.message, "The status decision conflicts with the record as it stands.")
    return StatusView.of(record, today_in_vietnam())


#: The form's fields; the dates of a validity correction are read only for that action.
FORM_FIELDS = ("action", "effective_date", "decision_number", "reason", "replaced_by", "valid_from", "valid_until")


def change_from_form(form: dict[str, str]) -> StatusChange:
    """The decision a form asks for: fields that do not belong to the chosen action are
    left out (the form shows them all), and empty dates of a validity correction clear them."""
    action = form.get("action", "")
    values: dict = {k: form.get(k, "").strip() for k in ("action", "effective_date", "decision_number", "reason")}
    if action == EventAction.replace:
        values["replaced_by"] = form.get("replaced_by", "").strip().lower() or None
    if action == EventAction.validity:
        values.update({k: form.get(k, "").strip() or None for k in ("valid_from", "valid_until")})
    try:
        return StatusChange.model_validate(values)
    except ValidationError as e:
        where = {str(err["loc"][0]) for err in e.errors()}
        if "action" in where:
            raise StatusRefused("Hãy chọn một quyết định: thu hồi, tạm đình chỉ, thay thế, khôi phục hoặc "
                                "đính chính thời hạn.") from None
        if "reason" in where:
            raise StatusRefused("Cần ghi lý do của quyết định.") from None
        if "decision_number" in where:
            raise StatusRefused("Cần ghi số văn bản quyết định, ví dụ 125/QĐ-UBND.") from None
        if "replaced_by" in where:
            raise StatusRefused("Mã kết quả thay thế gồm chữ số 0–9 và chữ a–f (mã hồ sơ trên trang kết quả).") from None
        raise StatusRefused(f"Ngày không hợp lệ ở: {', '.join(sorted(where))} (viết dạng 2025-07-01).") from None


@router.post("/records/{record_id}/status", include_in_schema=False, dependencies=[CsrfDep])
async def status_form(record_id: RecordId, request: Request, index: IndexDep, settings: SettingsDep,
                      templates: TemplatesDep, who: ManageStaff) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items() if k in FORM_FIELDS}
    try:
        try:
            change = change_from_form(form)
        except StatusRefused as e:
            asked = form.get("action", "")
            audit(request, who, f"status_{asked if asked in EventAction.__members__ else 'form'}", outcome="refused",
                  record_id=record_id, detail=e.message)
            raise
        # archive and index writes block: off the event loop
        await run_in_threadpool(_record, request, index, settings, who, record_id, change)
    except StatusRefused as e:
        return await run_in_threadpool(record_page_response, request, index, settings, templates, who, record_id,
                                       status_error=e.message, status_values=form, status_code=400)
    return RedirectResponse(f"/records/{record_id}?status_recorded=1#status", status_code=303)
