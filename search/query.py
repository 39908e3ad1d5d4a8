"""Search requests to OpenSearch query DSL, and responses back to results. Pure functions.

User text only ever reaches OpenSearch as the *value* of match-type queries, never as query
syntax (no ``query_string``), so quotes, backslashes, ``AND(``, ``*`` and the like are just
characters to look for.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from .analysis import normalize, segment
from .errors import InvalidQuery
from .records import Status, effective_status

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_WINDOW = 10_000
MAX_SIZE = 100
#: The API's page limit: with at most MAX_SIZE per page, every page lies inside the window.
MAX_PAGE = MAX_WINDOW // MAX_SIZE
MAX_QUERY_CHARS = 500

#: Facet name (also the filter's query parameter) -> indexed keyword field.
FACET_FIELDS: dict[str, str] = {
    "result_type": "result_type",
    "issuing_agency": "issuing_agency",
    "procedure": "procedure_name.keyword",
    "field": "field",
    "province": "province",
    "district": "district",
    "commune": "commune",
}
#: Facets computed otherwise than by a terms aggregation.
SPECIAL_FACETS = ("status", "year")
FACETS: tuple[str, ...] = tuple(FACET_FIELDS) + SPECIAL_FACETS

HIT_FIELDS = (
    "id", "source_sha256", "doc_number", "issued_date", "issuing_agency", "result_type",
    "procedure_name", "subject_name",
)


def today_in_vietnam() -> dt.date:
    return dt.datetime.now(VIETNAM).date()


class SearchRequest(BaseModel):
    q: str = ""
    page: int = Field(1, ge=1)
    size: int = Field(20, ge=1, le=MAX_SIZE)
    filters: dict[str, list[str]] = Field(default_factory=dict)
    sort: Literal["relevance", "date_desc", "date_asc"] = "relevance"
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    today: dt.date = Field(default_factory=today_in_vietnam)


class Hit(BaseModel):
    id: str
    source_sha256: str | None = None
    doc_number: str | None = None
    issued_date: dt.date | None = None
    issuing_agency: str | None = None
    result_type: str | None = None
    procedure_name: str | None = None
    subject_name: str | None = None
    status: Status
    snippet: str = Field("", description="HTML-escaped text fragment; matches wrapped in <mark>.")


class FacetValue(BaseModel):
    value: str
    count: int


class SearchResult(BaseModel):
    total: int
    page: int
    size: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]


# -- request -> DSL -------------------------------------------------------------------


def status_clause(status: str, today: dt.date) -> dict[str, Any]:
    day = today.isoformat()
    revoked = {"term": {"status": Status.revoked.value}}
    if status == Status.revoked:
        return revoked
    if status == Status.expired:
        return {"bool": {"must": [{"range": {"valid_until": {"lt": day}}}], "must_not": [revoked]}}
    if status == Status.valid:
        return {
            "bool": {
                "must_not": [revoked, {"range": {"valid_until": {"lt": day}}}],
            }
        }
    raise InvalidQuery(f"Trạng thái '{status}' không hợp lệ; chọn valid, expired hoặc revoked.")


def _filter_clause(name: str, values: list[str], today: dt.date) -> dict[str, Any]:
    if name == "status":
        return {"bool": {"should": [status_clause(v, today) for v in values], "minimum_should_match": 1}}
    if name == "year":
        ranges = []
        for v in values:
            if not v.isdigit() or len(v) != 4:
                raise InvalidQuery(f"Năm '{v[:20]}' không hợp lệ; dùng 4 chữ số, ví dụ 2021.")
            ranges.append({"range": {"issued_date": {"gte": f"{v}-01-01", "lte": f"{v}-12-31"}}})
        return {"bool": {"should": ranges, "minimum_should_match": 1}}
    return {"terms": {FACET_FIELDS[name]: [normalize(v) for v in values]}}


#: Text fields with their boosts; each also has a diacritics-folded ``.folded`` sub-field.
_TEXT_FIELDS = {"subject_name": 4, "summary": 2, "procedure_name": 2, "text": 1,
                "subject_address": 1, "signer": 1}
#: Keyword fields whose ``.text`` sub-field is already folded.
_FOLDED_ONLY = ["issuing_agency.text", "result_type.text", "field.text"]
_TOKENS = re.compile(r'(-?)"([^"]*)"|(\S+)')
_ID_SHAPE = re.compile(r"^(\d{9}|\d{10}|\d{12}|\d{13})$")
_DOC_NUMBER_SHAPE = re.compile(r"^\d{1,6}(/\d{4})?/[\w.\-/]+$")


@dataclass
class ParsedQuery:
    """The small query syntax: words; "a phrase"; -word or -"a phrase" to exclude.
    Anything else (operators, brackets, field:value, a lone quote) is just text."""

    words: str = ""
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def identifiers(self) -> list[str]:
        return [t for t in self.words.split() if _ID_SHAPE.match(t) or _DOC_NUMBER_SHAPE.match(t)]


def parse(q: str) -> ParsedQuery:
    parsed = ParsedQuery()
    words = []
    for minus, phrase, word in _TOKENS.findall(q):
        if phrase.strip():
            (parsed.excluded if minus else parsed.phrases).append(phrase.strip())
        elif word.startswith("-") and len(word) > 1 and not word[1].isdigit():
            parsed.excluded.append(word[1:])
        elif word:
            words.append(word)
    parsed.words = " ".join(words)
    return parsed


def _words_query(q: str, identifiers: list[str]) -> dict[str, Any]:
    exact_fields = [f"{f}^{b}" for f, b in _TEXT_FIELDS.items()]
    folded_fields = [f"{f}.folded^{b}" for f, b in _TEXT_FIELDS.items()] + _FOLDED_ONLY
    should: list[dict[str, Any]] = [
        # Identifiers first: the whole query as a document number, CCCD or dossier code,
        # after the fields' normalizers (so "123 gp sxd" = "123/GP-SXD").
        {"match": {"doc_number.norm": {"query": q, "boost": 30}}},
        {"match": {"subject_id": {"query": q, "boost": 30}}},
        {"match": {"dossier_code": {"query": q, "boost": 30}}},
        # Names are phrases: "Nguyễn Văn An" is not "An" and "Nguyễn" anywhere.
        {"match_phrase": {"subject_name": {"query": q, "boost": 8}}},
        {"match_phrase": {"subject_name.folded": {"query": q, "boost": 6}}},
        # All words, exact diacritics above folded; whole phrases above scattered words.
        {"multi_match": {"query": q, "fields": exact_fields, "operator": "and", "boost": 3}},
        {"match": {"text_words": {"query": segment(q), "operator": "and", "boost": 2}}},
        {"multi_match": {"query": q, "fields": folded_fields, "operator": "and"}},
        {"match_phrase": {"text": {"query": q, "slop": 1, "boost": 2}}},
        {"match_phrase": {"text.folded": {"query": q, "slop": 1}}},
        # The kind of result named in the query ("giấy phép xây dựng …") counts on its own.
        {"match": {"result_type.text": {"query": q, "boost": 1.5}}},
        # Most of the words, so one misspelt word does not empty the page.
        {"multi_match": {"query": q, "fields": folded_fields, "minimum_should_match": "3<75%", "boost": 0.2}},
    ]
    for ident in identifiers:
        should += [{"term": {"subject_id": {"value": ident, "boost": 20}}},
                   {"match": {"doc_number.norm": {"query": ident, "boost": 20}}}]
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _phrase(phrase: str, boost: float = 1.0) -> dict[str, Any]:
    return {"bool": {"should": [
        {"match_phrase": {"text": {"query": phrase, "boost": 2 * boost}}},
        {"match_phrase": {"text.folded": {"query": phrase, "boost": boost}}},
        {"match_phrase": {"subject_name.folded": {"query": phrase, "boost": 2 * boost}}},
    ], "minimum_should_match": 1}}


def _text_query(q: str) -> dict[str, Any] | None:
    parsed = parse(q)
    must = [_phrase(p) for p in parsed.phrases]
    if parsed.words:
        must.append(_words_query(parsed.words, parsed.identifiers))
    must_not = [_phrase(x) for x in parsed.excluded]
    if not must and not must_not:
        return None
    return {"bool": {"must": must or [{"match_all": {}}], "must_not": must_not}}


def build_body(req: SearchRequest) -> dict[str, Any]:
    q = normalize(req.q)[:MAX_QUERY_CHARS]
    if req.page * req.size > MAX_WINDOW:
        raise InvalidQuery(
            f"Chỉ xem được {MAX_WINDOW} kết quả đầu tiên; hãy thu hẹp tìm kiếm bằng bộ lọc."
        )
    unknown = set(req.filters) - set(FACETS)
    if unknown:
        raise InvalidQuery(f"Bộ lọc không hỗ trợ: {', '.join(sorted(unknown))[:100]}.")

    filters = {n: _filter_clause(n, v, req.today) for n, v in req.filters.items() if v}
    if req.issued_from or req.issued_to:  # a span of issue dates (report drill-downs), not a facet
        bounds = {k: d.isoformat() for k, d in (("gte", req.issued_from), ("lte", req.issued_to)) if d}
        filters["issued"] = {"range": {"issued_date": bounds}}
    query = (_text_query(q) if q else None) or {"match_all": {}}
    ranked = query != {"match_all": {}}

    def others(name: str) -> dict[str, Any]:
        """Facet counts of a dimension ignore that dimension's own filter."""
        clauses = [c for n, c in filters.items() if n != name]
        return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}

    aggs: dict[str, Any] = {}
    for name, indexed in FACET_FIELDS.items():
        aggs[name] = {"filter": others(name), "aggs": {"v": {"terms": {"field": indexed, "size": 50}}}}
    aggs["status"] = {
        "filter": others("status"),
        "aggs": {"v": {"filters": {"filters": {s.value: status_clause(s, req.today) for s in Status}}}},
    }
    aggs["year"] = {
        "filter": others("year"),
        "aggs": {"v": {"date_histogram": {"field": "issued_date", "calendar_interval": "year",
                                          "format": "yyyy", "min_doc_count": 1, "order": {"_key": "desc"}}}},
    }

    body: dict[str, Any] = {
        "query": query,
        "from": (req.page - 1) * req.size,
        "size": req.size,
        "track_total_hits": True,
        "_source": list(HIT_FIELDS) + ["status", "valid_until"],
        "aggs": aggs,
        "highlight": {
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "fields": {
                "text": {"fragment_size": 180, "number_of_fragments": 1},
                "text.folded": {"fragment_size": 180, "number_of_fragments": 1},
            },
        },
    }
    if filters:
        body["post_filter"] = {"bool": {"filter": list(filters.values())}}
    if req.sort != "relevance" or not ranked:
        order = "asc" if req.sort == "date_asc" else "desc"
        body["sort"] = [{"issued_date": {"order": order, "missing": "_last"}}, {"id": "asc"}]
    return body


# -- response -> result ---------------------------------------------------------------


def _facet_values(name: str, agg: dict[str, Any]) -> list[FacetValue]:
    # model_construct: OpenSearch's buckets are already (str, int); validating ~450 of them
    # per search was a visible share of the app's CPU under load (bench/README.md).
    inner = agg["v"]
    if name == "status":
        return [FacetValue.model_construct(value=k, count=b["doc_count"]) for k, b in inner["buckets"].items()]
    key = "key_as_string" if name == "year" else "key"
    return [FacetValue.model_construct(value=str(b[key]), count=b["doc_count"]) for b in inner["buckets"]]


def parse_response(resp: dict[str, Any], req: SearchRequest) -> SearchResult:
    hits = []
    for h in resp["hits"]["hits"]:
        src = h["_source"]
        hl = h.get("highlight", {})
        # The exact field wins ties; otherwise the fragment that matched more words (a query
        # typed without diacritics matches "dung" exactly but "giấy phép xây dựng" folded).
        candidates = [f[0] for f in (hl.get("text"), hl.get("text.folded")) if f]
        snippet = max(candidates, key=lambda f: f.count("<mark>"), default="")
        valid_until = dt.date.fromisoformat(src["valid_until"]) if src.get("valid_until") else None
        hits.append(
            Hit(
                **{k: src.get(k) for k in HIT_FIELDS},
                status=effective_status(src.get("status"), valid_until, req.today),
                snippet=snippet,
            )
        )
    facets = {name: _facet_values(name, agg) for name, agg in resp.get("aggregations", {}).items()}
    return SearchResult(
        total=resp["hits"]["total"]["value"], page=req.page, size=req.size, hits=hits, facets=facets
    )


def similar_body(record_id: str, index: str, size: int = 5) -> dict[str, Any]:
    """'More like this': records whose text and summary share the most telling words."""
    return {
        "size": size,
        "_source": list(HIT_FIELDS) + ["status", "valid_until"],
        "query": {"bool": {
            "must": [{"more_like_this": {
                "fields": ["text.folded", "summary.folded", "procedure_name.folded"],
                "like": [{"_index": index, "_id": record_id}],
                "min_term_freq": 1, "min_doc_freq": 1, "max_query_terms": 40,
            }}],
            "must_not": [{"ids": {"values": [record_id]}}],
        }},
    }
