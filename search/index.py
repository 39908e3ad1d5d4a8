"""OpenSearch access: the only module that imports opensearchpy.

Search reads and ingest writes through an alias (``TRACUU_INDEX``); the physical index
behind it is ``<alias>-<timestamp>``, created from ``mappings/records.json`` on first use.
That indirection is what lets ``reindex`` fill a new index while the old one serves, then
swap the alias in one atomic call.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

import orjson
from opensearchpy import OpenSearch, helpers
from opensearchpy.serializer import JSONSerializer
from opensearchpy import exceptions as os_exc

from .analysis import segment
from .config import Settings
from .errors import RecordNotFound, SearchUnavailable
from .lookup import AddressReading, LookupHit, LookupResult, lookup_body, own_records_body, subject_records_body
from . import timing
from .template import MAPPINGS_DIR, load_template
from .query import (Hit, SearchRequest, SearchResult, build_bodies, parse_response, request_cache, similar_body,
                    today_in_vietnam)
from archive.identifiers import canonical_or_none, canonical_subject_id
from archive.places import parse_address, place_keys, place_names
from archive.records import SCHEMA_VERSION, Record, Status
from .reports import (Phase, Progress, Reuse, SixMonthReport, groups_of_records_body, parse_progress, parse_report,
                      parse_reuse, progress_body, report_body, reuse_body, reused_per_group, reused_per_record,
                      reused_records_body)
from .quality import Backlog, backlog_body, parse_backlog
from archive.reuse import ReuseEvent

log = logging.getLogger(__name__)


_UNAVAILABLE = (
    "Không kết nối được máy chủ tìm kiếm OpenSearch tại {url} (search server unavailable). "
    "Kiểm tra dịch vụ bằng 'tracuu services status'."
)
_PARTIAL = ("Máy chủ tìm kiếm chỉ trả lời được một phần (một nút của cụm vừa ngừng); vui lòng thử lại sau "
            "ít giây (a shard did not answer).")
#: A search some shard did not answer — a node lost while the request was in flight — is
#: asked again, after 0.2 s and 0.4 s, before the clerk is told to try again: an answer
#: missing a shard, shown as whole, would be a wrong count or a result "not found" that
#: exists (bench/cluster.py, docs/reliability.md).
_PARTIAL_RETRIES = 2


class _OrjsonSerializer(JSONSerializer):
    """orjson instead of the standard json module: a search response with facets and
    highlights is ~25 kB, decoded on every request (bench/api_latency.py)."""

    def loads(self, s: str | bytes) -> Any:
        return orjson.loads(s)

    def dumps(self, data: Any) -> str:
        if isinstance(data, str):
            return data
        try:
            return orjson.dumps(data).decode()
        except TypeError:  # a type orjson does not know: the library's own fallbacks
            return super().dumps(data)


def make_client(settings: Settings) -> OpenSearch:
    """A client over every node named (``TRACUU_OPENSEARCH_URL``): opensearch-py's transport
    spreads requests over them, takes a node that does not answer out of the rotation for a
    while, and retries the request on another — a connection error, a timeout, or a 502/503/504
    from a node that is going away (docs/reliability.md, bench/cluster.py)."""
    auth = {}
    if settings.opensearch_username:
        password = settings.opensearch_password.get_secret_value() if settings.opensearch_password else ""
        auth["http_auth"] = (settings.opensearch_username, password)
    if settings.opensearch_ca_certs:
        auth["ca_certs"] = str(settings.opensearch_ca_certs)
    return OpenSearch(
        hosts=settings.opensearch_hosts,
        **auth,
        serializer=_OrjsonSerializer(),
        timeout=settings.opensearch_timeout,
        max_retries=3,
        retry_on_status=(502, 503, 504),
        retry_on_timeout=True,
        http_compress=settings.opensearch_compress,
        # urllib3 keeps ONE connection by default: with concurrent requests every other one
        # opened a new TCP connection and threw it away (2,400 in TIME-WAIT after 8 s of
        # load, found by profiling; bench/README.md).
        pool_maxsize=settings.opensearch_pool_size,
    )


class ReuseStore(Protocol):
    """Where reuse events are kept (database/reuse_events.py): first event per key."""

    def append(self, event: ReuseEvent) -> ReuseEvent: ...

    def read(self) -> list[ReuseEvent]: ...


class RecordIndex:
    """Records in OpenSearch under one alias. Translates transport failures to
    :class:`SearchUnavailable` so callers deal in the project's errors only."""

    def __init__(self, client: OpenSearch, alias: str, url: str = "",
                 shards: int | None = None, replicas: int | None = None) -> None:
        self.client = client
        self.alias = alias
        self._url = url
        self._shape = {k: v for k, v in (("number_of_shards", shards), ("number_of_replicas", replicas))
                       if v is not None}

    @classmethod
    def from_settings(cls, settings: Settings) -> RecordIndex:
        return cls(make_client(settings), settings.index, settings.opensearch_url,
                   settings.index_shards, settings.index_replicas)

    # -- lifecycle -----------------------------------------------------------------

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (os_exc.ConnectionError, os_exc.ConnectionTimeout) as e:
            raise SearchUnavailable(_UNAVAILABLE.format(url=self._url or "?")) from e
        except os_exc.TransportError as e:
            if isinstance(e.status_code, int) and e.status_code >= 500 and not _refused_request(e):
                raise SearchUnavailable(_UNAVAILABLE.format(url=self._url or "?")) from e
            raise

    def ping(self) -> bool:
        try:
            return bool(self.client.cluster.health(request_timeout=3).get("status") in ("green", "yellow"))
        except Exception:  # noqa: BLE001 — readiness is a yes/no question
            return False

    def put_template(self) -> None:
        body = copy.deepcopy(load_template())
        body["index_patterns"] = [f"{self.alias}-*"]
        body["template"]["settings"]["index"].update(self._shape)
        self._call(self.client.indices.put_index_template, name=self.alias, body=body)

    def new_physical_name(self) -> str:
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S%f")
        return f"{self.alias}-v{SCHEMA_VERSION}-{stamp}"

    def ensure(self) -> None:
        """Create the template and a first index behind the alias, unless it exists; for an
        existing index, add the fields the template gained since (mappings only grow)."""
        if self._call(self.client.indices.exists_alias, name=self.alias):
            self.put_template()
            mapping = load_template()["template"]["mappings"]
            self._call(self.client.indices.put_mapping, index=self.alias, body={"properties": mapping["properties"]})
            return
        self.put_template()
        physical = self.new_physical_name()
        self._call(
            self.client.indices.create,
            index=physical,
            body={"aliases": {self.alias: {"is_write_index": True}}},
        )
        log.info("created index %s behind alias %s", physical, self.alias)

    def physical_indices(self) -> list[str]:
        try:
            return sorted(self._call(self.client.indices.get_alias, name=self.alias))
        except os_exc.NotFoundError:
            return []

    def create_physical(self) -> str:
        """A new, empty index from the current template, not yet behind the alias."""
        self.put_template()
        name = self.new_physical_name()
        self._call(self.client.indices.create, index=name)
        return name

    def swap_to(self, physical: str) -> list[str]:
        """Point the alias at ``physical`` in one atomic call (no moment without an index
        behind it), then delete the indices it pointed at before. Returns those names."""
        old = self.physical_indices()
        actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        actions.append({"add": {"index": physical, "alias": self.alias, "is_write_index": True}})
        self._call(self.client.indices.update_aliases, body={"actions": actions})
        for name in old:
            self._call(self.client.indices.delete, index=name, ignore_unavailable=True)
        return old

    def drop(self) -> None:
        """Delete every physical index behind the alias, its reuse events and its template
        (tests, reset)."""
        for name in [*self.physical_indices(), self.reuse_index]:
            self._call(self.client.indices.delete, index=name, ignore_unavailable=True)
        try:
            self._call(self.client.indices.delete_index_template, name=self.alias)
        except os_exc.NotFoundError:
            pass

    def refresh(self) -> None:
        self._call(self.client.indices.refresh, index=self.alias)

    # -- documents -----------------------------------------------------------------

    def exists(self, record_id: str) -> bool:
        return bool(self._call(self.client.exists, index=self.alias, id=record_id))

    def get(self, record_id: str) -> Record:
        try:
            hit = self._call(self.client.get, index=self.alias, id=record_id)
        except os_exc.NotFoundError as e:
            raise RecordNotFound(record_id) from e
        return record_from_source(hit["_source"])

    def bulk(self, docs: Iterable[dict[str, Any]], refresh: bool = False,
             target: str | None = None) -> Iterator[tuple[str, str | None]]:
        """Index documents (into the alias, or a physical ``target`` being rebuilt); yields
        ``(id, error or None)`` per document as OpenSearch answers, so one bad document
        never hides the fate of the others. 429s are retried with backoff by the helper."""
        actions = ({"_index": target or self.alias, "_id": d["id"], "_source": d} for d in docs)
        try:
            for ok, item in helpers.streaming_bulk(
                self.client, actions, chunk_size=200, max_retries=3, raise_on_error=False,
                raise_on_exception=False, refresh=refresh,
            ):
                info = item.get("index", {})
                yield info.get("_id", "?"), None if ok else _bulk_reason(info)
        except (os_exc.ConnectionError, os_exc.ConnectionTimeout) as e:
            raise SearchUnavailable(_UNAVAILABLE.format(url=self._url or "?")) from e

    def put(self, record: Record) -> None:
        """Index one record now (a correction), visible to the next search."""
        self._call(self.client.index, index=self.alias, id=record.id,
                   body=to_document(record, segment(record.text)), refresh="wait_for")

    def get_many(self, record_ids: list[str]) -> list[Record]:
        """The records that exist among ``record_ids``, in that order (unknown ids are left out)."""
        if not record_ids:
            return []
        resp = self._call(self.client.mget, index=self.alias, body={"ids": record_ids})
        return [record_from_source(d["_source"]) for d in resp["docs"] if d.get("found")]

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        """One search. Before the first ingest there is no index behind the alias: it is
        made then (empty, as the first ingest would make it), so a fresh installation
        answers "nothing found" with every aggregation in place, not an error."""
        try:
            def ask() -> list[dict[str, Any]]:
                return [self._call(self.client.search, index=self.alias, body=body)]

            return self._whole(ask(), ask)[0]
        except os_exc.NotFoundError as e:
            if e.error != "index_not_found_exception":
                raise
        self._ensure_for_search()
        return self._after_first_index(lambda: self._call(self.client.search, index=self.alias, body=body))

    def _whole(self, answers: list[dict[str, Any]], again: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
        """``answers``, or those of asking ``again`` while a shard failed in any
        (``_PARTIAL_RETRIES`` times); SearchUnavailable if one still did."""
        for attempt in range(_PARTIAL_RETRIES + 1):
            if not any(a.get("_shards", {}).get("failed") for a in answers):
                return answers
            if attempt < _PARTIAL_RETRIES:
                time.sleep(0.2 * (attempt + 1))
                answers = again()
        raise SearchUnavailable(_PARTIAL)

    def _ensure_for_search(self) -> None:
        """The empty first index, for a search that found none; two first searches at once
        both try, and the one whose index OpenSearch refuses (the alias has its write index
        already) searches the other's."""
        try:
            self.ensure()
        except (os_exc.TransportError, SearchUnavailable) as e:
            if not self._call(self.client.indices.exists_alias, name=self.alias):
                raise
            log.info("first index made meanwhile by another request (%s)", type(e).__name__)

    @staticmethod
    def _after_first_index(attempt):
        """A search just after the first index was made: for a moment its shard is not
        searchable yet (503 'all shards failed'); tried again for up to ~3 s."""
        for wait in (0.05, 0.1, 0.2, 0.4, 0.8, 1.5):
            try:
                return attempt()
            except SearchUnavailable:
                time.sleep(wait)
        return attempt()

    def msearch(self, bodies: tuple[dict[str, Any], ...], cache: tuple[bool, ...] | None = None) -> list[dict[str, Any]]:
        """Several searches in one round trip, each answered or raised as ``search`` would;
        ``cache``: per search, whether OpenSearch's shard request cache may keep it."""
        lines: list[dict[str, Any]] = []
        for n, body in enumerate(bodies):
            lines += [{"request_cache": bool(cache and cache[n])}, body]
        answers = self._call(self.client.msearch, index=self.alias, body=lines)["responses"]
        if any(_error_type(a) == "index_not_found_exception" for a in answers):
            self._ensure_for_search()  # a fresh installation: its empty index made, as ``search`` does
            return self._after_first_index(lambda: self._msearch_answers(lines))
        return self._whole(self._checked(answers), lambda: self._msearch_answers(lines))

    def _msearch_answers(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return self._checked(self._call(self.client.msearch, index=self.alias, body=lines)["responses"])

    def _checked(self, answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The answers of an ``_msearch``, each raised on as ``search`` would raise."""
        for answer in answers:
            if "error" in answer:
                error = os_exc.TransportError(answer.get("status", 500), "search failed", answer)
                if answer.get("status", 500) >= 500 and not _refused_request(error):
                    raise SearchUnavailable(_UNAVAILABLE.format(url=self._url or "?"))
                raise error
        return answers

    # -- reuse events ----------------------------------------------------------------

    @property
    def reuse_index(self) -> str:
        """Not ``<alias>-…``: that pattern belongs to the record template."""
        return f"{self.alias}_reuse"

    def ensure_reuse_index(self) -> None:
        """Create the reuse-event index from mappings/reuse.json, unless it exists."""
        if self._call(self.client.indices.exists, index=self.reuse_index):
            return
        body = {k: v for k, v in json.loads((MAPPINGS_DIR / "reuse.json").read_text()).items()
                if not k.startswith("_")}
        try:
            self._call(self.client.indices.create, index=self.reuse_index, body=body)
        except os_exc.RequestError as e:  # created meanwhile by another request
            if e.error != "resource_already_exists_exception":
                raise

    def add_reuse(self, event: ReuseEvent, refresh: bool = False) -> None:
        self.ensure_reuse_index()
        self._call(self.client.index, index=self.reuse_index, id=event.key, body=event.model_dump(mode="json"),
                   refresh=refresh)

    def rebuild_reuse(self, kept: ReuseStore) -> int:
        """The reuse index made again from the kept events (the record of truth): after a
        lost index, or events recorded while OpenSearch was down. Returns the events indexed."""
        events = kept.read()  # first: events that cannot be read leave the counts as they are
        self._call(self.client.indices.delete, index=self.reuse_index, ignore_unavailable=True)
        self.ensure_reuse_index()
        if events:
            actions = ({"_index": self.reuse_index, "_id": e.key, "_source": e.model_dump(mode="json")} for e in events)
            self._call(helpers.bulk, self.client, actions, refresh=True)
        return len({e.key for e in events})

    def search_reuse(self, body: dict[str, Any]) -> dict[str, Any]:
        if not self._call(self.client.indices.exists, index=self.reuse_index):
            return {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": {}}
        return self._call(self.client.search, index=self.reuse_index, body=body)


#: Root causes with which OpenSearch refuses a request for what it asks (a query with too
#: many clauses answers 500 "all shards failed"): a defect of ours, not an unavailable server.
_REQUEST_FAULTS = frozenset({
    "too_many_clauses", "too_many_nested_clauses", "query_shard_exception", "parsing_exception",
    "x_content_parse_exception", "illegal_argument_exception", "search_parse_exception",
})


def _error_type(answer: dict[str, Any]) -> str | None:
    error = answer.get("error")
    return error.get("type") if isinstance(error, dict) else None


def _refused_request(e: os_exc.TransportError) -> bool:
    """Whether every root cause of the error is a refusal of the request itself."""
    error = e.info.get("error") if isinstance(e.info, dict) else None
    causes = error.get("root_cause") if isinstance(error, dict) else None
    return bool(causes) and all(isinstance(c, dict) and c.get("type") in _REQUEST_FAULTS for c in causes)


def _bulk_reason(info: dict[str, Any]) -> str:
    err = info.get("error")
    if isinstance(err, dict):
        return f"{err.get('type', 'error')}: {err.get('reason', '')}"[:300]
    return str(err or info.get("status", "error"))[:300]


def record_from_source(source: dict[str, Any]) -> Record:
    fields = {k: v for k, v in source.items() if k in Record.model_fields}
    return Record.model_validate(fields)


def to_document(record: Record, text_words: str) -> dict[str, Any]:
    """The indexed form of a record: the record's fields plus derived, index-only fields.
    The subject id in its one form (archive/identifiers.py), as lookups ask for it: records
    archived before it had one ('001 085 012 345') are found after a reindex; a value of no
    known shape is indexed as it is. The current units of its place (archive/places.py),
    which the bag does not hold, and the keys that filters and address lookups match
    (``place_keys``) and the names a query may say (``place_names``): filled here, so
    ingest and ``tracuu reindex`` both fill them, for records archived before they existed."""
    doc = record.model_dump(mode="json", exclude_none=True)
    doc.update(record.current_units.model_dump(exclude_none=True, exclude_defaults=True))
    if sid := canonical_or_none(canonical_subject_id, record.subject_id):
        doc["subject_id"] = sid
    doc["schema_version"] = SCHEMA_VERSION
    doc["text_words"] = text_words
    places = record.places()
    if keys := place_keys(places):
        doc["place_keys"] = keys
    if names := place_names(places):
        doc["place_names"] = names
    return doc


def find(index: RecordIndex, req: SearchRequest) -> SearchResult:
    """Run a search request: the one entry point shared by the API and the HTML pages. The
    hits and the facets are searches of one ``_msearch``, run side by side (build_bodies)."""
    started = time.perf_counter()
    bodies = build_bodies(req)
    sent = time.perf_counter()
    hits, *facets = index.msearch(bodies, cache=request_cache(bodies))
    answered = time.perf_counter() - sent
    result = parse_response(hits, req, facets)
    timing.record(time.perf_counter() - started, answered)
    return result


def similar(index: RecordIndex, record_id: str, size: int = 5, hidden: frozenset[str] = frozenset()) -> list[Hit]:
    """Records most like this one ("more like this"); the record itself is left out, and
    the results of the ``hidden`` subjects (a restriction)."""
    index.get(record_id)  # RecordNotFound for an unknown id, not an empty list
    physical = index.physical_indices()
    req = SearchRequest(size=size)
    resp = index.search(similar_body(record_id, physical[-1] if physical else index.alias, size, hidden))
    return parse_response(resp, req).hits


def lookup(index: RecordIndex, subject_id: str, procedure_code: str | None = None,
           status: Status | None = Status.valid, size: int = 20, today: dt.date | None = None,
           address: str | None = None) -> LookupResult:
    """Does this subject hold a result (of this procedure, with this status, at this address
    named the old way or the new)? For other systems. ``subject_id`` as typed
    ('001.085.012.345'); InvalidQuery if it is no subject id. An address in which no province
    is recognised matches nothing, and the answer says so (``address.understood``)."""
    today = today or today_in_vietnam()
    place = parse_address(address[:300]) if address and address.strip() else None
    resp = index.search(lookup_body(subject_id, procedure_code, status, size, today, place))
    records = [LookupHit.of(record_from_source(h["_source"]), today) for h in resp["hits"]["hits"]]
    total = resp["hits"]["total"]["value"]
    return LookupResult(found=total > 0, total=total, records=records,
                        address=AddressReading.of(place) if place is not None else None)


def own_records(index: RecordIndex, subject_id: str, dossier_code: str) -> list[Record] | None:
    """A citizen's results of the dossier on their receipt, or None when the CCCD and the
    dossier code do not belong together (the caller must not tell which of the two was
    wrong). Both as typed; InvalidQuery if ``subject_id`` is no subject id."""
    hits = index.search(own_records_body(subject_id, dossier_code))["hits"]["hits"]
    return [record_from_source(h["_source"]) for h in hits] or None


def subject_records(index: RecordIndex, subject_id: str) -> list[Record]:
    """Every result of a subject whose identity was proved by a provider (a strong login);
    InvalidQuery if ``subject_id`` is no subject id."""
    return [record_from_source(h["_source"]) for h in index.search(subject_records_body(subject_id))["hits"]["hits"]]


def record_reuse(index: RecordIndex, store: ReuseStore, event: ReuseEvent) -> ReuseEvent:
    """Kept first (the record of truth, database/reuse_events.py), then the index that
    counts, under the event's key: a (record, dossier) recorded again is the first event,
    indexed again in place."""
    kept = store.append(event)
    index.add_reuse(kept)
    return kept


def progress(index: RecordIndex, phases: list[Phase], today: dt.date | None = None, by: str = "agency") -> Progress:
    """Rows per issuing agency, or per current province or commune (``by``)."""
    today = today or today_in_vietnam()
    return parse_progress(index.search(progress_body(phases, today, by)), phases, today, by)


def agencies(index: RecordIndex) -> list[str]:
    """Every issuing agency in the index (for choosing one in a report)."""
    resp = index.search({"size": 0, "aggs": {"a": {"terms": {"field": "issuing_agency", "size": 2000}}}})
    return sorted(b["key"] for b in resp["aggregations"]["a"]["buckets"])


def reuse_stats(index: RecordIndex, start: dt.date | None = None, end: dt.date | None = None,
                agency: str | None = None) -> Reuse:
    return parse_reuse(index.search_reuse(reuse_body(start, end, agency)))


def six_month_report(index: RecordIndex, date_from: dt.date, date_to: dt.date, phases: list[Phase],
                     agency: str | None = None, by: str = "agency") -> SixMonthReport:
    """Two aggregation queries: records (digitized, by phase, valid) and reuse events; rows
    per agency, or per current unit (``by``). Reuse events name the agency, not the place:
    per current unit they are counted through the records they reused (two more queries)."""
    resp = index.search(report_body(date_from, date_to, phases, agency, by))
    reuse = reuse_stats(index, date_from, date_to, agency)
    reused = None
    if by != "agency":
        per_record = reused_per_record(index.search_reuse(reused_records_body(date_from, date_to, agency)))
        reused = reused_per_group(index.search(groups_of_records_body(sorted(per_record), by)), per_record) \
            if per_record else {}
    return parse_report(resp, reuse, date_from, date_to, phases, agency, by, reused)


def quality_backlog(index: RecordIndex, min_confidence: float, page: int = 1, size: int = 50,
                    hidden: frozenset[str] = frozenset()) -> Backlog:
    return parse_backlog(index.search(backlog_body(min_confidence, page, size, hidden)), min_confidence)
