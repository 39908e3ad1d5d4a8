"""Reports for officers and admins: digitization progress, reuse, the six-monthly report
(.xlsx and printable page) and the quality backlog with its correction form."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from search.index import agencies, progress, quality_backlog, reuse_stats, six_month_report
from search.query import today_in_vietnam
from search.reports import GROUPS, Phase, group_of, parse_phases

from .. import report_files
from ..labels import REPORT_GROUP_LABELS
from ..auth import StaffDep, audit
from ..restrictions import hidden_subjects
from ..deps import IndexDep, SettingsDep, TemplatesDep

router = APIRouter(prefix="/reports", include_in_schema=False)


def current_half(today: dt.date) -> tuple[dt.date, dt.date]:
    """The half-year being reported on (reports are due before 10 June and 10 December)."""
    if today.month <= 6:
        return dt.date(today.year, 1, 1), dt.date(today.year, 6, 30)
    return dt.date(today.year, 7, 1), dt.date(today.year, 12, 31)


def drill(**filters) -> str:
    """The faceted search behind a number."""
    params = [(k, v.isoformat() if isinstance(v, dt.date) else v) for k, v in filters.items() if v]
    return "/?" + urlencode(params)


def phase_link(agency: str | None, phase: Phase, by: str = "agency") -> str:
    """The records of a row (an agency, or a current unit) issued in a phase."""
    return drill(**{group_of(by)[1]: agency}, issued_from=phase.start, issued_to=phase.end)


ReportGroup = Annotated[str, Query(pattern="^(" + "|".join(GROUPS) + ")$",
                                   description="Rows per issuing agency, or per current province or commune")]


@router.get("", response_class=HTMLResponse)
def progress_page(request: Request, index: IndexDep, settings: SettingsDep, templates: TemplatesDep,
                  who: StaffDep, by: ReportGroup = "agency") -> Response:
    phases = parse_phases(settings.report_phases)
    report = progress(index, phases, by=by)
    audit(request, who, "report", detail="progress" + (f" by {by}" if by != "agency" else ""))
    _, param, missing = group_of(by)
    return templates.TemplateResponse(request, "reports_progress.html", {
        "report": report, "phase_link": lambda value, phase: phase_link(value, phase, by), "drill": drill,
        "no_agency": missing, "group_param": param, "group_label": REPORT_GROUP_LABELS[by],
        "groups": REPORT_GROUP_LABELS, "by": by})


def _period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    start, end = current_half(today_in_vietnam())
    return date_from or start, date_to or end


@router.get("/reuse", response_class=HTMLResponse)
def reuse_page(request: Request, index: IndexDep, templates: TemplatesDep, who: StaffDep,
               date_from: Annotated[dt.date | None, Query(alias="from")] = None,
               date_to: Annotated[dt.date | None, Query(alias="to")] = None) -> Response:
    start, end = _period(date_from, date_to)
    stats = reuse_stats(index, start, end)
    audit(request, who, "report", detail=f"reuse {start}..{end}")
    return templates.TemplateResponse(request, "reports_reuse.html", {"stats": stats, "start": start, "end": end})


@router.get("/six-monthly")
def six_monthly(request: Request, index: IndexDep, settings: SettingsDep, templates: TemplatesDep, who: StaffDep,
                date_from: Annotated[dt.date | None, Query(alias="from")] = None,
                date_to: Annotated[dt.date | None, Query(alias="to")] = None,
                agency: Annotated[str | None, Query(max_length=300)] = None,
                output: Annotated[str, Query(alias="format", pattern="^(page|xlsx|print)$")] = "page",
                by: ReportGroup = "agency") -> Response:
    start, end = _period(date_from, date_to)
    report = six_month_report(index, start, end, parse_phases(settings.report_phases), agency or None, by)
    audit(request, who, "report", detail=f"six-monthly {start}..{end} {output}" + (f" by {by}" if by != "agency" else ""),
          query=agency)
    name = f"bao-cao-so-hoa-{start}-{end}"
    if output == "xlsx":
        return Response(report_files.to_xlsx(report),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    if output == "print":  # standalone page with its own inline style, nothing else
        return HTMLResponse(report_files.to_html(report), headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"})
    base = {"from": start.isoformat(), "to": end.isoformat(), **({"agency": agency} if agency else {}),
            **({"by": by} if by != "agency" else {})}
    return templates.TemplateResponse(request, "reports_six_monthly.html", {
        "report": report, "headings": report_files.headings(report), "cells": report_files.cells,
        "xlsx_url": "/reports/six-monthly?" + urlencode({**base, "format": "xlsx"}),
        "print_url": "/reports/six-monthly?" + urlencode({**base, "format": "print"}),
        "agencies": agencies(index), "groups": REPORT_GROUP_LABELS, "by": by,
    })


@router.get("/quality", response_class=HTMLResponse)
def quality_page(request: Request, index: IndexDep, settings: SettingsDep, templates: TemplatesDep,
                 who: StaffDep, page: Annotated[int, Query(ge=1, le=100)] = 1) -> Response:
    backlog = quality_backlog(index, settings.quality_min_ocr_confidence, page, 50, hidden_subjects(request, who))
    audit(request, who, "report", detail="quality", count=backlog.total)
    return templates.TemplateResponse(request, "reports_quality.html", {
        "backlog": backlog, "page": page, "min_conf": settings.quality_min_ocr_confidence})
