"""The numbers the provincial plans run on, as OpenSearch aggregations (never by reading
records in Python): digitization progress by agency and phase of issue year, reuse of
digitized results, and the six-monthly report an agency sends upward.

Phases are configured per province (``TRACUU_REPORT_PHASES``): the plans digitize by year
of issue, e.g. issued 2020 – mid 2022 first, then 2010–2019, then 2009 and earlier.

Rows are per issuing agency, or (``by``) per unit as it is now, since the 1 July 2025
reorganisation: the current province or commune of the place printed on each result
(archive/places.py), so a province reports its results under today's communes whichever
names they were printed with.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from .errors import InvalidQuery
from .phases import Phase, parse_phases  # noqa: F401 — re-exported for the report routes
from .validity import status_clause
from archive.records import Status

#: Timestamps (ingested_at, reuse time) are UTC; report periods are Vietnamese calendar days.
TZ = "+07:00"
NO_AGENCY = "(chưa xác định cơ quan)"
MAX_AGENCIES = 2000

#: What report rows can be grouped by -> (indexed field, the search filter of the same
#: name, the row for records without a value).
GROUPS: dict[str, tuple[str, str, str]] = {
    "agency": ("issuing_agency", "issuing_agency", NO_AGENCY),
    "current_province": ("current_province", "current_province", "(chưa xác định tỉnh, thành phố hiện nay)"),
    "current_commune": ("current_commune", "current_commune", "(chưa xác định xã, phường hiện nay)"),
}
#: Distinct reused records of a period counted under a current unit (six-monthly report).
MAX_REUSED_RECORDS = 10_000


def group_of(by: str) -> tuple[str, str, str]:
    if by not in GROUPS:
        raise InvalidQuery(f"Không nhóm được theo cách đã chọn; chọn một trong: {', '.join(GROUPS)}.")
    return GROUPS[by]


def _group_terms(by: str) -> dict[str, Any]:
    field, _, missing = group_of(by)
    return {"field": field, "size": MAX_AGENCIES, "missing": missing}


def _date_ranges(phases: list[Phase]) -> list[dict[str, Any]]:
    """date_range buckets, keyed by label (the upper bound of date_range is exclusive)."""
    ranges = []
    for p in phases:
        r: dict[str, Any] = {"key": p.label}
        if p.start:
            r["from"] = p.start.isoformat()
        if p.end:
            r["to"] = (p.end + dt.timedelta(days=1)).isoformat()
        ranges.append(r)
    return ranges


def _day_range(field: str, start: dt.date | None, end: dt.date | None) -> dict[str, Any]:
    bounds: dict[str, Any] = {"time_zone": TZ}
    if start:
        bounds["gte"] = start.isoformat()
    if end:
        bounds["lte"] = f"{end.isoformat()}||/d"
    return {"range": {field: bounds}}


# -- progress ----------------------------------------------------------------------------


class ProgressRow(BaseModel):
    agency: str  # the row's group: the agency, or the current unit (Progress.by)
    total: int
    valid: int
    by_phase: dict[str, int]


class KindRow(BaseModel):
    result_type: str
    total: int
    by_status: dict[str, int]


class Progress(BaseModel):
    today: dt.date
    by: str = "agency"
    phases: list[Phase]
    total: int
    valid: int
    by_phase: dict[str, int]
    agencies: list[ProgressRow]
    kinds: list[KindRow]


def progress_body(phases: list[Phase], today: dt.date, by: str = "agency") -> dict[str, Any]:
    valid = status_clause(Status.valid, today)
    per_status = {"filters": {"filters": {s.value: status_clause(s, today) for s in Status}}}
    return {
        "size": 0, "track_total_hits": True,
        "aggs": {
            "valid": {"filter": valid},
            "phases": {"date_range": {"field": "issued_date", "ranges": _date_ranges(phases), "keyed": True}},
            "agencies": {"terms": _group_terms(by),
                         "aggs": {"valid": {"filter": valid},
                                  "phases": {"date_range": {"field": "issued_date", "ranges": _date_ranges(phases),
                                                            "keyed": True}}}},
            "kinds": {"terms": {"field": "result_type", "size": 200, "missing": "(chưa rõ loại)"},
                      "aggs": {"status": per_status}},
        },
    }


def parse_progress(resp: dict[str, Any], phases: list[Phase], today: dt.date, by: str = "agency") -> Progress:
    a = resp["aggregations"]

    def phase_counts(agg):
        return {p.label: agg["buckets"].get(p.label, {}).get("doc_count", 0) for p in phases}

    return Progress(
        today=today, by=by, phases=phases, total=resp["hits"]["total"]["value"], valid=a["valid"]["doc_count"],
        by_phase=phase_counts(a["phases"]),
        agencies=[ProgressRow(agency=b["key"], total=b["doc_count"], valid=b["valid"]["doc_count"],
                              by_phase=phase_counts(b["phases"])) for b in a["agencies"]["buckets"]],
        kinds=[KindRow(result_type=b["key"], total=b["doc_count"],
                       by_status={k: v["doc_count"] for k, v in b["status"]["buckets"].items()})
               for b in a["kinds"]["buckets"]],
    )


# -- reuse -------------------------------------------------------------------------------


class Count(BaseModel):
    key: str
    count: int


class TopRecord(BaseModel):
    record_id: str
    count: int
    doc_number: str | None = None
    issuing_agency: str | None = None
    result_type: str | None = None


class Reuse(BaseModel):
    total: int
    by_agency: list[Count]
    by_procedure: list[Count]
    by_month: list[Count]
    top: list[TopRecord]


def _reuse_filters(start: dt.date | None, end: dt.date | None, agency: str | None) -> list[dict[str, Any]]:
    filters = [_day_range("at", start, end)] if (start or end) else []
    if agency:
        filters.append({"term": {"issuing_agency": agency}})
    return filters


def reuse_body(start: dt.date | None = None, end: dt.date | None = None, agency: str | None = None,
               top: int = 10) -> dict[str, Any]:
    filters = _reuse_filters(start, end, agency)
    return {
        "size": 0, "track_total_hits": True, "query": {"bool": {"filter": filters}},
        "aggs": {
            "agencies": {"terms": {"field": "issuing_agency", "size": MAX_AGENCIES, "missing": NO_AGENCY}},
            "procedures": {"terms": {"field": "procedure_name", "size": 200, "missing": "(chưa rõ thủ tục)"}},
            "months": {"date_histogram": {"field": "at", "calendar_interval": "month", "format": "yyyy-MM",
                                          "time_zone": TZ, "min_doc_count": 1}},
            "top": {"terms": {"field": "record_id", "size": top},
                    "aggs": {"doc": {"top_hits": {"size": 1, "_source": ["doc_number", "issuing_agency",
                                                                          "result_type"]}}}},
        },
    }


def parse_reuse(resp: dict[str, Any]) -> Reuse:
    a = resp.get("aggregations") or {}

    def counts(name, key="key"):
        return [Count(key=str(b.get(key, b["key"])), count=b["doc_count"]) for b in a.get(name, {}).get("buckets", [])]

    top = []
    for b in a.get("top", {}).get("buckets", []):
        src = b["doc"]["hits"]["hits"][0]["_source"] if b["doc"]["hits"]["hits"] else {}
        top.append(TopRecord(record_id=b["key"], count=b["doc_count"], **src))
    return Reuse(total=resp["hits"]["total"]["value"], by_agency=counts("agencies"),
                 by_procedure=counts("procedures"), by_month=counts("months", "key_as_string"), top=top)


def reused_records_body(start: dt.date | None, end: dt.date | None, agency: str | None) -> dict[str, Any]:
    """Reuse events of a period per record (the events carry the agency, not the place)."""
    return {"size": 0, "query": {"bool": {"filter": _reuse_filters(start, end, agency)}},
            "aggs": {"records": {"terms": {"field": "record_id", "size": MAX_REUSED_RECORDS}}}}


def reused_per_record(resp: dict[str, Any]) -> dict[str, int]:
    return {b["key"]: b["doc_count"] for b in (resp.get("aggregations") or {}).get("records", {}).get("buckets", [])}


def groups_of_records_body(record_ids: list[str], by: str) -> dict[str, Any]:
    """Which group (a current unit) each of these records is in."""
    return {"size": 0, "query": {"ids": {"values": record_ids}},
            "aggs": {"groups": {"terms": _group_terms(by),
                                "aggs": {"ids": {"terms": {"field": "id", "size": max(1, len(record_ids))}}}}}}


def reused_per_group(resp: dict[str, Any], per_record: dict[str, int]) -> dict[str, int]:
    return {g["key"]: sum(per_record.get(b["key"], 0) for b in g["ids"]["buckets"])
            for g in resp["aggregations"]["groups"]["buckets"]}


# -- the six-monthly report ---------------------------------------------------------------


class ReportRow(BaseModel):
    agency: str
    digitized_in_period: int
    digitized_total: int
    by_phase: dict[str, int]
    valid: int
    reused_in_period: int


class SixMonthReport(BaseModel):
    date_from: dt.date
    date_to: dt.date
    agency: str | None
    by: str = "agency"
    generated_at: dt.datetime
    phases: list[Phase]
    rows: list[ReportRow]
    total: ReportRow


def period(date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from:
        raise InvalidQuery("Ngày kết thúc kỳ báo cáo phải sau ngày bắt đầu.")


def report_body(date_from: dt.date, date_to: dt.date, phases: list[Phase], agency: str | None,
                by: str = "agency") -> dict[str, Any]:
    """Everything digitized up to the end of the period; 'still valid' is judged on the
    last day of the period, as the report speaks for that day. Rows per ``by``."""
    period(date_from, date_to)
    filters = [_day_range("ingested_at", None, date_to)]
    if agency:
        filters.append({"term": {"issuing_agency": agency}})
    per_agency = {
        "in_period": {"filter": _day_range("ingested_at", date_from, date_to)},
        "valid": {"filter": status_clause(Status.valid, date_to)},
        "phases": {"date_range": {"field": "issued_date", "ranges": _date_ranges(phases), "keyed": True}},
    }
    return {"size": 0, "track_total_hits": True, "query": {"bool": {"filter": filters}},
            "aggs": {**per_agency,
                     "agencies": {"terms": _group_terms(by), "aggs": per_agency}}}


def parse_report(resp: dict[str, Any], reuse: Reuse, date_from: dt.date, date_to: dt.date,
                 phases: list[Phase], agency: str | None, by: str = "agency",
                 reused: dict[str, int] | None = None) -> SixMonthReport:
    """``reused``: reuse events per group, when rows are not agencies (reused_per_group)."""
    if reused is None:
        reused = {c.key: c.count for c in reuse.by_agency}

    def row(name: str, agg: dict[str, Any], total: int, reused_count: int) -> ReportRow:
        return ReportRow(agency=name, digitized_in_period=agg["in_period"]["doc_count"], digitized_total=total,
                         by_phase={p.label: agg["phases"]["buckets"].get(p.label, {}).get("doc_count", 0)
                                   for p in phases},
                         valid=agg["valid"]["doc_count"], reused_in_period=reused_count)

    a = resp["aggregations"]
    rows = [row(b["key"], b, b["doc_count"], reused.get(b["key"], 0)) for b in a["agencies"]["buckets"]]
    rows.sort(key=lambda r: r.agency)
    total = row("Tổng cộng", a, resp["hits"]["total"]["value"], reuse.total)
    return SixMonthReport(date_from=date_from, date_to=date_to, agency=agency, by=by,
                          generated_at=dt.datetime.now(dt.timezone.utc), phases=phases, rows=rows, total=total)
