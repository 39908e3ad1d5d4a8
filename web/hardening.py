"""Security headers on every response, and a cap on request bodies (pure ASGI middleware)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The pages use their own stylesheet and script only; the PDF is framed by our own pages.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_CSP = CSP.encode()
#: The API docs page: our copy of Swagger UI starts from an inline script and sets inline
#: styles; it shows no personal data, so only there are inline scripts and styles allowed.
_DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
             "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'self'").encode()
_DOCS = "/docs"


class Hardening:
    """Security headers on every response, and request bodies over ``max_bytes`` refused
    (413) by Content-Length up front, or by counting for chunked uploads, before anything
    parses them. One middleware for both: each ASGI layer costs every request."""

    def __init__(self, app: ASGIApp, max_bytes: int, uploads: dict[str, int] | None = None,
                 form_targets: list[str] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.uploads = uploads or {}  # path -> its own cap (the push API takes whole files)
        # The logout form's answer sends the browser to the identity provider's end-session
        # endpoint, and browsers hold a form's redirects to form-action too: the providers'
        # origins (web/oidc.py) join 'self' there, nothing else.
        targets = " ".join(dict.fromkeys(form_targets or []))
        self.csp = CSP.replace("form-action 'self'", f"form-action 'self' {targets}").encode() if targets else _CSP

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.uploads.get(scope["path"], self.max_bytes)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await _too_large(send)
            return
        path = scope["path"]
        extra = [(k, v) for k, v in HEADERS]
        extra.append((b"content-security-policy", _DOCS_CSP if path == _DOCS else self.csp))
        no_store = not path.startswith("/static/")  # pages and API answers carry personal data
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > max_bytes:
                    raise _TooLarge()
            return message

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in extra if k not in present]
                if no_store and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, counted, add_headers)
        except _TooLarge:
            await _too_large(send)


class _TooLarge(Exception):
    pass


async def _too_large(send: Send) -> None:
    body = ('{"type":"about:blank","title":"Content Too Large","status":413,'
            '"detail":"Yêu cầu quá lớn.","detail_en":"The request body is too large."}').encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
