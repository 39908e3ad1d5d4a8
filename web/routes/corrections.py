"""The correction form of the review list: a clerk fixes the fields of one record."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from search.errors import InvalidQuery
from archive.corrections import CORRECTABLE, correct

from ..auth import CsrfDep, StaffDep, audit
from ..deps import IndexDep, SettingsDep, TemplatesDep
from ..labels import FIELD_LABELS
from ..restrictions import refuse_if_restricted
from .pages import RecordId

router = APIRouter(include_in_schema=False)


def _form(request: Request, templates, record, error: str | None = None, values: dict | None = None,
          status_code: int = 200) -> Response:
    current = record.model_dump(mode="json")
    fields = [(name, FIELD_LABELS.get(name, name), (values or current).get(name) or "",
               (record.pipeline.get("extracted") or {}).get(name)) for name in CORRECTABLE]
    return templates.TemplateResponse(request, "record_correct.html", {
        "record": record, "fields": fields, "error": error,
        "disagree": set(record.pipeline.get("disagree") or [])}, status_code=status_code)


@router.get("/records/{record_id}/correct", response_class=HTMLResponse)
def correction_form(record_id: RecordId, request: Request, index: IndexDep, templates: TemplatesDep,
                    who: StaffDep) -> Response:
    record = index.get(record_id)
    refuse_if_restricted(request, who, record, "view")
    audit(request, who, "view", record_id=record.id, subject_id=record.subject_id, detail="correction form")
    return _form(request, templates, record)


@router.post("/records/{record_id}/correct", dependencies=[CsrfDep])
async def save_correction(record_id: RecordId, request: Request, index: IndexDep, settings: SettingsDep,
                          templates: TemplatesDep, who: StaffDep) -> Response:
    refuse_if_restricted(request, who, index.get(record_id), "correct")
    form = await request.form()
    changes = {name: str(form.get(name, "")) for name in CORRECTABLE if name in form}
    try:  # archive and index writes block: off the event loop
        fixed = await run_in_threadpool(correct, index, settings.archive_dir, record_id, changes, who.name)
    except InvalidQuery as e:
        return _form(request, templates, await run_in_threadpool(index.get, record_id), e.message, changes, 400)
    changed = sorted(fixed.pipeline["corrections"][-1]["fields"])
    audit(request, who, "correct", record_id=fixed.id, subject_id=fixed.subject_id, detail=" ".join(changed))
    return RedirectResponse(f"/records/{record_id}?corrected=1", status_code=303)
