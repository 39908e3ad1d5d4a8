"""One log line per request — method, path, status, time — and never the query string.

Uvicorn's own access log prints the full URL, and a URL here carries what clerks search
for: names, CCCD numbers. Those must not reach a log file, so uvicorn's is switched off
(``tracuu serve``) and this one writes the path alone (paths hold only record ids).
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger("tracuu.web")


class AccessLog:
    """Pure ASGI middleware (no per-request task or body buffering, unlike @app.middleware)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def capture(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            log.info("%s %s %d %.1f ms", scope["method"], scope["path"], status,
                     (time.perf_counter() - started) * 1000)
