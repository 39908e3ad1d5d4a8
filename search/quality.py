"""The review list: records whose metadata may be wrong (the clerk's corrections that take
them off it are in archive/corrections.py).

A record is listed when the manifest and the text disagreed on a field, when its scan was
read with low OCR confidence, when a field was left empty or kept as read because the
reading was in doubt (``pipeline.doubts``: the reason and the candidates), when a key
field could not be read at all, or when the place it names now lies in one of several
communes (an old commune split by the 2025 reorganisation: ``current_commune_candidates``,
archive/places.py; nothing is chosen for the clerk) — until someone reviews it. A correction changes the record
(archive first, then the index) and keeps what was there before, and the text's own
reading stays in ``pipeline.extracted``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .query import hidden_clause


#: Without these a record cannot be found or cited.
KEY_FIELDS = ("doc_number", "issued_date", "issuing_agency", "result_type")


class BacklogItem(BaseModel):
    id: str
    doc_number: str | None = None
    result_type: str | None = None
    issuing_agency: str | None = None
    source_filename: str | None = None
    reasons: list[str]


class Backlog(BaseModel):
    total: int
    items: list[BacklogItem]


def backlog_body(min_confidence: float, page: int, size: int, hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The review list's page; the results of ``hidden`` subjects (a restriction) left out."""
    return {
        "from": (page - 1) * size, "size": size, "track_total_hits": True,
        "_source": ["id", "doc_number", "result_type", "issuing_agency", "source_filename", "issued_date",
                    "pipeline.disagree", "pipeline.ocr_confidence", "pipeline.doubts", "pipeline.pdfa_failed",
                    "current_units_note", "current_commune_candidates"],
        "query": {"bool": {
            "should": [{"exists": {"field": "pipeline.disagree"}}, {"exists": {"field": "pipeline.doubtful"}},
                       {"exists": {"field": "pipeline.pdfa_failed"}},
                       {"exists": {"field": "current_commune_candidates"}},
                       {"range": {"pipeline.ocr_confidence": {"lt": min_confidence}}},
                       *({"bool": {"must_not": {"exists": {"field": f}}}} for f in KEY_FIELDS)],
            "minimum_should_match": 1,
            "must_not": [{"exists": {"field": "pipeline.reviewed_at"}},
                         *([hidden_clause(hidden)] if hidden else [])],
        }},
        "sort": [{"ingested_at": "desc"}, {"id": "asc"}],
    }


def _reasons(src: dict[str, Any], min_confidence: float) -> list[str]:
    pipeline = src.get("pipeline") or {}
    out = []
    if pipeline.get("disagree"):
        out.append("Danh mục khác văn bản: " + ", ".join(pipeline["disagree"]))
    conf = pipeline.get("ocr_confidence")
    if conf is not None and conf < min_confidence:
        out.append(f"Độ tin cậy OCR thấp ({conf:.0f}/100)")
    for name, doubt in (pipeline.get("doubts") or {}).items():
        candidates = "; ".join(str(c) for c in doubt.get("candidates", []))
        out.append(f"Cần xem lại {name}: {doubt.get('reason', '')}" + (f" (đọc được: {candidates})" if candidates else ""))
    if pipeline.get("pdfa_failed"):
        out.append("Chưa có bản PDF/A (chuyển đổi không thành công); bản gốc và nội dung vẫn được lưu")
    if len(src.get("current_commune_candidates") or []) > 1:
        out.append("Địa bàn nay thuộc một trong nhiều xã, phường (sắp xếp đơn vị hành chính 2025): "
                   + (src.get("current_units_note") or ", ".join(src["current_commune_candidates"])))
    missing = [f for f in KEY_FIELDS if not src.get(f)]
    if missing:
        out.append("Thiếu: " + ", ".join(missing))
    return out


def parse_backlog(resp: dict[str, Any], min_confidence: float) -> Backlog:
    items = [BacklogItem(**{k: h["_source"].get(k) for k in ("doc_number", "result_type", "issuing_agency",
                                                             "source_filename")},
                         id=h["_id"], reasons=_reasons(h["_source"], min_confidence))
             for h in resp["hits"]["hits"]]
    return Backlog(total=resp["hits"]["total"]["value"], items=items)
