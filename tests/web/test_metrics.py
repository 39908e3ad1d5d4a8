"""/metrics (issue #21, docs/metrics.md): request latency by route template, a search's time
split between OpenSearch and the app, the ingest queue's depth and pages a minute."""

from __future__ import annotations

import re

import psycopg
import pytest

pytestmark = [pytest.mark.opensearch, pytest.mark.postgres]


def _value(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0])) if "{" in line else {}
            if all(found.get(k) == v for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} {labels} not in /metrics")


def test_metrics_name_routes_by_template_and_split_search_time(api, settings):
    for _ in range(3):
        assert api.get("/api/v1/search", params={"q": "giấy phép"}).status_code == 200
    api.get("/api/v1/records/" + "0" * 24)  # a 404: the id must not become a label
    text = api.get("/metrics").text
    assert _value(text, "http_requests_total", handler="/api/v1/search", method="GET", status="200") >= 3
    assert "0" * 24 not in text and "giấy phép" not in text  # nothing a clerk typed, no record id
    assert _value(text, "tracuu_search_seconds_count", part="opensearch") >= 3
    assert _value(text, "tracuu_search_seconds_count", part="app") >= 3


def test_metrics_report_the_queue_from_the_database(api, settings):
    with psycopg.connect(settings.database_dsn(), autocommit=True) as db:
        db.execute("INSERT INTO ingest_jobs (job_id, sha256, record_id, pages) VALUES (990001, 'x', 'r', 30)")
    text = api.get("/metrics").text
    assert _value(text, "tracuu_ingest_pages_per_minute") >= 3.0  # 30 pages in the last ten minutes
    assert _value(text, "tracuu_ingest_queue_jobs", status="todo") >= 0
