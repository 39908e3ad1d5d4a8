import pytest

from helpers import free_port
from tracuu import services

pytestmark = [pytest.mark.opensearch, pytest.mark.tika, pytest.mark.postgres]


def test_status_reports_the_services_up(running_services):
    assert {(name, up) for name, _, up, _ in services.status(running_services)} == {
        ("opensearch", True), ("tika", True), ("keycloak", True), ("postgres", True)}


def test_start_when_running_says_so_and_starts_nothing(running_services):
    said = []
    assert services.start(running_services, say=said.append) == []
    assert all("already running" in line or "ready" in line for line in said)


def test_opensearch_has_the_analysis_module_for_folding(running_services, record_index):
    tokens = record_index.client.indices.analyze(
        body={"tokenizer": "standard", "filter": ["lowercase", "asciifolding"], "text": "Đường Lục Ngạn"})
    assert [t["token"] for t in tokens["tokens"]] == ["duong", "luc", "ngan"]


def test_local_postgres_stops_and_starts_again_with_its_data(tmp_path):
    """A server of its own (own data dir and port), so the shared one is left alone."""
    import psycopg

    from database.connection import MIGRATIONS
    from indexer import queue
    from search.config import Settings

    own = Settings(data_dir=tmp_path / "data", postgres_port=free_port())
    home = own.services_dir / "postgres"
    from tracuu import postgres

    try:
        postgres.start(home, own.postgres_port)
        queue.migrate(own)
        queue.migrate(own)  # twice: nothing to do the second time
        with psycopg.connect(own.database_dsn(), autocommit=True) as c:
            c.execute("INSERT INTO ingest_jobs (job_id, sha256) VALUES (1, 'x')")
        assert postgres.stop(home)
        assert not postgres.status(home, own.postgres_port)["ready"]
        postgres.start(home, own.postgres_port)
        with psycopg.connect(own.database_dsn()) as c:
            assert c.execute("SELECT sha256 FROM ingest_jobs").fetchall() == [("x",)]
            head = sorted(p.name[:4] for p in MIGRATIONS.joinpath("versions").glob("0*.py"))[-1]
            assert c.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
    finally:
        postgres.stop(home)
