"""Errors as RFC 9457 ``application/problem+json``, in Vietnamese and in English.

Messages never echo personal data: the project's errors are written without it, and
validation errors report the parameter name, not the value sent.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from search.errors import InvalidQuery, RecordNotFound, SearchUnavailable, TracuuError

PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail_vi: str, detail_en: str) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail_vi,
         "detail_en": detail_en},
        status_code=status, media_type=PROBLEM,
        headers={"Retry-After": "10"} if status == 503 else None,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(RecordNotFound)
    async def not_found(_: Request, e: RecordNotFound):
        return problem(404, "Not Found", e.message, "No record has this id.")

    @app.exception_handler(SearchUnavailable)
    async def unavailable(_: Request, e: SearchUnavailable):
        return problem(503, "Service Unavailable",
                       "Máy chủ tìm kiếm tạm thời không hoạt động; vui lòng thử lại sau ít phút.",
                       "The search server is unavailable; please retry in a few minutes.")

    @app.exception_handler(InvalidQuery)
    async def invalid(_: Request, e: InvalidQuery):
        return problem(400, "Bad Request", e.message, "The search request is not valid.")

    @app.exception_handler(TracuuError)
    async def other(_: Request, e: TracuuError):
        return problem(500, "Internal Server Error", e.message, "The request could not be completed.")

    @app.exception_handler(RequestValidationError)
    async def validation(_: Request, e: RequestValidationError):
        where = ", ".join(".".join(str(p) for p in err["loc"][1:]) or "body" for err in e.errors()[:5])
        return problem(422, "Unprocessable Content",
                       f"Tham số không hợp lệ: {where}.", f"Invalid parameter: {where}.")

    @app.exception_handler(HTTPException)
    async def http(_: Request, e: HTTPException):
        vi = {404: "Không tìm thấy trang.", 405: "Phương thức không được hỗ trợ."}.get(e.status_code, "Lỗi.")
        return problem(e.status_code, str(e.detail), vi, str(e.detail))
