"""Errors as RFC 9457 ``application/problem+json`` for the API, and as a Vietnamese error
page for the HTML pages — the same message either way.

Messages never echo personal data: the project's errors are written without it, and
validation errors report the parameter name, not the value sent.
"""

from __future__ import annotations

import logging
import traceback
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from database.connection import DatabaseUnavailable
from search.errors import FileNotAvailable, InvalidQuery, RecordNotFound, SearchUnavailable, TracuuError

from .auth import AccessDenied
from .ratelimit import TooManyAttempts

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"
#: Paths that always answer JSON; everything else is a page for people.
_MACHINE_PREFIXES = ("/api/", "/healthz", "/readyz", "/openapi.json", "/static/")

_UNAVAILABLE_VI = "Máy chủ tìm kiếm tạm thời không hoạt động; vui lòng thử lại sau ít phút."


def problem(status: int, title: str, detail_vi: str, detail_en: str) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail_vi,
         "detail_en": detail_en},
        status_code=status, media_type=PROBLEM,
        headers={"Retry-After": "10"} if status == 503 else None,
    )


def _respond(request: Request, status: int, title: str, detail_vi: str, detail_en: str) -> Response:
    if request.url.path.startswith(_MACHINE_PREFIXES):
        return problem(status, title, detail_vi, detail_en)
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "message": detail_vi}, status_code=status,
        headers={"Retry-After": "10"} if status == 503 else None,
    )


#: How each of the project's errors answers: status, title, the Vietnamese text (None: the
#: error's own message) and the English one. The most specific class listed wins
#: (FileNotAvailable before RecordNotFound); AccessDenied has a handler of its own.
_ANSWERS: dict[type[TracuuError], tuple[int, str, str | None, str]] = {
    TooManyAttempts: (429, "Too Many Requests", None, "Too many attempts; wait a few minutes."),
    FileNotAvailable: (404, "Not Found", None, "The record has no file of this kind."),
    RecordNotFound: (404, "Not Found", None, "No record has this id."),
    SearchUnavailable: (503, "Service Unavailable", _UNAVAILABLE_VI,
                        "The search server is unavailable; please retry in a few minutes."),
    DatabaseUnavailable: (503, "Service Unavailable", "Cơ sở dữ liệu tạm thời không truy cập được; vui lòng thử lại "
                          "sau ít phút.", "The database is unavailable; please retry in a few minutes."),
    InvalidQuery: (400, "Bad Request", None, "The request is not valid."),
    TracuuError: (500, "Internal Server Error", None, "The request could not be completed."),
}


def unavailable(request: Request, e: TracuuError) -> Response:
    """The answer to a service being down, for code outside the routes (middleware)."""
    status, title, vi, en = _ANSWERS[type(e)] if type(e) in _ANSWERS else _ANSWERS[TracuuError]
    return _respond(request, status, title, vi or e.message, en)


def install(app: FastAPI) -> None:
    @app.exception_handler(AccessDenied)
    async def denied(request: Request, e: AccessDenied):
        if e.status == 401 and not request.url.path.startswith(_MACHINE_PREFIXES):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
        title = "Unauthorized" if e.status == 401 else "Forbidden"
        response = _respond(request, e.status, title, e.message, e.message_en)
        if e.status == 401 and request.url.path.startswith("/api/"):
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    async def known(request: Request, e: TracuuError):
        status, title, vi, en = next(_ANSWERS[c] for c in type(e).__mro__ if c in _ANSWERS)
        return _respond(request, status, title, vi or e.message, en)

    for error in _ANSWERS:
        app.add_exception_handler(error, known)

    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, e: RequestValidationError):
        where = ", ".join(".".join(str(p) for p in err["loc"][1:]) or "body" for err in e.errors()[:5])
        return _respond(request, 422, "Unprocessable Content",
                        f"Tham số không hợp lệ: {where}.", f"Invalid parameter: {where}.")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, e: Exception):
        """A defect. The log gets the type and the code path, not the message: messages of
        library errors can quote what was searched for."""
        log.error("unexpected %s on %s %s\n%s", type(e).__name__, request.method, request.url.path,
                  "".join(traceback.format_tb(e.__traceback__)))
        return _respond(request, 500, "Internal Server Error",
                        "Đã xảy ra lỗi ngoài dự kiến; lỗi đã được ghi lại. Vui lòng thử lại hoặc báo quản trị viên.",
                        "An unexpected error occurred; it has been logged.")

    @app.exception_handler(HTTPException)
    async def http(request: Request, e: HTTPException):
        vi = {404: "Không tìm thấy trang.", 405: "Phương thức không được hỗ trợ."}.get(e.status_code, "Lỗi.")
        return _respond(request, e.status_code, str(e.detail), vi, str(e.detail))
