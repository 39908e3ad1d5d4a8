"""The FastAPI application: ``create_app(settings)`` wires routers, error handlers and the
OpenSearch client, so tests and ``tracuu serve`` build the same app with their own settings."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from search.config import Settings, get_settings
from search.index import RecordIndex

from . import problems
from .routes import api, health


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.index = RecordIndex.from_settings(settings)
        try:
            yield
        finally:
            app.state.index.client.close()

    app = FastAPI(
        title="Tra cứu API",
        description="Tìm kiếm và khai thác kết quả giải quyết thủ tục hành chính đã số hóa.",
        version="1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    problems.install(app)
    app.include_router(health.router)
    app.include_router(api.router)
    return app
