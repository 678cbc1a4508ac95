"""One access log line per editor request, and the exchange metrics that go with it.

The line is JSON (see :mod:`services.common.logging`) on the ``netsynchro.access`` logger: who asked
(editor, product, certificate serial), for which school and flow, the status, the bytes sent, the
duration and the sync id — what an operator greps for when an editor says "it failed at 7:42". It is
written once the last byte has left, so a streamed export logs its real size and duration.

The metrics keep bounded labels only (flow, product, status): the UAI and the serial are in the log.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.metrics import HttpMetrics
from services.gateway.sync import Exchange

access_log = logging.getLogger("netsynchro.access")

# Operational routes are scraped or probed every few seconds: they are not exchanges.
_NOT_EXCHANGES = ("/metrics", "/healthz", "/readyz", "/docs", "/openapi", "/static", "/erreurs")
_DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


class ExchangeMetrics:
    def __init__(self, metrics: HttpMetrics) -> None:
        self.exchanges = Counter(
            "netsynchro_exchanges_total",
            "Editor requests answered by the gateway, by flow, product and HTTP status",
            ["flow", "product", "status"],
            registry=metrics.registry,
        )
        self.export_bytes = Counter(
            "netsynchro_export_bytes_total",
            "Bytes of exports sent to editors, by flow",
            ["flow"],
            registry=metrics.registry,
        )
        self.export_duration = Histogram(
            "netsynchro_export_duration_seconds",
            "Time to serve an export, to its last byte, by flow",
            ["flow"],
            buckets=_DURATION_BUCKETS,
            registry=metrics.registry,
        )


class AccessLogMiddleware:
    """Pure ASGI, like the metrics middleware: it must count a streamed body without buffering it."""

    def __init__(self, app: ASGIApp, metrics: ExchangeMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(_NOT_EXCHANGES):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        seen: dict[str, int] = {"status": 500, "bytes": 0}

        async def observe(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
            elif message["type"] == "http.response.body":
                seen["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            self._record(scope, seen["status"], seen["bytes"], time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, size: int, duration: float) -> None:
        state: dict[str, Any] = scope.get("state") or {}
        exchange: Exchange | None = state.get("exchange")
        identity = exchange.identity if exchange else None
        flow = exchange.flow if exchange else None
        product = identity.product if identity else None
        self.metrics.exchanges.labels(flow or "aucun", product or "inconnu", str(status)).inc()
        if exchange is not None and exchange.direction == "export" and status == 200:
            self.metrics.export_bytes.labels(flow).inc(size)
            self.metrics.export_duration.labels(flow).observe(duration)
        access_log.info(
            "%s %s %s",
            scope.get("method"),
            scope.get("path"),
            status,
            extra={
                "access": True,
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status,
                "bytes": size,
                "duration_ms": round(duration * 1000, 3),
                "flow": flow,
                "editor": identity.editor if identity else None,
                "product": product,
                "serial": identity.serial_hex if identity else None,
                "uai": identity.uai if identity else (exchange.uai if exchange else None),
                "year": exchange.year if exchange else None,
                "sync_id": exchange.sync_id if exchange else state.get("sync_id"),
            },
        )
