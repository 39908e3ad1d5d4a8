from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..deps import IndexDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="OpenSearch is reachable", responses={503: {"description": "Not ready"}})
def readyz(index: IndexDep):
    if index.ping():
        return {"status": "ready"}
    return JSONResponse({"status": "unavailable", "detail": "OpenSearch is not reachable"}, status_code=503)
