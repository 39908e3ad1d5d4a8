from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from database.connection import DatabaseUnavailable, transaction

from ..deps import IndexDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="OpenSearch and the database are reachable",
            responses={503: {"description": "Not ready"}})
def readyz(index: IndexDep, request: Request):
    """For a load balancer: a process that cannot reach OpenSearch or PostgreSQL (where keys,
    sessions and the audit log are) would answer every real request with a 503."""
    if not index.ping():
        return JSONResponse({"status": "unavailable", "detail": "OpenSearch is not reachable"}, status_code=503)
    try:
        with transaction(request.app.state.settings.database_dsn()) as db:
            db.execute("SELECT 1")
    except DatabaseUnavailable:
        return JSONResponse({"status": "unavailable", "detail": "The database is not reachable"}, status_code=503)
    return {"status": "ready"}
