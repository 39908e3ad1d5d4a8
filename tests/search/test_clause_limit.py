"""No query the search box accepts comes near OpenSearch's 1,024-clause limit, measured on
the real server: the query is sent with N more term clauses beside it, and the largest N it
still accepts says how many clauses the query itself took (issue #16: every query over ~44
words failed with 'too many clauses')."""

from __future__ import annotations

import pytest
from opensearchpy import exceptions as os_exc

from search.index import find
from search.query import MAX_QUERY_CHARS, SearchRequest, build_body
from archive.records import Record

pytestmark = [pytest.mark.opensearch]

LIMIT = 1024
ABBREVIATIONS = ("ubnd hđnd gcn gpxd cccd cmnd đkkd đkdn hkd tp tx tt qđ tthc attp cchn xntthn tnhh sxd skhđt "
                 "syt hdnd dkkd dkdn qd skhdt").split()
VIETNAMESE = "aáàảãạăắằẳẵặâấầẩẫậeéèẻẽẹêếềểễệiíìỉĩịoóòỏõọôốồổỗộơớờởỡợuúùủũụưứừửữựyýỳỷỹỵđ"
QUESTION = ("Xin hỏi người lao động đã đóng bảo hiểm xã hội bắt buộc được mười lăm năm nay nghỉ việc "
            "thì có được hưởng trợ cấp thất nghiệp không và mức hưởng là bao nhiêu phần trăm ").split()

WORST = {
    "300 words of a question": " ".join(f"{QUESTION[i % len(QUESTION)]}{i // len(QUESTION) or ''}"
                                        for i in range(300)),
    "500 characters of one word": ("thuế " * 200)[:MAX_QUERY_CHARS],
    "500 characters of distinct 1-2 letter words": " ".join(dict.fromkeys(
        a + b for a in VIETNAMESE for b in ["", *VIETNAMESE])),
    "every abbreviation, again and again": " ".join(ABBREVIATIONS * 20),
    "abbreviations between other words": " ".join(f"{a} {b}" for a in ABBREVIATIONS for b in VIETNAMESE),
    "quoted phrases and exclusions": " ".join(f'"{a} {b} ubnd tp" -"{b} qđ"' for a in ABBREVIATIONS
                                              for b in ABBREVIATIONS),
    "one character a word, from another script": " ".join(chr(0x4E00 + i) for i in range(400)),
    "a run of characters from another script": "á " + "".join(chr(0x4E00 + i) for i in range(600)),
}


@pytest.fixture(scope="module")
def index(record_index):
    record_index.put(Record(id="r1", text="Ủy ban nhân dân thành phố cấp giấy chứng nhận đăng ký kinh doanh.",
                            result_type="Giấy chứng nhận", doc_number="12/GCN-UBND"))
    return record_index


def _accepted(index, query, extra: int) -> bool:
    padding = [{"bool": {"should": [{"term": {"id": f"pad{i}"}} for i in range(extra)]}}] if extra else []
    try:
        index.client.search(index=index.alias, body={"size": 0, "query": {"bool": {"should": [query, *padding]}}})
    except os_exc.TransportError as e:
        if "too_many" in str(e.info):
            return False
        raise
    return True


def clauses(index, q: str) -> int:
    """How many of the 1,024 clauses the query built for ``q`` takes, on the real server: the
    query's or its rescore's (the phrases in the text), whichever takes more."""
    body = build_body(SearchRequest(q=q))
    queries = [body["query"]]
    if "rescore" in body:
        queries.append(body["rescore"]["query"]["rescore_query"])
    used = 0
    for query in queries:
        assert _accepted(index, query, 0)
        lo, hi = 0, LIMIT
        while lo < hi:  # the most padding clauses still accepted beside the query
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if _accepted(index, query, mid) else (lo, mid - 1)
        used = max(used, LIMIT - lo)
    return used


def test_the_measure_measures(index):
    assert clauses(index, "giấy") <= 6  # the word in the text (exact, folded) and three identifier fields
    assert clauses(index, "giấy chứng nhận kinh doanh") > clauses(index, "giấy")


@pytest.mark.parametrize("name", WORST)
def test_the_worst_queries_stay_far_below_the_clause_limit(index, name):
    used = clauses(index, WORST[name])
    assert used <= LIMIT // 2, f"{name}: {used} clauses"
    assert isinstance(find(index, SearchRequest(q=WORST[name])).hits, list)
