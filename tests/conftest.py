"""Fixtures: the real OpenSearch, Tika, tesseract and PostgreSQL, and a private index and
database per test module.

The services are started if they are not running (and stopped at the end only if this
session started them). A service that does not come up is an error, never a skip.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from database.connection import close_pool, migrate
from search.config import Settings
from search.index import RecordIndex
from tracuu import services as local_services

from helpers import api_key, log_in


@pytest.fixture(scope="session", autouse=True)
def temp_on_its_own_filesystem(tmp_path_factory):
    """The layout a deployment has (docker-compose.yml: the archive on a volume of its own):
    the system temp folder, where OCR and ingest work, is on another filesystem than every
    TRACUU_DATA_DIR the tests use (pytest's own temp folder, chosen before this runs). A
    tmpfs is mounted for it, as root can (CI runs as root); where that is not possible
    test_archive_layout.py fails and says so."""
    data_side = tmp_path_factory.getbasetemp()
    mount = Path(f"/tmp/tracuu-tmpfs-{os.getpid()}")
    mount.mkdir(exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4g,mode=1777", "tmpfs", str(mount)],
                             capture_output=True).returncode == 0
    saved = tempfile.tempdir, os.environ.get("TMPDIR")
    if mounted:
        tempfile.tempdir, os.environ["TMPDIR"] = str(mount), str(mount)
    yield {"temp": Path(tempfile.gettempdir()), "data": data_side, "mounted": mounted}
    tempfile.tempdir = saved[0]
    if saved[1] is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = saved[1]
    if mounted:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
    mount.rmdir()


@pytest.fixture(scope="session")
def running_services():
    base = Settings()
    started = local_services.start(base, say=lambda *_: None)
    yield base
    if started:
        local_services.stop(base, say=lambda *_: None, only=started)


@pytest.fixture(scope="session")
def databases(running_services):
    """Makes databases of its own for a module or a test: copies of one migrated template
    (CREATE DATABASE … TEMPLATE: ~0.1 s, where migrating costs 0.4 s), dropped at the end."""
    dsn = running_services.database_dsn()
    base = dsn.rsplit("/", 1)[0]
    template = f"test_tpl_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{template}"')
    migrate(running_services.model_copy(update={"database_url": SecretStr(f"{base}/{template}")}))
    made: list[str] = []

    def new() -> str:
        name = f"test_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(dsn, autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        made.append(name)
        return f"{base}/{name}"

    yield new
    with psycopg.connect(dsn, autocommit=True) as db:
        for name in [*made, template]:
            close_pool(f"{base}/{name}")
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def settings(running_services, databases, tmp_path_factory) -> Settings:
    """Settings of one test module: its own index alias, data dir and database, the shared
    services."""
    return Settings(
        index=f"test-{uuid.uuid4().hex[:10]}",
        data_dir=tmp_path_factory.mktemp("data"),
        opensearch_url=running_services.opensearch_url,
        tika_url=running_services.tika_url,
        database_url=databases(),
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
    """The app as another system sees it: an API key with the search, read and lookup scopes."""
    from web.app import create_app

    with TestClient(create_app(settings), headers={"Authorization": f"Bearer {api_key(settings)}"}) as client:
        yield client


@pytest.fixture
def fresh_settings(settings, databases, tmp_path) -> Settings:
    """Like ``settings`` but with an index, a data dir and a database of this test alone (a
    new data dir has a new audit key, which a database chained under another refuses)."""
    return settings.model_copy(update={"index": f"test-{uuid.uuid4().hex[:10]}", "data_dir": tmp_path / "data",
                                       "database_url": SecretStr(databases())})


@pytest.fixture
def fresh_index(fresh_settings):
    index = RecordIndex.from_settings(fresh_settings)
    yield index
    index.drop()
    index.client.close()


@pytest.fixture(scope="session")
def sample_corpus(tmp_path_factory):
    """A small `tracuu sample` corpus: (folder, truth rows)."""
    from tracuu.sample import Options, generate

    folder = tmp_path_factory.mktemp("corpus")
    truth = generate(folder, Options(n=14, seed=7, scanned_share=0.6))
    return folder, truth


@pytest.fixture(scope="session")
def ingested_corpus(running_services, databases, sample_corpus, tmp_path_factory):
    """The sample corpus ingested once into an index of its own, for read-only tests:
    (settings, index, ingest report, truth rows)."""
    from indexer.pipeline import Ingestor

    settings = Settings(
        index=f"test-corpus-{uuid.uuid4().hex[:8]}", data_dir=tmp_path_factory.mktemp("corpus-data"),
        opensearch_url=running_services.opensearch_url, tika_url=running_services.tika_url,
        database_url=databases(),
    )
    index = RecordIndex.from_settings(settings)
    folder, truth = sample_corpus
    report = Ingestor(settings, index).ingest_dir(folder)
    yield settings, index, report, truth
    index.drop()
    index.client.close()


@pytest.fixture(scope="session")
def corpus_api(ingested_corpus):
    """The API on the ingested corpus, called with an API key (search, read, lookup)."""
    from web.app import create_app

    settings = ingested_corpus[0]
    with TestClient(create_app(settings), headers={"Authorization": f"Bearer {api_key(settings)}"}) as client:
        yield client


@pytest.fixture(scope="session")
def officer(ingested_corpus):
    """The pages on the ingested corpus, as a logged-in officer."""
    from web.app import create_app

    with TestClient(create_app(ingested_corpus[0])) as client:
        yield log_in(client, ingested_corpus[0])
