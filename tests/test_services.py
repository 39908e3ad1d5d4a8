import pytest

from tracuu import services

pytestmark = [pytest.mark.opensearch, pytest.mark.tika]


def test_status_reports_both_services_up(running_services):
    assert {(name, up) for name, _, up, _ in services.status(running_services)} == {
        ("opensearch", True), ("tika", True)}


def test_start_when_running_says_so_and_starts_nothing(running_services):
    said = []
    assert services.start(running_services, say=said.append) == []
    assert all("already running" in line or "ready" in line for line in said)


def test_opensearch_has_the_analysis_module_for_folding(running_services, record_index):
    tokens = record_index.client.indices.analyze(
        body={"tokenizer": "standard", "filter": ["lowercase", "asciifolding"], "text": "Đường Lục Ngạn"})
    assert [t["token"] for t in tokens["tokens"]] == ["duong", "luc", "ngan"]
