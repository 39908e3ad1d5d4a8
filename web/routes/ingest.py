"""The push API: an issuing system sends a result as it issues it (scope ``ingest``).

The file is kept in ``TRACUU_DATA_DIR/spool`` under its SHA-256 (never the sender's file
name: names carry personal data), a job is queued (indexer/queue.py) and its id answered at
once; a worker (``tracuu worker``) OCRs, archives and indexes it. The same bytes twice give
the same record: the second job ends as ``duplicate``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Annotated, Any, Literal

import psycopg
from fastapi import APIRouter, FastAPI, File, Form, Request, UploadFile
from pydantic import BaseModel, Field

from indexer import queue
from indexer.formats import SUPPORTED_SUFFIXES
from indexer.manifest import MANIFEST_FIELDS, parse_values
from search.config import Settings
from search.errors import SettingsError

from ..auth import IngestAccess, audit
from ..deps import SettingsDep
from ..problems import problem
from .api import PROBLEMS

router = APIRouter(tags=["ingest"])

PUSH_PATH = "/api/v1/ingest"
_QUEUE_LOCK = threading.Lock()

_RESPONSES = {
    **{c: PROBLEMS[c] for c in (401, 403)},
    413: {"description": "The file is larger than TRACUU_MAX_FILE_BYTES (problem+json)."},
    415: {"description": "Not a kind of file Tra cứu ingests (problem+json)."},
    422: {"description": "`metadata` is not a JSON object of record fields, or a value is wrong (problem+json)."},
    503: {"description": "The job queue's database is unreachable; retry after `Retry-After` seconds."},
}


class JobAccepted(BaseModel):
    job_id: int = Field(description="Ask `GET /api/v1/ingest/{job_id}` how it went.")


class JobView(BaseModel):
    status: Literal["queued", "running", "done", "failed", "duplicate"]
    record_id: str | None = Field(None, description="The record made (or, for a duplicate, the one that had these bytes).")
    error: str | None = Field(None, description="Why the file was refused, for `failed`.")


def _queue(app: FastAPI, settings: Settings):
    """The web process's queue client, opened on first use (search works without the database)."""
    with _QUEUE_LOCK:
        client = getattr(app.state, "queue", None)
        if client is None:
            # fail fast when the database is away (the pool would wait 30 s for it)
            psycopg.connect(settings.database_dsn(), connect_timeout=5).close()
            client = queue.client_app(settings)
            client.open()
            app.state.queue = client
        return client


def close_queue(app: FastAPI) -> None:
    client = getattr(app.state, "queue", None)
    if client is not None:
        client.close()
        app.state.queue = None


def _unavailable():
    return problem(503, "Service Unavailable", "Hàng đợi nhập (PostgreSQL) không truy cập được; hãy thử lại sau.",
                   "The ingest queue's database is unreachable; retry later.")


def _spool(upload: UploadFile, settings: Settings, suffix: str) -> tuple[Path, str] | None:
    """Copy the upload into the spool under its SHA-256; None when it is too large."""
    settings.spool_dir.mkdir(parents=True, exist_ok=True)
    h, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=settings.spool_dir, prefix=".upload-", delete=False) as tmp:
        try:
            for chunk in iter(lambda: upload.file.read(1 << 20), b""):
                size += len(chunk)
                if size > settings.max_file_bytes:
                    raise OverflowError
                h.update(chunk)
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
        except OverflowError:
            os.unlink(tmp.name)
            return None
    sha = h.hexdigest()
    final = settings.spool_dir / f"{sha}{suffix}"  # content-addressed: the same bytes are one file
    os.replace(tmp.name, final)
    return final, sha


@router.post(PUSH_PATH, status_code=202, response_model=JobAccepted, responses=_RESPONSES,
             summary="Push one issued result: the file and its record fields; a job is queued (scope: ingest)")
def push(request: Request, settings: SettingsDep, who: IngestAccess,
         file: Annotated[UploadFile, File(description="The result as issued: PDF, image, DOCX …")],
         metadata: Annotated[str, Form(description="JSON object of record fields, as the columns of manifest.csv "
                                       "(document_number, issue_date, subject_name, procedure_code …)")] = "{}"):
    """Answers at once with the job's id; a worker reads, archives and indexes the file. The
    limits of a folder's files hold: size (TRACUU_MAX_FILE_BYTES), kind, content — a file
    that cannot be ingested is kept in `failed/` and its job ends `failed` with the reason.
    The same bytes again give the same record (status `duplicate`)."""
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return problem(415, "Unsupported Media Type",
                       f"Loại tệp '{suffix or '(không có đuôi)'}' không được nhận; dùng một trong: "
                       f"{', '.join(sorted(SUPPORTED_SUFFIXES))}.", "Not a supported kind of file.")
    try:
        given: Any = json.loads(metadata or "{}")
        if not isinstance(given, dict):
            raise ValueError("metadata phải là một đối tượng JSON (must be a JSON object)")
        unknown = sorted(k for k in given if k not in MANIFEST_FIELDS)
        if unknown:
            raise ValueError(f"trường không có: {', '.join(unknown)[:200]}")
        given = {k: "" if v is None else str(v) for k, v in given.items()}
        parse_values(given)
    except ValueError as e:
        return problem(422, "Unprocessable Entity", f"metadata không hợp lệ: {e}", "Invalid metadata.")
    spooled = _spool(file, settings, suffix)
    if spooled is None:
        return problem(413, "Content Too Large",
                       f"Tệp vượt giới hạn {settings.max_file_bytes // 2**20} MiB; hãy tách tệp.",
                       "The file is larger than the limit.")
    path, sha = spooled
    try:
        job_id = queue.enqueue(_queue(request.app, settings), settings, path, sha, path.name, given)
    except (psycopg.Error, OSError, SettingsError) as e:
        audit(request, who, "ingest_push", outcome="error", detail=f"{sha[:16]}: {type(e).__name__}")
        return _unavailable()
    audit(request, who, "ingest_push", detail=f"job {job_id} sha256 {sha[:16]}")
    return JobAccepted(job_id=job_id)


@router.get(PUSH_PATH + "/{job_id}", response_model=JobView,
            responses={**_RESPONSES, 404: {"description": "No such ingest job (problem+json)."}},
            summary="How a pushed file's job went: queued, running, done, failed or duplicate (scope: ingest)")
def job(job_id: int, settings: SettingsDep, who: IngestAccess):
    try:
        found = queue.job_status(settings, job_id)
    except (psycopg.Error, OSError, SettingsError):
        return _unavailable()
    if found is None:
        return problem(404, "Not Found", "Không có việc nhập này.", "No such ingest job.")
    return JobView(**found)
