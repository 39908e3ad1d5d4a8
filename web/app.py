"""The FastAPI application: ``create_app(settings)`` wires routers, error handlers, the
templates and the OpenSearch client, so tests and ``tracuu serve`` build the same app with
their own settings."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from archive.recovery import catch_up
from database.accounts import AccountStore
from database.restrictions import RestrictionStore
from database.audit import AuditLog
from database.connection import DatabaseUnavailable
from database.sessions import SessionStore
from search.analysis import segment
from search.config import Settings, get_settings
from search.errors import SearchUnavailable
from search.index import RecordIndex

from . import metrics, problems, session
from .access_log import AccessLog
from .hardening import Hardening
from .ratelimit import Limiter
from .server_sessions import ServerSessions
from .oidc import make_oauth, provider_origins
from .routes import (account, admin, api, citizen, corrections, health, ingest, ingest_page, pages, reports, sso,
                     status)
from .templating import STATIC_DIR, make_templates

log = logging.getLogger(__name__)

DESCRIPTION = """Tìm kiếm và khai thác kết quả giải quyết thủ tục hành chính đã số hóa.

Search and retrieve the digitized results of Vietnamese administrative procedures.
Errors are `application/problem+json` with a Vietnamese `detail` and an English `detail_en`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.index = RecordIndex.from_settings(settings)
        # What a server or writer killed between its archive and index writes left behind.
        try:
            await run_in_threadpool(catch_up, settings.archive_dir, app.state.index)
        except SearchUnavailable:
            log.warning("OpenSearch unavailable at start-up; pending records are indexed by the next ingest")
        # A process with another audit key would write rows no one can verify: refused here.
        try:
            await run_in_threadpool(app.state.audit.check_key)
        except DatabaseUnavailable:
            log.warning("database unavailable at start-up; the audit key is checked when it is back")
        # pyvi loads its model on first use (~1 s): at start-up, not in the first clerk's search.
        await run_in_threadpool(segment, "khởi động")
        try:
            yield
        finally:
            app.state.index.client.close()
            app.state.audit.close()
            ingest.close_queue(app)

    # docs_url=None: FastAPI's /docs loads Swagger UI from a CDN; ours serves a copy (below).
    app = FastAPI(title="Tra cứu API", description=DESCRIPTION, version="1.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.templates = make_templates()
    app.state.accounts = AccountStore.of(settings)
    app.state.restrictions = RestrictionStore.of(settings)
    app.state.oauth = make_oauth(settings)
    app.state.audit = AuditLog.of(settings)
    app.state.citizen_limiter = Limiter(settings.database_dsn(), "citizen",
                                        {"client": settings.citizen_limit_client,
                                         "subject": settings.citizen_limit_subject})
    app.state.login_limiter = Limiter(settings.database_dsn(), "login", {"client": settings.login_limit_client})
    # Outermost last: the body cap acts before anything reads a body.
    app.add_middleware(ServerSessions, store=SessionStore.of(settings), cookie=session.COOKIE,
                       max_age=settings.officer_session_hours * 3600,
                       https_only=settings.public_url.startswith("https://"))
    app.add_middleware(AccessLog)
    # A pushed file may be as large as a file in a folder (+ the multipart envelope).
    app.add_middleware(Hardening, max_bytes=settings.max_request_bytes, form_targets=provider_origins(settings),
                       uploads={ingest.PUSH_PATH: settings.max_file_bytes + 1024 * 1024,
                                ingest_page.PAGE_PATH: ingest_page.MAX_FILES * settings.max_file_bytes + 1024 * 1024})
    if settings.trusted_proxy_list:
        # Outermost of all: the rate limits, the audit and the access log see the client the
        # proxy names, and only a listed proxy is believed (`tracuu serve` leaves uvicorn's
        # own handling of these headers off).
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    metrics.install(app, settings.database_dsn())
    problems.install(app)

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url, title="Tra cứu API",
                                   swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
                                   swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
                                   swagger_favicon_url="data:,")

    app.include_router(health.router)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(sso.router)
    app.include_router(citizen.router)
    app.include_router(account.router)
    app.include_router(admin.router)
    app.include_router(reports.router)
    app.include_router(corrections.router)
    app.include_router(status.router)
    app.include_router(ingest.router)
    app.include_router(ingest_page.router)
    return app
