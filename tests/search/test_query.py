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



# -- errors --------------------------------------------------------------------------------

from opensearchpy import exceptions as os_exc  # noqa: E402

from search.errors import SearchUnavailable  # noqa: E402
from search.index import RecordIndex  # noqa: E402


def test_a_refused_query_is_not_reported_as_an_unavailable_server():
    """OpenSearch answers 500 'all shards failed' to a query with too many clauses: our
    defect, to be logged as such, not 'the search server is unavailable' (503)."""
    info = {"error": {"root_cause": [{"type": "too_many_nested_clauses", "reason": "maxClauseCount is 1024"}],
                      "type": "search_phase_execution_exception", "reason": "all shards failed"}, "status": 500}

    def refuse(**_):
        raise os_exc.TransportError(500, "search_phase_execution_exception", info)

    index = RecordIndex(client=None, alias="x")
    with pytest.raises(os_exc.TransportError) as caught:
        index._call(refuse)
    assert not isinstance(caught.value, SearchUnavailable)

    def down(**_):
        raise os_exc.TransportError(503, "cluster_block_exception", {"error": {"root_cause": [
            {"type": "cluster_block_exception"}]}, "status": 503})

    with pytest.raises(SearchUnavailable):
        index._call(down)
