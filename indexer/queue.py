"""The ingest job queue: procrastinate on PostgreSQL (docs/ingest-service.md).

One job per file (``ingest_file``): the file's path (a folder the worker sees, or the spool
of files pushed through the API, named by SHA-256), its manifest values as text, and its
SHA-256 as the job's ``lock`` — jobs for the same bytes run one after the other, and the
archive decides whether they are new (``Ingestor.ingest_one``). Jobs are rows: a worker
that dies stops its heartbeat, and the reaper of any live worker puts its job back
(procrastinate itself never retries a stalled job). Retries with backoff survive restarts;
finished and failed jobs stay for ``job_status``; what procrastinate does not keep (the
record id, "duplicate", the reason a file was refused) is in our ``ingest_jobs`` table.

Not ``queueing_lock=sha256``: procrastinate's unique index on it (status 'todo') makes the
retry of a stalled job fail when a second job for the same bytes is queued, and the
stalled one would stay 'doing' for ever. ``enqueue`` reuses a job that is queued or running
for the same bytes instead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from pathlib import Path
from typing import Any

import psycopg
from procrastinate import App, JobContext, PsycopgConnector, RetryStrategy
from procrastinate import exceptions as pexc

from archive.records import file_sha256
from database import connection as schema
from database.connection import DatabaseUnavailable
from search.config import Settings
from search.errors import SearchUnavailable, TracuuError

from .errors import ServiceDown

log = logging.getLogger(__name__)

#: The tasks' app. Its connector is set by whoever runs it (``worker_app``, ``client_app``).
app = App(connector=PsycopgConnector(), import_paths=["indexer.queue"])

# What a worker process uses for its jobs (set by run_worker).
_state: dict[str, Any] = {}


class QueueUnavailable(DatabaseUnavailable):
    """The queue's database cannot be reached."""


class BadFile(TracuuError):
    """The file cannot be ingested (kept in failed/ with its reason): not retried."""

    exit_code = 4


def _connector(dsn: str, max_size: int = 4) -> PsycopgConnector:
    # psycopg_pool keeps 4 idle connections by default; a worker needs ~3 (fetch/finish,
    # heartbeat, LISTEN), a web process a few.
    return PsycopgConnector(conninfo=dsn, min_size=1, max_size=max_size)


def client_app(settings: Settings) -> App:
    """An app that only defers and looks up jobs (web process, CLI): tasks are named."""
    return App(connector=_connector(settings.database_dsn()))


# -- schema ---------------------------------------------------------------------------


def migrate(settings: Settings) -> None:
    """The database's schema up to date (database/migrations): the queue's tables among it."""
    try:
        schema.migrate(settings)
    except DatabaseUnavailable as e:
        raise QueueUnavailable(e.message) from e


# -- the task -------------------------------------------------------------------------


@app.task(
    name="ingest_file",
    queue="ingest",
    pass_context=True,
    # 5 tries in all, 3, 5, 9, 17 s apart; a bad file is not retried (BadFile).
    retry=RetryStrategy(max_attempts=5, wait=1, exponential_wait=2,
                        retry_exceptions={SearchUnavailable, ServiceDown, psycopg.Error, OSError}),
)
def ingest_file(context: JobContext, path: str, sha256: str, rel: str, metadata: dict[str, Any]) -> None:
    from .manifest import parse_values

    settings: Settings = _state["settings"]
    job_id = context.job.id
    log.info("job %s: %s (attempt %d, pid %d)", job_id, rel, context.job.attempts + 1, os.getpid())
    file = Path(path)
    try:
        values, _problems = parse_values(metadata)
    except ValueError as e:
        _record(settings, job_id, sha256, None, False, f"metadata: {e}")
        raise BadFile(f"metadata: {e}") from None
    if not file.exists():
        # Retried job whose file a previous attempt finished with (spool cleared): the archive knows.
        from archive.layout import read_record
        from archive.records import record_id_for

        rid = record_id_for(sha256)
        if read_record(settings.archive_dir, rid) is not None:
            _record(settings, job_id, sha256, rid, _made_by_another_job(settings, job_id, sha256), None)
            return
        _record(settings, job_id, sha256, None, False, "tệp không còn (file gone)")
        raise BadFile(f"file gone: {rel}")
    try:
        result = _state["ingestor"].ingest_one(file, rel, values, _state["pool"])
    except Exception as e:  # a service down, the database …: retried; the last error is what `failed` shows
        _record_quietly(settings, job_id, sha256, f"{type(e).__name__}: {str(e)[:500]}")
        raise
    if result.status == "failed":
        _record(settings, job_id, sha256, None, False, f"{result.reason}: {result.error}")
        _unspool(settings, file)
        raise BadFile(f"{result.reason}: {result.error}")
    duplicate = result.status == "duplicate"
    if duplicate and context.job.attempts > 0:
        # A retry finding the record may be finding its own earlier attempt's work (killed, or
        # cut off from the database before the job was marked done): a duplicate only if
        # another job made the record.
        duplicate = _made_by_another_job(settings, job_id, sha256)
    _record(settings, job_id, sha256, result.record_id, duplicate, None, 0 if duplicate else result.pages)
    _unspool(settings, file)
    forget_failure(settings, rel, sha256)


def forget_failure(settings: Settings, rel: str, sha256: str) -> bool:
    """A file kept in ``failed/`` by an earlier attempt and now archived (a retry that
    worked) leaves ``failed/``: every file is in the archive or in failed/, never both. Only
    the same bytes are removed."""
    kept = settings.failed_dir / rel
    if not rel or not kept.is_file() or file_sha256(kept) != sha256:
        return False
    kept.unlink()
    kept.with_name(kept.name + ".reason.txt").unlink(missing_ok=True)
    return True


def _made_by_another_job(settings: Settings, job_id: int, sha256: str) -> bool:
    with psycopg.connect(settings.database_dsn(), autocommit=True) as c:
        return c.execute("SELECT 1 FROM ingest_jobs WHERE sha256=%s AND job_id<>%s AND record_id IS NOT NULL "
                         "LIMIT 1", (sha256, job_id)).fetchone() is not None


def _record(settings: Settings, job_id: int, sha256: str, record_id: str | None, duplicate: bool,
            error: str | None, pages: int = 0) -> None:
    with psycopg.connect(settings.database_dsn(), autocommit=True) as c:
        c.execute(
            "INSERT INTO ingest_jobs (job_id, sha256, record_id, duplicate, error, pages) VALUES (%s,%s,%s,%s,%s,%s) "
            "ON CONFLICT (job_id) DO UPDATE SET record_id=EXCLUDED.record_id, duplicate=EXCLUDED.duplicate, "
            "error=EXCLUDED.error, pages=EXCLUDED.pages, updated_at=now()",
            (job_id, sha256, record_id, duplicate, error, pages))


def _record_quietly(settings: Settings, job_id: int, sha256: str, error: str) -> None:
    try:
        _record(settings, job_id, sha256, None, False, error)
    except psycopg.Error:
        pass


def _unspool(settings: Settings, file: Path) -> None:
    """A pushed file is dropped from the spool once its job is over (the bag or failed/ has it)."""
    if file.parent.resolve() == settings.spool_dir.resolve():
        file.unlink(missing_ok=True)


# Always at least one periodic task: besides pruning, it works around procrastinate #1597
# (3.10): with none, a worker whose LISTEN or heartbeat fails (PostgreSQL restarted) keeps
# running without noticing, instead of stopping so that run_worker starts it again.
@app.periodic(cron="17 3 * * *", periodic_id="prune")
@app.task(name="prune_old_jobs", queue="maintenance", queueing_lock="prune_old_jobs")
async def prune_old_jobs(timestamp: int) -> None:
    # succeeded jobs older than 30 days; failed ones stay for inspection
    await app.job_manager.delete_old_jobs(nb_hours=24 * 30)


# -- stalled jobs ---------------------------------------------------------------------


async def retry_stalled_once(settings: Settings) -> list[int]:
    """Jobs 'doing' on a worker silent for job_stalled_seconds go back to 'todo'. One
    reaper at a time (advisory lock): two acting on lists read at different moments could
    reset a job a live worker has just taken again."""
    retried: list[int] = []
    async with await psycopg.AsyncConnection.connect(settings.database_dsn(), autocommit=True) as lk:
        got = (await (await lk.execute("SELECT pg_try_advisory_lock(hashtext('tracuu-reaper'))")).fetchone())[0]
        if not got:
            return retried
        try:
            for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=settings.job_stalled_seconds):
                try:
                    await app.job_manager.retry_job(job)
                    retried.append(job.id)
                except Exception as e:  # another state by now: leave it
                    log.info("retry of stalled job %s skipped: %s", job.id, e)
        finally:
            await lk.execute("SELECT pg_advisory_unlock(hashtext('tracuu-reaper'))")
    if retried:
        log.warning("jobs of a dead worker given back to the queue: %s", retried)
    return retried


async def _reaper(settings: Settings, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            await retry_stalled_once(settings)
        except Exception as e:  # database away: next round
            log.warning("stalled-job check failed: %s", e)


# -- the worker process ---------------------------------------------------------------


def run_worker(settings: Settings, name: str, say=print) -> None:
    """A worker: one job at a time, OCR in a child process; a reaper of dead workers' jobs
    beside it. Losing the database stops procrastinate's worker; it is started again with
    backoff. SIGTERM/SIGINT: finish the running job, then stop."""
    from search.index import RecordIndex

    from .pipeline import Ingestor, OcrPool

    migrate(settings)
    index = RecordIndex.from_settings(settings)
    index.ensure()
    heartbeat = max(1.0, settings.job_stalled_seconds / 3)
    stopping = asyncio.Event()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping.set)
        with app.replace_connector(_connector(settings.database_dsn())):
            async with app.open_async():
                reaper = asyncio.create_task(_reaper(settings, heartbeat))
                worker = asyncio.create_task(app.run_worker_async(
                    name=name, queues=["ingest", "maintenance"], concurrency=1,
                    update_heartbeat_interval=heartbeat, stalled_worker_timeout=settings.job_stalled_seconds,
                    install_signal_handlers=False))
                stop_wait = asyncio.create_task(stopping.wait())
                await asyncio.wait({worker, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
                if stopping.is_set() and not worker.done():
                    worker.cancel()  # procrastinate: a graceful stop, the running job finishes
                reaper.cancel()
                stop_wait.cancel()
                try:
                    await worker
                except asyncio.CancelledError:
                    pass

    with OcrPool(settings.model_copy(update={"ocr_workers": 1})) as pool:
        _state.update(settings=settings, ingestor=Ingestor(settings, index), pool=pool)
        say(f"worker {name}: ready")
        delay = 1.0
        while True:
            t0 = time.monotonic()
            try:
                asyncio.run(main())
            except (pexc.ProcrastinateException, psycopg.Error, OSError) as e:
                log.warning("worker %s: database trouble: %s", name, e)
            if stopping.is_set():
                return
            delay = 1.0 if time.monotonic() - t0 > 60 else min(delay * 2, 30.0)
            say(f"worker {name}: stopped without being asked (database lost?); again in {delay:.0f} s")
            time.sleep(delay)
            stopping = asyncio.Event()


# -- deferring and looking up ----------------------------------------------------------


def enqueue(client: App, settings: Settings, path: Path, sha256: str, rel: str,
            metadata: dict[str, str]) -> int:
    """Defer one file's job (the client app must be open); the same bytes queued or running
    already give that job's id back. A race yields a second job, which the lock runs after
    the first and the archive turns into a duplicate."""
    with psycopg.connect(settings.database_dsn(), autocommit=True) as c:
        row = c.execute("SELECT id FROM procrastinate_jobs WHERE lock=%s AND task_name='ingest_file' "
                        "AND status IN ('todo','doing') ORDER BY id LIMIT 1", (sha256,)).fetchone()
    if row:
        return row[0]
    return client.configure_task("ingest_file", lock=sha256, queue="ingest").defer(
        path=str(path), sha256=sha256, rel=rel, metadata=metadata)


_STATUS = {"todo": "queued", "doing": "running", "succeeded": "done", "failed": "failed",
           "cancelled": "failed", "aborting": "running", "aborted": "failed"}


def job_status(settings: Settings, job_id: int) -> dict[str, Any] | None:
    """queued | running | done | failed | duplicate, with the record id and the error."""
    with psycopg.connect(settings.database_dsn(), autocommit=True) as c:
        row = c.execute(
            "SELECT j.status, i.record_id, i.duplicate, i.error FROM procrastinate_jobs j "
            "LEFT JOIN ingest_jobs i ON i.job_id = j.id WHERE j.id=%s AND j.task_name='ingest_file'",
            (job_id,)).fetchone()
    if row is None:
        return None
    state, record_id, duplicate, error = row
    status = _STATUS[state]
    if status == "done" and duplicate:
        status = "duplicate"
    if status == "failed" and not error:
        error = "lỗi khi nhập; xem nhật ký của worker (failed; see the worker's log)"
    return {"status": status, "record_id": record_id, "error": error if status == "failed" else None}


def recent_jobs(settings: Settings, limit: int = 50) -> list[dict[str, Any]]:
    """The latest ingest jobs, newest first, as ``job_status`` says them, with the name the
    job was given (a SHA-256 for files pushed or uploaded) and its attempts."""
    with psycopg.connect(settings.database_dsn(), autocommit=True) as c:
        rows = c.execute(
            "SELECT j.id, j.status, j.args->>'rel', j.attempts, i.record_id, i.duplicate, i.error "
            "FROM procrastinate_jobs j LEFT JOIN ingest_jobs i ON i.job_id = j.id "
            "WHERE j.task_name='ingest_file' ORDER BY j.id DESC LIMIT %s", (limit,)).fetchall()
    jobs = []
    for job_id, state, rel, attempts, record_id, duplicate, error in rows:
        status = _STATUS[state]
        if status == "done" and duplicate:
            status = "duplicate"
        if status == "failed" and not error:
            error = "lỗi khi nhập; xem nhật ký của worker (failed; see the worker's log)"
        jobs.append({"job_id": job_id, "status": status, "name": rel or "", "attempts": attempts,
                     "record_id": record_id, "error": error if status == "failed" else None})
    return jobs


def retry_failed(client: App, settings: Settings, job_id: int) -> bool:
    """Queue a failed ingest job again (procrastinate's ``retry_job_by_id``); False when the
    job is not failed. A pushed or uploaded file left the spool when its job failed: it is
    put back from ``failed/``, where the job kept it."""
    import datetime as dt
    import shutil

    with psycopg.connect(settings.database_dsn(), autocommit=True) as c:
        row = c.execute("SELECT status, args->>'path', args->>'rel' FROM procrastinate_jobs "
                        "WHERE id=%s AND task_name='ingest_file'", (job_id,)).fetchone()
    if row is None or row[0] != "failed":
        return False
    _, path, rel = row
    file, kept = Path(path), settings.failed_dir / (rel or "")
    if not file.exists() and rel and kept.is_file() and file.parent.resolve() == settings.spool_dir.resolve():
        tmp = file.with_name(f".retry-{job_id}-{file.name}")
        shutil.copyfile(kept, tmp)
        os.replace(tmp, file)
    client.job_manager.retry_job_by_id(job_id, retry_at=dt.datetime.now(dt.timezone.utc))
    return True
