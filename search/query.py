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

from .analysis import fold, normalize
from .errors import InvalidQuery
from .template import abbreviations
from archive.identifiers import subject_ids_in
from archive.places import filter_keys
from archive.records import Status

from .validity import SOURCE_FIELDS, status_clause, status_of_source

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
    "current_province": "current_province",
    "current_commune": "current_commune",
}
#: Place facets filter by name, printed or current alike (archive/places.py keys): a
#: province filter 'Bắc Ninh' finds the results printed 'tỉnh Bắc Giang' too, as that place
#: lies in Bắc Ninh now; a commune filter typed with its unit word ('xã Tân Mộc') matches
#: that unit only, a bare name ('Tân Mộc') any unit of that name. The current_* filters
#: match the current units only.
PLACE_FILTERS: dict[str, tuple[str, ...]] = {
    "province": ("province", "current_province"),
    "district": ("district",),
    "commune": ("commune", "current_commune"),
    "current_province": ("current_province",),
    "current_commune": ("current_commune",),
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
    #: Subjects whose results this asker may not see (database/restrictions.py): left out of
    #: the hits, the total and the facets alike. Set by the server, never by the asker.
    hidden_subjects: frozenset[str] = Field(default_factory=frozenset, exclude=True)


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
    approximate: bool = Field(False, description="Estimated from a sample of the matching records "
                                                 "(broad searches): shown as 'khoảng'.")


class SearchResult(BaseModel):
    total: int
    total_exact: bool = Field(True, description="False when more records match than are counted "
                                                "(TOTAL_CAP): 'total' is then a lower bound.")
    page: int
    size: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]


# -- request -> DSL -------------------------------------------------------------------


def _filter_clause(name: str, values: list[str], today: dt.date) -> dict[str, Any]:
    if name == "status":
        return {"bool": {"should": [status_clause(v, today) for v in values], "minimum_should_match": 1}}
    if name == "year":
        ranges = []
        for v in values:
            if not v.isdigit() or len(v) != 4:
                raise InvalidQuery("Năm lọc không hợp lệ; dùng 4 chữ số, ví dụ 2021.")
            ranges.append({"range": {"issued_date": {"gte": f"{v}-01-01", "lte": f"{v}-12-31"}}})
        return {"bool": {"should": ranges, "minimum_should_match": 1}}
    if name in PLACE_FILTERS:
        return place_clause(name, values)
    return {"terms": {FACET_FIELDS[name]: [normalize(v) for v in values]}}


def place_clause(name: str, values: list[str]) -> dict[str, Any]:
    """A place filter: any of the values, by its keys at the levels the filter covers, or
    as the exact indexed value (documents indexed before place_keys existed)."""
    keys = list(dict.fromkeys(k for v in values for level in PLACE_FILTERS[name] for k in filter_keys(level, v)))
    return {"bool": {"should": [{"terms": {"place_keys": keys}},
                                {"terms": {FACET_FIELDS[name]: [normalize(v) for v in values]}}],
                     "minimum_should_match": 1}}


# -- the words of a query --------------------------------------------------------------
#
# Principles (docs/search-quality.md):
# 1. The core is plain BM25, an OR of the query's words over the full text, folded, and
#    with exact diacritics too when the query has any; everything else can only add to it.
#    Nothing is required of a record but one of the words: natural questions ("… là gì?",
#    "… đúng hay sai?") carry words no answer contains.
# 2. Proximity adds: adjacent words that stand side by side in the text (in Vietnamese a
#    pair of syllables is most often one word: "bảo hiểm", "xã hội"), and a short query as a
#    whole phrase.
# 3. Metadata adds only on a whole-value match (a run of the query's words that *is* the
#    record's number, CCCD, dossier code, name, kind, agency, field or procedure) or on a
#    phrase: the query in a name, summary or procedure, a run of three syllables of a short
#    query in the kind of result (a constant, smaller than the text's own evidence). One
#    common word of the query can never lift a record through a metadata field, however
#    wrong that field is.
# 4. The work is bounded whatever is typed: words are counted here the way the standard
#    tokenizer cuts them (or finer), duplicates dropped, and each kind of clause takes at
#    most a fixed number of them; phrases never go through the abbreviation synonyms (a
#    phrase with slop over a synonym graph becomes one clause per path: 2^n). The largest
#    query this module can build stays far below OpenSearch's 1,024-clause limit
#    (tests/search/test_clause_limit.py measures it on the real server).

#: Distinct words in the BM25 core (each field: at most one clause per word, plus one per
#: abbreviation it expands to).
CORE_WORDS = 128
#: Adjacent pairs of words looked up as phrases, and their weight against single words: a
#: pair of syllables side by side is most often a Vietnamese word, and the word, not its
#: syllables, is what the query means ("bảo hiểm" is not "bảo" and "hiểm" anywhere).
PAIRS = 64
PAIR_BOOST = 3.0
#: The whole query as a phrase, and as a phrase in names and summaries, up to this many words.
PHRASE_WORDS = 12
#: A run of the query found as a phrase in the kind of result (short queries only).
KIND_PHRASE_BOOST = 2.0
#: Words whose runs are compared with whole field values, and the longest run.
SPAN_WORDS = 32
MAX_SPAN = 10
#: Records per shard, best first by the core, whose score the phrases add to (``rescore``):
#: far more than anyone pages through, and the phrases cost nothing for the rest.
RESCORE_WINDOW = 100
#: Quoted phrases and exclusions kept (each at most PHRASE_WORDS words).
MAX_QUOTED = 3
#: A "word" longer than this is cut (the tokenizer would cut it at 255).
MAX_WORD_CHARS = 40

#: Runs of letters and digits, and digit groups (1.000.000, 2,5) that the standard tokenizer
#: keeps whole. Never coarser than the tokenizer, so the count of these bounds its tokens.
_WORD = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+")
#: Latin script (Vietnamese included): one run is one token for the standard tokenizer.
_LATIN = re.compile(r"[0-9A-Za-z\u00c0-\u024f\u1e00-\u1eff.,]+")

#: Analyzers for phrases: the index analyzers, without the abbreviation synonyms.
_EXACT, _FOLDED = "vi_syllable", "vi_syllable_folded"
#: Keyword fields holding one whole value, normalised (case, diacritics, punctuation).
_IDENTIFIER_FIELDS = {"doc_number.norm": 30, "subject_id": 30, "dossier_code": 30}
_VALUE_FIELDS = {"subject_name.keyword": 6, "procedure_name.norm": 2, "result_type.norm": 1.5,
                 "issuing_agency.norm": 1.5, "field.norm": 1}
#: A run of the query that is the whole name of a place of the record, printed or current
#: ('Bắc Ninh' for a result printed 'huyện Lục Ngạn, tỉnh Bắc Giang'): with diacritics as
#: typed, and folded (archive/places.py, place_names). A query that is nothing but a place
#: name asks for that place: it weighs more than its words in the text ('Ninh' of 'Ninh
#: Kiều' must not outrank a result of Bắc Giang for 'Bắc Ninh'); within a longer query a
#: place adds little, as the text names the place the way it was printed (docs/places.md).
PLACE_BOOST, PLACE_FOLDED_BOOST = 1.5, 1.0
PLACE_QUERY_BOOST, PLACE_QUERY_FOLDED_BOOST = 8.0, 5.0
#: Fields whose values few records share (a subject's name): these select records and score
#: in the query itself; the other value fields add to the best records only (_words_query).
_RARE_VALUE_FIELDS = {"subject_name", "subject_name.keyword"}
#: The score a record found only through a shared value field gets in the query (a recall
#: net): below any match of the text's words, so the search skips it unless nothing better.
RECALL_NET_BOOST = 0.01
#: A name's words in the query's order: added to the best records (the words select them).
NAME_ORDER_BOOST = 1.0
#: Text fields where the query counts as a phrase (two words or more).
_PHRASE_FIELDS = {"subject_name": 6, "summary": 2, "procedure_name": 2}
_DOC_NUMBER_SHAPE = re.compile(r"^\d{1,6}(/\d{4})?/[\w.\-/]+$")
_TOKENS = re.compile(r'(-?)"([^"]*)"|(\S+)')


def words(text: str) -> list[str]:
    """The words of ``text`` in order, as the standard tokenizer cuts them or finer."""
    out: list[str] = []
    for w in _WORD.findall(text):
        if _LATIN.fullmatch(w):
            out.append(w[:MAX_WORD_CHARS])
        else:  # other scripts: the tokenizer may make a token of every character
            out.extend(c for c in w if c.isalnum())
    return out


def _distinct(items: list[str], limit: int) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        if len(seen) >= limit:
            break
        seen.setdefault(item.lower(), item)
    return list(seen.values())


@dataclass
class ParsedQuery:
    """The small query syntax: words; "a phrase"; -word or -"a phrase" to exclude.
    Anything else (operators, brackets, field:value, a lone quote) is just text."""

    words: str = ""
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def identifiers(self) -> list[str]:
        """Document numbers as typed, and subject ids in their one form however they were
        typed ('001 085 012 345', '0101234567-001'): the form they are stored in."""
        return ([t for t in self.words.split() if _DOC_NUMBER_SHAPE.match(t)]
                + subject_ids_in(self.words, limit=SPAN_WORDS))


def parse(q: str) -> ParsedQuery:
    parsed = ParsedQuery()
    found = []
    for minus, phrase, word in _TOKENS.findall(q):
        if phrase.strip():
            (parsed.excluded if minus else parsed.phrases).append(phrase.strip())
        elif word.startswith("-") and len(word) > 1 and not word[1].isdigit():
            parsed.excluded.append(word[1:])
        elif word:
            found.append(word)
    parsed.words = " ".join(found)
    return parsed


def _spans(seq: list[str], shortest: int, longest: int = MAX_SPAN) -> list[str]:
    """Every run of ``shortest`` to ``longest`` consecutive words, as one string."""
    return list(dict.fromkeys(" ".join(seq[i:i + n]) for n in range(shortest, longest + 1)
                              for i in range(len(seq) - n + 1)))


def typed_with_diacritics(seq: list[str]) -> bool:
    """Whether the query was typed with Vietnamese diacritics (any word has one)."""
    return any(fold(w) != w for w in seq)


def _text_phrase(text: str, boost: float, exact: bool, slop: int = 0) -> list[dict[str, Any]]:
    """``text`` as a phrase in the full text: folded, and with diacritics when typed so."""
    clauses = [{"match_phrase": {"text.folded": {"query": text, "analyzer": _FOLDED, "slop": slop,
                                                 "boost": boost / 2 if exact else boost}}}]
    if exact:
        clauses.append({"match_phrase": {"text": {"query": text, "analyzer": _EXACT, "slop": slop,
                                                  "boost": boost}}})
    return clauses


def core_query(seq: list[str]) -> dict[str, Any]:
    """Plain BM25: any of the (distinct) words in the folded text, and in the text with
    diacritics when the query has them. A query typed without diacritics does not look in
    the exact text: there its words ('toan', 'dinh') are rare misspellings, and their rarity
    would rank them first.

    Abbreviations (mappings/records.json) are looked up beside the words, not through the
    fields' synonym graph: a run of the query an abbreviation stands for ('an toàn thực
    phẩm') also asks for the abbreviation ('attp', one term), and an abbreviation typed
    ('gpxd') for all the words it stands for (their order adds in the rescore:
    _words_query). The graph made the core ask for the run *whole or abbreviated*, so a
    record holding part of it ('thực phẩm') was found only by phrase clauses over every
    record; and a phrase of common words ('ủy ban nhân dân' for every 'UBND' of a document
    number) read positions in most records — most of a query's cost (issue #21)."""
    core = " ".join(_distinct(seq, CORE_WORDS))
    should: list[dict[str, Any]] = [{"match": {"text.folded": {"query": core, "analyzer": _FOLDED}}}]
    if typed_with_diacritics(seq):
        should.append({"match": {"text": {"query": core, "analyzer": _EXACT}}})
    shorts, longs = _abbreviated(seq)
    should += [{"term": {"text.folded": short}} for short in shorts]
    should += [{"match": {"text.folded": {"query": run, "analyzer": _FOLDED, "operator": "and"}}} for run in longs]
    return {"bool": {"should": should}}


def _abbreviated(seq: list[str]) -> tuple[list[str], list[str]]:
    """The other spelling of each abbreviation the query holds, either way round: (the
    abbreviations of the runs it spells out, the runs of the abbreviations it types)."""
    folded = [fold(w).lower() for w in seq]
    known = abbreviations()
    shorts, longs = [], []
    for short, runs in sorted(known.items()):
        if short in folded:  # typed short: the words in full
            longs += [" ".join(run) for run in runs]
        elif any(tuple(folded[i:i + len(run)]) == run for run in runs for i in range(len(folded) - len(run) + 1)):
            shorts.append(short)
    return shorts, longs


def _words_query(q: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(what selects and first scores the records; the clauses that then add to the score of
    the best of them, a ``rescore`` of the first RESCORE_WINDOW records per shard).

    Selecting: the BM25 core, and the whole values that are rare by nature — identifiers,
    a subject's name, the query as a place. Added to the best only: phrases in the text and
    the values many records share (a kind, a procedure, an agency, a place within the query,
    a summary). Each of those reads or scores every record that has it — a topical query's
    words and kind are in a tenth of a million records, all of them competing for the top —
    so in the query they were most of its cost (docs/performance.md, issue #21). Within the
    window the scores add up as before (query and rescore weigh 1 each), and a corpus smaller
    than the window ranks exactly as if they were in the query.

    A record may hold a kind or a procedure its text does not (a scan OCR could not read, a
    value from the manifest), and the whole-value terms find it: those stay in the query too,
    as a recall net of constant score RECALL_NET_BOOST, below any match of the text's words,
    so the search still skips what cannot reach the top. The phrases in those fields do not:
    their words are the core's, and a record whose text has none of a query's words has
    nothing to show for it in a snippet either."""
    seq = words(q)
    exact = typed_with_diacritics(seq)
    should: list[dict[str, Any]] = [core_query(seq)]
    shared: list[dict[str, Any]] = []
    shared_phrases: list[dict[str, Any]] = []
    proximity: list[dict[str, Any]] = []
    # Proximity: adjacent words side by side in the text; a short query as a whole; the
    # words an abbreviation typed stands for, in their order.
    for pair in _distinct([f"{a} {b}" for a, b in zip(seq, seq[1:])], PAIRS):
        proximity.extend(_text_phrase(pair, PAIR_BOOST, exact))
    proximity += [{"match_phrase": {"text.folded": {"query": run, "analyzer": _FOLDED}}} for run in _abbreviated(seq)[1]]
    short = " ".join(seq) if 2 <= len(seq) <= PHRASE_WORDS else None
    if short:
        proximity.extend(_text_phrase(short, 2.0, exact, slop=2))
    # Identifiers and whole field values: a run of the query's words equal to the value
    # (after the field's normalizer: "123 gp sxd" = "123/GP-SXD", "tran thi hoa" = "Trần Thị Hoa").
    head = seq[:SPAN_WORDS]
    runs, long_runs = _spans(head, 1), _spans(head, 2)
    for name, boost in _IDENTIFIER_FIELDS.items():
        should.append({"terms": {name: runs, "boost": boost}})
    for name, boost in _VALUE_FIELDS.items():
        if long_runs:
            (should if name in _RARE_VALUE_FIELDS else shared).append({"terms": {name: long_runs, "boost": boost}})
    if long_runs:
        shared.append({"terms": {"place_names.folded": long_runs, "boost": PLACE_FOLDED_BOOST}})
        if exact:
            shared.append({"terms": {"place_names": [r.lower() for r in long_runs], "boost": PLACE_BOOST}})
        if 2 <= len(seq) <= MAX_SPAN:  # the whole query a place name
            whole = " ".join(seq)
            should.append({"term": {"place_names.folded": {"value": whole, "boost": PLACE_QUERY_FOLDED_BOOST}}})
            if exact:
                should.append({"term": {"place_names": {"value": whole.lower(), "boost": PLACE_QUERY_BOOST}}})
    # Identifier-shaped words anywhere in the query ("… theo Thông tư 12/2021/TT-BLĐTBXH").
    idents = _distinct(ParsedQuery(words=q).identifiers, SPAN_WORDS)
    if idents:
        should += [{"terms": {"doc_number.norm": idents, "boost": 20}},
                   {"terms": {"subject_id": idents, "boost": 20}}]
    # The kind of result named in a short query ("chứng nhận kết hôn Lục Ngạn" for a "Giấy
    # chứng nhận kết hôn"): a run of three syllables or more found as a phrase in the kind
    # adds a constant, less than one rare pair of words in the text, so that a wrong kind
    # (a heading read as the kind) cannot outrank a text that answers.
    if short:
        shared_phrases += [{"constant_score": {"filter": {"match_phrase": {"result_type.text": {
            "query": run, "analyzer": _FOLDED}}}, "boost": KIND_PHRASE_BOOST}} for run in _spans(seq, 3, 6)]
    # Names and summaries: the query as a phrase of two words or more. A name selects by all
    # its words (a conjunction: a phrase read positions in a million names, half the cost of
    # a topical query), and its order adds to the best, a tie-break (NAME_ORDER_BOOST).
    if short:
        for name, boost in _PHRASE_FIELDS.items():
            if name in _RARE_VALUE_FIELDS:
                should += [{"match": {name: {"query": short, "analyzer": _EXACT, "operator": "and", "boost": boost}}},
                           {"match": {f"{name}.folded": {"query": short, "analyzer": _FOLDED, "operator": "and",
                                                         "boost": boost * 0.75}}}]
                boost = NAME_ORDER_BOOST
            shared_phrases += [
                {"match_phrase": {name: {"query": short, "analyzer": _EXACT, "boost": boost}}},
                {"match_phrase": {f"{name}.folded": {"query": short, "analyzer": _FOLDED, "boost": boost * 0.75}}}]
    if shared:
        should.append({"constant_score": {"filter": {"bool": {"should": shared}}, "boost": RECALL_NET_BOOST}})
        proximity += shared
    proximity += shared_phrases
    return {"bool": {"should": should, "minimum_should_match": 1}}, proximity


def _phrase(phrase: str, boost: float = 1.0) -> dict[str, Any]:
    """A quoted phrase: in the text (exact or folded) or the name, word for word."""
    text = " ".join(words(phrase)[:PHRASE_WORDS])
    return {"bool": {"should": [
        {"match_phrase": {"text": {"query": text, "analyzer": _EXACT, "boost": 2 * boost}}},
        {"match_phrase": {"text.folded": {"query": text, "analyzer": _FOLDED, "boost": boost}}},
        {"match_phrase": {"subject_name.folded": {"query": text, "analyzer": _FOLDED, "boost": 2 * boost}}},
    ], "minimum_should_match": 1}}


def _text_query(q: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """(the query, the phrase clauses for the rescore: ``_words_query``)."""
    parsed = parse(q)
    must = [_phrase(p) for p in parsed.phrases[:MAX_QUOTED] if words(p)]
    proximity: list[dict[str, Any]] = []
    if words(parsed.words):
        selecting, proximity = _words_query(parsed.words)
        must.append(selecting)
    must_not = [_phrase(x) for x in parsed.excluded[:MAX_QUOTED] if words(x)]
    if not must and not must_not:
        return None, []
    return {"bool": {"must": must or [{"match_all": {}}], "must_not": must_not}}, proximity


def highlight(q: str) -> dict[str, Any] | None:
    """What a snippet shows: the best passage for the query's words (not the letterhead), in
    one field, the one the core searched first: the text with diacritics when the query has
    them, else the folded text. Highlighting re-reads each hit's text, which on long legal
    texts costs more than the search itself, so it is done once per hit, not twice."""
    parsed = parse(q)
    seq = words(" ".join([parsed.words, *parsed.phrases[:MAX_QUOTED]]))
    if not seq:
        return None
    return {
        "encoder": "html",
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "highlight_query": core_query(seq),
        "type": "unified",
        "order": "score",
        "no_match_size": 0,
        "fragment_size": 180,
        "number_of_fragments": 1,
        # Texts over a million characters: highlight within the first million, rather than
        # fail the whole search (OpenSearch refuses to analyse more for a highlight).
        "max_analyzer_offset": 999_999,
        "fields": {"text" if typed_with_diacritics(seq) else "text.folded": {}},
    }


#: Matching records counted exactly up to this many; beyond, the total is "more than" (the
#: ranking may then skip what cannot reach the first pages, as OpenSearch does by default).
TOTAL_CAP = MAX_WINDOW
#: Facets are counted exactly over at most this many matching records per shard; where
#: more match, they are counted in a sample and scaled, and marked approximate.
FACET_SAMPLE = 2_000
#: The samples, densest first: the records whose id starts with 1, 2 or 3 given hex digits
#: (1/16, 1/256, 1/4096 of all). An id is the start of the SHA-256 of the original file
#: (archive/records.py record_id_for), so a prefix is a fair sample of any set of records,
#: drawn without visiting the others — counting nine facets over every one of a million
#: matches, or scoring them all to draw a sample, was most of a broad search's cost
#: (docs/performance.md, issue #21). Any prefix serves; this one is fixed so that the same
#: request draws the same sample (cacheable).
SAMPLE_PREFIX = "0a7"


@dataclass(frozen=True)
class FacetGroup:
    """Dimensions counted over the same records: the query's matches under every filter but
    those of the group's own dimension (a dimension's counts ignore its own filter)."""

    names: tuple[str, ...]
    without: str  # the dimension whose filter is left out; "" for none


def facet_groups(req: SearchRequest) -> list[FacetGroup]:
    """Every dimension without a filter of its own counts the same records, so they share one
    group; a dimension being filtered on is a group of its own."""
    filtered = [n for n in FACETS if req.filters.get(n)]
    return [FacetGroup(tuple(n for n in FACETS if n not in filtered), ""),
            *(FacetGroup((n,), n) for n in filtered)]


def build_bodies(req: SearchRequest) -> tuple[dict[str, Any], ...]:
    """The requests of one ``_msearch``: the hits (build_body), then for each facet group
    (facet_groups) its exact count and its samples, densest first, each stopping after
    FACET_SAMPLE records a shard (``terminate_after``): parse_response takes the first that
    did not stop. No hits, no scores, no clock in them: OpenSearch's request cache keeps
    them until the index changes."""
    body, query, filters, counted = _request(req)
    facets = []
    for group in facet_groups(req):
        within = [query] + [c for n, c in filters.items() if n != group.without]
        for digits in range(len(SAMPLE_PREFIX) + 1):
            drawn = within + ([{"prefix": {"id": SAMPLE_PREFIX[:digits]}}] if digits else [])
            facets.append({"size": 0, "track_total_hits": True, "terminate_after": FACET_SAMPLE,
                           "query": {"bool": {"filter": drawn}}, "aggs": {n: counted[n] for n in group.names}})
    return (body, *facets)


def request_cache(bodies: tuple[dict[str, Any], ...]) -> tuple[bool, ...]:
    """Which of build_bodies' requests OpenSearch's request cache may keep: the facets (no
    hits, no clock), not the hits (a page of scored, highlighted records)."""
    return (False,) + (True,) * (len(bodies) - 1)


def msearch_lines(bodies: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    """build_bodies' requests as the lines of one ``_msearch`` sent by hand (the benches), each
    after its header; RecordIndex.msearch makes the same from ``request_cache``."""
    return [line for cached, body in zip(request_cache(bodies), bodies) for line in ({"request_cache": cached}, body)]


def build_body(req: SearchRequest) -> dict[str, Any]:
    """The hits' request: ranked, filtered, the total counted up to TOTAL_CAP (the ranking
    may then skip what cannot reach the first pages)."""
    return _request(req)[0]


def _request(req: SearchRequest) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(the hits' request, the query alone, the filters by dimension, the facets' aggregations)."""
    q = normalize(req.q)[:MAX_QUERY_CHARS]
    if req.page * req.size > MAX_WINDOW:
        raise InvalidQuery(
            f"Chỉ xem được {MAX_WINDOW} kết quả đầu tiên; hãy thu hẹp tìm kiếm bằng bộ lọc."
        )
    unknown = set(req.filters) - set(FACETS)
    if unknown:
        raise InvalidQuery(f"Có bộ lọc không được hỗ trợ; các bộ lọc được dùng: {', '.join(FACETS)}.")

    filters = {n: _filter_clause(n, v, req.today) for n, v in req.filters.items() if v}
    if req.issued_from or req.issued_to:  # a span of issue dates (report drill-downs), not a facet
        bounds = {k: d.isoformat() for k, d in (("gte", req.issued_from), ("lte", req.issued_to)) if d}
        filters["issued"] = {"range": {"issued_date": bounds}}
    query, proximity = _text_query(q) if q else (None, [])
    query = query or {"match_all": {}}
    ranked = query != {"match_all": {}}
    if req.hidden_subjects:
        query = {"bool": {"must": [query], "must_not": [hidden_clause(req.hidden_subjects)]}}

    counted: dict[str, Any] = {name: {"terms": {"field": indexed, "size": 50}} for name, indexed in FACET_FIELDS.items()}
    counted["status"] = {"filters": {"filters": {s.value: status_clause(s, req.today) for s in Status}}}
    counted["year"] = {"date_histogram": {"field": "issued_date", "calendar_interval": "year", "format": "yyyy",
                                          "min_doc_count": 1, "order": {"_key": "desc"}}}
    body: dict[str, Any] = {
        "query": {"bool": {"must": [query], "filter": list(filters.values())}} if filters else query,
        "from": (req.page - 1) * req.size,
        "size": req.size,
        "track_total_hits": TOTAL_CAP,
        "_source": list(HIT_FIELDS) + list(SOURCE_FIELDS),
    }
    shown = highlight(q) if q else None
    if shown:
        body["highlight"] = shown
    if req.sort != "relevance" or not ranked:
        order = "asc" if req.sort == "date_asc" else "desc"
        body["sort"] = [{"issued_date": {"order": order, "missing": "_last"}}, {"id": "asc"}]
    elif proximity:
        # Every record of the page is inside the window, however deep the page.
        window = max(RESCORE_WINDOW, req.page * req.size)
        body["rescore"] = {"window_size": window, "query": {
            "rescore_query": {"bool": {"should": proximity}}, "query_weight": 1.0, "rescore_query_weight": 1.0}}
    return body, query, filters, counted


# -- response -> result ---------------------------------------------------------------


def _facet_values(name: str, inner: dict[str, Any], seen: int, matched: int) -> list[FacetValue]:
    """A dimension's values counted in a sample of ``seen`` records, scaled to its
    ``matched`` records when the sample did not hold them all."""
    # model_construct: OpenSearch's buckets are already (str, int); validating ~450 of them
    # per search was a visible share of the app's CPU under load (bench/README.md).
    approximate = seen < matched

    def count(n: int) -> int:
        return round(n * matched / seen) if approximate and seen else n

    if name == "status":
        buckets = [(k, b["doc_count"]) for k, b in inner["buckets"].items()]
    else:
        key = "key_as_string" if name == "year" else "key"
        buckets = [(str(b[key]), b["doc_count"]) for b in inner["buckets"]]
    return [FacetValue.model_construct(value=v, count=count(n), approximate=approximate) for v, n in buckets]


def parse_response(resp: dict[str, Any], req: SearchRequest,
                   facets: list[dict[str, Any]] | None = None) -> SearchResult:
    """The result of a search: ``resp`` holds the hits, ``facets`` the answers to the facet
    requests of build_bodies, in their order."""
    hits = []
    for h in resp["hits"]["hits"]:
        src = h["_source"]
        hl = h.get("highlight", {})
        fragments = hl.get("text") or hl.get("text.folded") or [""]  # one of them (highlight())
        snippet = fragments[0]
        hits.append(
            Hit(
                **{k: src.get(k) for k in HIT_FIELDS},
                status=status_of_source(src, req.today),
                snippet=snippet,
            )
        )
    total = resp["hits"]["total"]
    exact_total = total["value"] if total.get("relation", "eq") == "eq" else None
    values: dict[str, list[FacetValue]] = {}
    tiers = len(SAMPLE_PREFIX) + 1
    for n, group in enumerate(facet_groups(req) if facets else []):
        answers = facets[n * tiers:(n + 1) * tiers]
        digits, answer = next(((d, a) for d, a in enumerate(answers) if not a.get("terminated_early")),
                              (tiers - 1, answers[-1]))  # beyond every sample: the sparsest, cut
        seen = answer["hits"]["total"]["value"]
        # A sample stands for 16^digits as many records; the shared group's are known exactly
        # when the hits' total is (every filter applies to both).
        matched = exact_total if digits and not group.without and exact_total is not None else seen * 16 ** digits
        values.update({name: _facet_values(name, answer["aggregations"][name], seen, matched if digits else seen)
                       for name in group.names})
    return SearchResult(
        total=total["value"], total_exact=exact_total is not None, page=req.page, size=req.size,
        hits=hits, facets=values,
    )


def hidden_clause(subject_ids: frozenset[str]) -> dict[str, Any]:
    """The results of these subjects (a restriction, database/restrictions.py)."""
    return {"terms": {"subject_id": sorted(subject_ids)}}


def similar_body(record_id: str, index: str, size: int = 5,
                 hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    """'More like this': records whose text and summary share the most telling words."""
    return {
        "size": size,
        "_source": list(HIT_FIELDS) + list(SOURCE_FIELDS),
        "query": {"bool": {
            "must": [{"more_like_this": {
                "fields": ["text.folded", "summary.folded", "procedure_name.folded"],
                "like": [{"_index": index, "_id": record_id}],
                "min_term_freq": 1, "min_doc_freq": 1, "max_query_terms": 40,
            }}],
            "must_not": [{"ids": {"values": [record_id]}}, *([hidden_clause(hidden)] if hidden else [])],
        }},
    }
