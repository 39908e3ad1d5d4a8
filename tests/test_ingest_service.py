"""The ingest service (indexer/queue.py, web/routes/ingest.py) on the real PostgreSQL, with
real `tracuu worker` processes: a worker killed in the middle of an OCR job, the push
API end to end, `tracuu ingest --queue`, PostgreSQL restarted under a batch. Each test has a
database of its own on the local server (the restart test a server of its own)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from archive.records import file_sha256
from helpers import api_key, free_port

pytestmark = [pytest.mark.postgres, pytest.mark.opensearch, pytest.mark.tika, pytest.mark.ocr]

TRACUU = str(Path(sys.executable).with_name("tracuu"))


@pytest.fixture
def queue_settings(fresh_settings, fresh_index, running_services):
    """Settings with a database of this test alone, migrated."""
    from indexer import queue

    base = running_services.database_dsn()
    name = f"test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    settings = fresh_settings.model_copy(update={"database_url": _secret(base.rsplit("/", 1)[0] + "/" + name),
                                                 "job_stalled_seconds": 5.0})
    queue.migrate(settings)
    fresh_index.ensure()
    yield settings
    with psycopg.connect(base, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _secret(value: str):
    from pydantic import SecretStr

    return SecretStr(value)


class Workers:
    def __init__(self, settings, logs: Path) -> None:
        self.env = {**os.environ,
                    "TRACUU_DATA_DIR": str(settings.data_dir), "TRACUU_INDEX": settings.index,
                    "TRACUU_OPENSEARCH_URL": settings.opensearch_url, "TRACUU_TIKA_URL": settings.tika_url,
                    "TRACUU_DATABASE_URL": settings.database_url.get_secret_value(),
                    "TRACUU_JOB_STALLED_SECONDS": str(settings.job_stalled_seconds)}
        self.logs = logs
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> None:
        log = (self.logs / f"{name}.log").open("w")
        self.procs[name] = subprocess.Popen([TRACUU, "worker", "--name", name], stdout=log,
                                            stderr=subprocess.STDOUT, env=self.env, start_new_session=True)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def wait_for_tesseract(self, name: str, timeout: float = 60) -> bool:
        """True once tesseract runs in the worker's process group (its OCR child's)."""
        pgid = self.procs[name].pid
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    text = stat.read_text()
                except OSError:
                    continue
                comm, rest = text[text.index("(") + 1: text.rindex(")")], text[text.rindex(")") + 2:].split()
                if "tesseract" in comm and int(rest[2]) == pgid:
                    return True
            time.sleep(0.05)
        return False

    def kill9(self, name: str) -> None:
        os.killpg(self.procs[name].pid, signal.SIGKILL)  # the worker and its OCR process
        self.procs[name].wait()

    def stop(self) -> None:
        for p in self.procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs.values():
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


@pytest.fixture
def workers(queue_settings, tmp_path):
    w = Workers(queue_settings, tmp_path)
    yield w
    w.stop()


def _wait_status(settings, job_id: int, want: set[str], timeout: float = 300) -> dict:
    from indexer import queue

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = queue.job_status(settings, job_id)
        if st and st["status"] in want:
            return st
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} not {want} within {timeout} s: {st}")


def _bags(settings) -> list[Path]:
    return sorted(p for p in settings.archive_dir.glob("*/*") if p.is_dir() and not p.name.startswith("."))


def test_a_worker_killed_in_the_middle_of_an_ocr_job_leaves_it_to_the_other(queue_settings, workers, fresh_index,
                                                                          tmp_path):
    from indexer import queue
    from tracuu.sample import Options, generate_file

    scan = generate_file(tmp_path / "in", Options(n=20, seed=11, scanned_share=1.0), "0004.pdf")
    path = tmp_path / "in" / "0004.pdf"
    assert scan["scanned"]
    workers.start("w1")
    workers.start("w2")
    client = queue.client_app(queue_settings)
    with client.open():
        job_id = queue.enqueue(client, queue_settings, path, file_sha256(path), "0001.pdf", {})
    _wait_status(queue_settings, job_id, {"running"}, timeout=120)
    deadline = time.monotonic() + 60
    holder = None
    while holder is None and time.monotonic() < deadline:
        holder = next((n for n in ("w1", "w2") if re.search(rf"job {job_id}: ", workers.log(n))), None)
        time.sleep(0.2)
    assert holder, "no worker said it took the job"
    assert workers.wait_for_tesseract(holder), "the worker never ran tesseract"
    assert queue.job_status(queue_settings, job_id)["status"] == "running", "the OCR ended before the kill"
    workers.kill9(holder)
    other = "w2" if holder == "w1" else "w1"

    done = _wait_status(queue_settings, job_id, {"done", "duplicate", "failed"})
    assert done["status"] == "done", done
    assert re.search(rf"job {job_id}: .*attempt 2", workers.log(other)), workers.log(other)[-2000:]
    bags = _bags(queue_settings)
    assert [b.name for b in bags] == [done["record_id"]]
    assert fresh_index.exists(done["record_id"])
    assert not queue_settings.failed_dir.exists() or not any(queue_settings.failed_dir.rglob("*"))


def test_push_api_end_to_end(queue_settings, workers, fresh_index, tmp_path):
    from tracuu.sample import Options, generate_file
    from web.app import create_app

    row = generate_file(tmp_path / "in", Options(n=8, seed=11, scanned_share=0.5), "0002.pdf")
    data = (tmp_path / "in" / "0002.pdf").read_bytes()
    meta = {k: row["fields"][k] for k in ("procedure_code", "subject_name") if row["fields"].get(k)}
    workers.start("w1")
    key = api_key(queue_settings, "ingest", "search", "read")
    with TestClient(create_app(queue_settings), headers={"Authorization": f"Bearer {key}"}) as api:
        # no key scope, no push
        other = api_key(queue_settings, "search")
        r = api.post("/api/v1/ingest", files={"file": ("x.pdf", data, "application/pdf")},
                     headers={"Authorization": f"Bearer {other}"})
        assert r.status_code == 403
        r = api.post("/api/v1/ingest", files={"file": ("Nguyen Van A.pdf", data, "application/pdf")},
                     data={"metadata": json.dumps(meta)})
        assert r.status_code == 202, r.text
        job_id = r.json()["job_id"]
        assert api.get(f"/api/v1/ingest/{job_id}").json()["status"] in ("queued", "running", "done")
        # no personal data in file names: the spool holds the file under its SHA-256
        assert not list(queue_settings.spool_dir.glob("Nguyen*"))
        st = _wait_status(queue_settings, job_id, {"done", "failed", "duplicate"})
        assert st["status"] == "done", st
        assert api.get(f"/api/v1/ingest/{job_id}").json() == {"status": "done", "record_id": st["record_id"],
                                                                "error": None}
        rec = api.get(f"/api/v1/records/{st['record_id']}").json()
        assert rec["procedure_code"] == meta["procedure_code"]
        assert rec["source_sha256"] == row["sha256"]
        hits = api.get("/api/v1/search", params={"q": row["fields"]["doc_number"]}).json()
        assert st["record_id"] in [h["id"] for h in hits["hits"]]

        # the same bytes again: the same record, a duplicate
        r = api.post("/api/v1/ingest", files={"file": ("copy.pdf", data, "application/pdf")})
        assert r.status_code == 202
        dup = _wait_status(queue_settings, r.json()["job_id"], {"done", "failed", "duplicate"})
        assert dup == {"status": "duplicate", "record_id": st["record_id"], "error": None}

        # a bad file: the job fails with the reason, the file is kept aside in failed/
        r = api.post("/api/v1/ingest", files={"file": ("hong.pdf", b"%PDF-1.4 this is not a pdf", "application/pdf")})
        assert r.status_code == 202
        bad = _wait_status(queue_settings, r.json()["job_id"], {"done", "failed", "duplicate"})
        assert bad["status"] == "failed" and bad["error"], bad
        assert list(queue_settings.failed_dir.rglob("*.reason.txt"))

        # limits checked at once
        assert api.post("/api/v1/ingest", files={"file": ("a.exe", b"MZ", "application/octet-stream")}).status_code == 415
        r = api.post("/api/v1/ingest", files={"file": ("a.pdf", data, "application/pdf")},
                     data={"metadata": json.dumps({"issued_date": "32/13/2024"})})
        assert r.status_code == 422
        assert api.get("/api/v1/ingest/999999").status_code == 404
    assert len(_bags(queue_settings)) == 1


def test_ingest_dir_with_queue_hands_the_files_to_the_workers(queue_settings, workers, fresh_index, tmp_path):
    from tracuu.sample import Options, generate

    truth = generate(tmp_path / "in", Options(n=4, seed=5, scanned_share=0.0), workers=1)
    workers.start("w1")
    workers.start("w2")
    run = subprocess.run([TRACUU, "ingest", str(tmp_path / "in"), "--queue"], env=workers.env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"Đã nạp {len(truth)}, trùng 0, lỗi 0" in run.stdout + run.stderr
    ids = {b.name for b in _bags(queue_settings)}
    assert len(ids) == len(truth) and all(fresh_index.exists(i) for i in ids)
    # the manifest's values reached the records
    from archive.layout import read_record
    from archive.records import record_id_for

    with_manifest = [t for t in truth if t["in_manifest"]]
    assert with_manifest
    for t in with_manifest:
        assert read_record(queue_settings.archive_dir, record_id_for(t["sha256"])).pipeline["manifest"]
    again = subprocess.run([TRACUU, "ingest", str(tmp_path / "in"), "--queue"], env=workers.env,
                           capture_output=True, text=True, timeout=600)
    assert f"Đã nạp 0, trùng {len(truth)}, lỗi 0" in again.stdout + again.stderr, again.stderr


def test_push_with_the_database_down_answers_503(fresh_settings, fresh_index):
    """The queue, the API keys and the sessions are in the database: with it down, a push
    (and any call that must check its key) answers 503 with a message that says so."""
    from pydantic import SecretStr

    from web.app import create_app

    key = api_key(fresh_settings, "ingest", "search")
    settings = fresh_settings.model_copy(update={"database_url": SecretStr("postgresql://x:y@127.0.0.1:1/z")})
    fresh_index.ensure()
    with TestClient(create_app(settings), headers={"Authorization": f"Bearer {key}"}) as api:
        r = api.post("/api/v1/ingest", files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")})
        assert r.status_code == 503 and r.headers["content-type"].startswith("application/problem+json")
        assert "Cơ sở dữ liệu" in r.json()["detail"]
        assert api.get("/api/v1/ingest/1").status_code == 503
        assert api.get("/healthz").status_code == 200


def test_postgres_restarted_under_a_batch_the_batch_completes(fresh_settings, fresh_index, tmp_path):
    """A PostgreSQL of this test alone (own port), stopped and started again while two
    workers are at a batch: they reconnect (run_worker's supervisor) and finish it."""
    from pydantic import SecretStr

    from indexer import queue
    from tracuu import postgres
    from tracuu.sample import Options, generate

    home = tmp_path / "pg"
    port = free_port()
    postgres.start(home, port)
    try:
        settings = fresh_settings.model_copy(update={
            "database_url": SecretStr(postgres.url(home, port)), "job_stalled_seconds": 5.0})
        queue.migrate(settings)
        fresh_index.ensure()
        truth = generate(tmp_path / "in", Options(n=8, seed=3, scanned_share=0.25), workers=1)
        w = Workers(settings, tmp_path)
        try:
            w.start("w1")
            w.start("w2")
            client = queue.client_app(settings)
            with client.open():
                ids = [queue.enqueue(client, settings, p, file_sha256(p), p.name, {})
                       for p in sorted((tmp_path / "in").glob("0*.*"))]
            _wait_status(settings, ids[0], {"running", "done"}, timeout=120)
            assert postgres.stop(home)
            time.sleep(2)
            postgres.start(home, port)
            states = [_wait_status(settings, j, {"done", "duplicate", "failed"}, timeout=400) for j in ids]
        finally:
            w.stop()
        assert [s["status"] for s in states] == ["done"] * len(ids), states
        assert len({s["record_id"] for s in states}) == len(truth)
        assert len(_bags(settings)) == len(truth)
        assert "again in" in w.log("w1") + w.log("w2")  # the supervisor restarted a worker
    finally:
        postgres.stop(home)


def test_a_retry_that_worked_takes_the_file_out_of_failed(tmp_path):
    """An archived file must not also sit in failed/ with a reason that no longer holds."""
    import hashlib as _h

    from indexer.queue import forget_failure
    from search.config import Settings

    settings = Settings(data_dir=tmp_path / "data")
    kept = settings.failed_dir / "a.pdf"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"%PDF-1.4 the same bytes")
    kept.with_name("a.pdf.reason.txt").write_text("service_failed: Tika down\n", encoding="utf-8")
    other = settings.failed_dir / "b.pdf"
    other.write_bytes(b"other bytes")

    assert not forget_failure(settings, "b.pdf", _h.sha256(b"%PDF-1.4 the same bytes").hexdigest())
    assert other.exists()
    assert forget_failure(settings, "a.pdf", _h.sha256(b"%PDF-1.4 the same bytes").hexdigest())
    assert not kept.exists() and not kept.with_name("a.pdf.reason.txt").exists()
