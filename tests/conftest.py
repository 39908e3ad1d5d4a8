"""Fixtures: the real OpenSearch, Tika and tesseract, and a private index per test run.

The services are started if they are not running (and stopped at the end only if this
session started them). A service that does not come up is an error, never a skip.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from search.config import Settings
from search.index import RecordIndex
from tracuu import services as local_services


@pytest.fixture(scope="session")
def running_services():
    base = Settings()
    started = local_services.start(base, say=lambda *_: None)
    yield base
    if started:
        local_services.stop(base, say=lambda *_: None, only=started)


@pytest.fixture(scope="module")
def settings(running_services, tmp_path_factory) -> Settings:
    """Settings of one test module: its own index alias and data dir, the shared services."""
    return Settings(
        index=f"test-{uuid.uuid4().hex[:10]}",
        data_dir=tmp_path_factory.mktemp("data"),
        opensearch_url=running_services.opensearch_url,
        tika_url=running_services.tika_url,
    )


@pytest.fixture(scope="module")
def record_index(settings):
    index = RecordIndex.from_settings(settings)
    index.ensure()
    yield index
    index.drop()
    index.client.close()


@pytest.fixture(scope="module")
def api(settings, record_index):
    from web.app import create_app

    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def fresh_settings(settings, tmp_path) -> Settings:
    """Like ``settings`` but with an index and data dir of this test alone."""
    return settings.model_copy(update={"index": f"test-{uuid.uuid4().hex[:10]}", "data_dir": tmp_path / "data"})


@pytest.fixture
def fresh_index(fresh_settings):
    index = RecordIndex.from_settings(fresh_settings)
    yield index
    index.drop()
    index.client.close()


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
