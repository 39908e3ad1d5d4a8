"""A fault the real OpenSearch cannot be made to produce on demand: nothing listens on the
configured port. The app must answer 503 with a clear message (ingest-side faults are in
tests/indexer/test_bad_input.py)."""

from __future__ import annotations


from fastapi.testclient import TestClient

from search.config import Settings
from web.app import create_app

from helpers import api_key, free_port


def test_opensearch_down_gives_503_problem_and_not_ready(tmp_path, databases):
    settings = Settings(opensearch_url=f"http://127.0.0.1:{free_port()}", data_dir=tmp_path,
                        opensearch_timeout=2, database_url=databases())
    with TestClient(create_app(settings), headers={"Authorization": f"Bearer {api_key(settings)}"}) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
        r = client.get("/api/v1/search", params={"q": "giấy phép"})
        assert r.status_code == 503
        assert r.headers["content-type"] == "application/problem+json"
        assert "thử lại" in r.json()["detail"]


def test_database_down_gives_503_not_500(tmp_path, databases, running_services):
    """PostgreSQL unreachable (nothing on its port): the API, a page with a session cookie
    and the login answer 503 with a clear message; nothing answers 500."""
    settings = Settings(opensearch_url=running_services.opensearch_url, data_dir=tmp_path,
                        database_url=f"postgresql://tracuu:x@127.0.0.1:{free_port()}/tracuu")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        r = client.get("/api/v1/search", params={"q": "giấy phép"}, headers={"Authorization": "Bearer tc_abc_def"})
        assert r.status_code == 503 and r.headers["content-type"] == "application/problem+json"
        assert "Cơ sở dữ liệu" in r.json()["detail"]
        client.cookies.set("tracuu_session", "a-token-from-yesterday")
        page = client.get("/", follow_redirects=False)
        assert page.status_code == 503 and "Cơ sở dữ liệu" in page.text
        client.cookies.clear()
        assert client.get("/login").status_code == 200  # the form is shown; logging in waits for the database
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")  # a load balancer takes this process out
        assert ready.status_code == 503 and "database" in ready.json()["detail"]
