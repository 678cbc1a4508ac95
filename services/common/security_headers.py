"""The browser-facing security headers of every service, written once.

Every response gets them, HTML or not: a JSON answer opened in a browser is a document too, and a
header a page does not need costs nothing. The policy allows only this origin's own files: no inline
script, no inline style, no plug-in, no foreign origin, never in a frame (a framed console let a
same-site page acknowledge an alert in one click). HSTS is sent on answers that came over TLS, i.e.
where this process terminated it (the gateway), and on every answer of a gateway behind the TLS proxy
of its proxy mode; a browser ignores it over plain HTTP anyway.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SecurityHeadersMiddleware:
    """Adds :data:`SECURITY_HEADERS` (and HSTS over https) to every HTTP response; a route that set
    one of them on purpose keeps its own value."""

    def __init__(self, app: ASGIApp, *, behind_tls_proxy: bool = False) -> None:
        self.app = app
        # Behind a proxy that terminated TLS every client came over https, whatever the hop says.
        self.behind_tls_proxy = behind_tls_proxy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        over_tls = self.behind_tls_proxy or scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if over_tls:
                    headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
            await send(message)

        await self.app(scope, receive, send_with_headers)
