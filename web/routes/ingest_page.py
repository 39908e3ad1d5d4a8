"""The ingest page for officers (issue #19): upload files with an optional manifest, see the
latest jobs, retry a failed one.

Each file goes the push API's way (web/routes/ingest.py): spooled under its SHA-256 (the
officer's file names are not kept: they carry personal data), one job per file in the
queue (indexer/queue.py), a worker reads it. A manifest (manifest.csv or .xlsx, read by
indexer/manifest.py as for a folder) gives its values to the uploaded files by file name;
its bad rows are shown with their row numbers.
"""

from __future__ import annotations

import datetime as dt
import enum
import tempfile
from pathlib import Path
from typing import Any

import psycopg
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from indexer import queue
from indexer.errors import ManifestError
from indexer.formats import SUPPORTED_SUFFIXES
from indexer.manifest import MANIFEST_NAMES, read_manifest
from search.errors import SettingsError

from ..auth import CsrfDep, StaffDep, audit
from ..deps import SettingsDep, TemplatesDep
from .ingest import _queue, _spool

router = APIRouter(include_in_schema=False)

PAGE_PATH = "/ingest"
#: Files in one upload; the request may be this many times TRACUU_MAX_FILE_BYTES (web/app.py).
MAX_FILES = 20
RECENT = 50
REFRESH_SECONDS = 3
_DB_ERRORS = (psycopg.Error, OSError, SettingsError)
_DOWN = "Hàng đợi nhập (PostgreSQL) không truy cập được; hãy thử lại sau hoặc báo quản trị viên."


def _text(value: Any) -> str:
    """A manifest value as the text the job carries (as `tracuu ingest --queue` sends it)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value.value if isinstance(value, enum.Enum) else value)


def _page(request: Request, templates, settings, status_code: int = 200, **context) -> Response:
    try:
        jobs, down = queue.recent_jobs(settings, RECENT), None
    except _DB_ERRORS:
        jobs, down = [], _DOWN
    busy = any(j["status"] in ("queued", "running") for j in jobs)
    refresh = context.pop("refresh", False) and busy
    response = templates.TemplateResponse(request, "ingest.html", {
        "jobs": jobs, "down": context.pop("down", None) or down, "busy": refresh, "max_files": MAX_FILES,
        "max_mib": settings.max_file_bytes // 2**20, "suffixes": ", ".join(sorted(SUPPORTED_SUFFIXES)),
        **context}, status_code=status_code)
    if refresh:  # no script: the browser reloads the list (a GET, never the upload again)
        response.headers["Refresh"] = f"{REFRESH_SECONDS}; url={PAGE_PATH}"
    return response


@router.get(PAGE_PATH, response_class=HTMLResponse)
def ingest_page(request: Request, settings: SettingsDep, templates: TemplatesDep, who: StaffDep,
                retried: int | None = None) -> Response:
    return _page(request, templates, settings, retried=retried, refresh=True)


def _read_manifest(upload: UploadFile) -> tuple[dict[str, tuple[int, dict[str, Any]]], list[tuple[int, str]]]:
    """The uploaded manifest's rows by file name (no folders: the files come one by one) and
    its problems by row; ManifestError when it cannot be read at all."""
    suffix = Path(upload.filename or "").suffix.lower()
    name = next((n for n in MANIFEST_NAMES if n.endswith(suffix)), None) if suffix else None
    if name is None:
        raise ManifestError("Manifest phải là tệp .csv hoặc .xlsx (manifest.csv, manifest.xlsx).")
    with tempfile.TemporaryDirectory(prefix="tracuu-manifest-") as tmp:
        (Path(tmp) / name).write_bytes(upload.file.read())
        manifest = read_manifest(Path(tmp))
    return {Path(rel).name: row for rel, row in manifest.rows.items()}, list(manifest.errors)


def _enqueue_all(request: Request, settings, who, files: list[UploadFile],
                 manifest_upload: UploadFile | None) -> dict[str, Any]:
    result: dict[str, Any] = {"accepted": [], "rejected": [], "manifest_errors": [], "down": None}
    rows: dict[str, tuple[int, dict[str, Any]]] = {}
    if manifest_upload is not None:
        try:
            rows, result["manifest_errors"] = _read_manifest(manifest_upload)
        except ManifestError as e:
            result["manifest_failed"] = str(e)
            return result  # the officer meant its values to apply: nothing is queued without them
    used: set[str] = set()
    for n, upload in enumerate(files, start=1):
        name = Path(upload.filename or "").name
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            result["rejected"].append((n, f"loại tệp '{suffix or '(không có đuôi)'}' không được nhận"))
            continue
        spooled = _spool(upload, settings, suffix)
        if spooled is None:
            result["rejected"].append((n, f"vượt giới hạn {settings.max_file_bytes // 2**20} MiB"))
            continue
        path, sha = spooled
        row_no, values = rows.get(name, (0, {}))
        if row_no:
            used.add(name)
        given = {k: _text(v) for k, v in values.items()}
        try:
            job_id = queue.enqueue(_queue(request.app, settings), settings, path, sha, path.name, given)
        except _DB_ERRORS as e:
            audit(request, who, "ingest_upload", outcome="error", detail=f"{sha[:16]}: {type(e).__name__}")
            result["down"] = _DOWN
            return result
        audit(request, who, "ingest_upload", detail=f"job {job_id} sha256 {sha[:16]}"
                                                   + (f" manifest row {row_no}" if row_no else ""))
        result["accepted"].append((n, job_id, sha[:12], row_no))
    for name, (row_no, _values) in sorted(rows.items(), key=lambda item: item[1][0]):
        if name not in used:
            result["manifest_errors"].append((row_no, "không có tệp tải lên nào mang tên ở cột 'file'"))
    result["manifest_errors"].sort(key=lambda e: e[0])
    return result


@router.post(PAGE_PATH, dependencies=[CsrfDep])
async def upload(request: Request, settings: SettingsDep, templates: TemplatesDep, who: StaffDep) -> Response:
    form = await request.form()
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    manifest_upload = form.get("manifest")
    if not isinstance(manifest_upload, UploadFile) or not manifest_upload.filename:
        manifest_upload = None
    if not files:
        return _page(request, templates, settings, 400, error="Hãy chọn ít nhất một tệp để nhập.")
    if len(files) > MAX_FILES:
        return _page(request, templates, settings, 400,
                     error=f"Mỗi lần nhập tối đa {MAX_FILES} tệp; hãy chia thành nhiều lần.")
    result = await run_in_threadpool(_enqueue_all, request, settings, who, files, manifest_upload)
    clean = not (result["rejected"] or result["manifest_errors"] or result.get("manifest_failed") or result["down"])
    return _page(request, templates, settings, 503 if result["down"] else 200, upload=result, refresh=clean)


@router.post(PAGE_PATH + "/{job_id}/retry", dependencies=[CsrfDep])
def retry(job_id: int, request: Request, settings: SettingsDep, templates: TemplatesDep,
          who: StaffDep) -> Response:
    try:
        done = queue.retry_failed(_queue(request.app, settings), settings, job_id)
    except _DB_ERRORS as e:
        audit(request, who, "ingest_retry", outcome="error", detail=f"job {job_id}: {type(e).__name__}")
        return _page(request, templates, settings, 503, down=_DOWN)
    if not done:
        return _page(request, templates, settings, 409, error=f"Việc {job_id} không ở trạng thái lỗi; không thử lại.")
    audit(request, who, "ingest_retry", detail=f"job {job_id}")
    return RedirectResponse(f"{PAGE_PATH}?retried={job_id}", status_code=303)
