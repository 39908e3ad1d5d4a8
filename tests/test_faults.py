"""Faults the real services cannot be made to produce on demand: nothing listens on the
configured port. The app must answer 503 with a clear message; ingest must name the cause."""

from __future__ import annotations

import socket

import docx
import pytest
from fastapi.testclient import TestClient

from indexer.pipeline import Ingestor
from search.config import Settings
from search.index import RecordIndex
from web.app import create_app


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_opensearch_down_gives_503_problem_and_not_ready(tmp_path):
    settings = Settings(opensearch_url=f"http://127.0.0.1:{_closed_port()}", data_dir=tmp_path,
                        opensearch_timeout=2)
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
        r = client.get("/api/v1/search", params={"q": "giấy phép"})
        assert r.status_code == 503
        assert r.headers["content-type"] == "application/problem+json"
        assert "thử lại" in r.json()["detail"]


@pytest.mark.opensearch
def test_tika_down_fails_the_file_with_the_cause_and_keeps_it(fresh_settings, fresh_index, tmp_path):
    settings = fresh_settings.model_copy(update={"tika_url": f"http://127.0.0.1:{_closed_port()}"})
    folder = tmp_path / "in"
    folder.mkdir()
    doc = docx.Document()
    doc.add_paragraph("Quyết định")
    doc.save(folder / "qd.docx")
    tika_down = Ingestor(settings, fresh_index)
    tika_down.tika.retries = 2
    report = tika_down.ingest_dir(folder)
    assert [(f.file, f.reason) for f in report.failed] == [("qd.docx", "service_failed")]
    assert "Tika" in report.failed[0].message
    assert (settings.failed_dir / "qd.docx").exists()
