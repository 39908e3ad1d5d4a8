import datetime as dt
import json

import pytest

from search.errors import InvalidQuery
from search.query import MAX_WINDOW, SearchRequest, build_body

HOSTILE = ['"', "\\", "{", "*", "OR", "AND(", 'a" OR "b', "x" * 5000, "\x00\x1b[31m", "title:(a OR b)~2^3"]


@pytest.mark.parametrize("q", HOSTILE)
def test_user_text_never_becomes_query_syntax(q):
    body = json.dumps(build_body(SearchRequest(q=q)))
    assert "query_string" not in body
    assert "simple_query_string" not in body


def test_deep_paging_is_refused_with_advice():
    with pytest.raises(InvalidQuery, match="bộ lọc"):
        build_body(SearchRequest(q="a", page=MAX_WINDOW // 20 + 1, size=20))


def test_unknown_filter_is_refused():
    with pytest.raises(InvalidQuery):
        build_body(SearchRequest(filters={"password": ["x"]}))


def test_status_is_computed_against_the_given_day():
    body = build_body(SearchRequest(filters={"status": ["expired"]}, today=dt.date(2026, 11, 21)))
    assert '"lt": "2026-11-21"' in json.dumps(body["post_filter"])
