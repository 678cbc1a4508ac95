"""Prometheus metrics: one registry per app (several apps share a process in tests), on ``/metrics``.

Besides HTTP traffic, each service exports business metrics named ``netsynchro_…`` (see docs/deploy.md).
Labels stay bounded — flow, product, state, code, durable — never a UAI or a serial. Values read from
elsewhere (JetStream consumer info, a table's counts) are sampled when Prometheus scrapes: the scrape
interval is the sampling period, and a sampler that fails leaves its last value and logs why.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from services.common.bus import Bus

log = logging.getLogger(__name__)

Sampler = Callable[[], Awaitable[None]]
# A scrape must answer even when the bus or the database does not: a sampler gets this long.
SAMPLE_TIMEOUT_SECONDS = 3.0


class HttpMetrics:
    """Request counts and latencies by route template, method and status."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency",
            ["service", "method", "route"],
            registry=self.registry,
        )
        self.refusals = Counter(
            "netsynchro_refusals_total",
            "Requests answered with a problem (RFC 9457), by its code",
            ["service", "code"],
            registry=self.registry,
        )
        self.service = service
        self._samplers: list[Sampler] = []

    def gauge(self, name: str, documentation: str, labels: tuple[str, ...] = ()) -> Gauge:
        return Gauge(name, documentation, list(labels), registry=self.registry)

    def add_sampler(self, sampler: Sampler) -> None:
        self._samplers.append(sampler)

    def refused(self, code: str) -> None:
        self.refusals.labels(self.service, code).inc()

    async def sample(self) -> None:
        for sampler in self._samplers:
            try:
                async with asyncio.timeout(SAMPLE_TIMEOUT_SECONDS):
                    await sampler()
            except Exception:  # a metric source down must not take the other metrics with it
                log.warning("metrics sampler %s failed", getattr(sampler, "__name__", sampler), exc_info=True)

    async def endpoint(self, _request: Request) -> Response:
        await self.sample()
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def watch_consumers(metrics: HttpMetrics, bus_of: Callable[[], Bus | None]) -> None:
    """Pending, unacknowledged and redelivered messages of each durable the service pulls from, and its
    acknowledgement floor (a floor that stops moving while messages wait is a stuck consumer)."""
    labels = ("stream", "durable")
    pending = metrics.gauge(
        "netsynchro_consumer_pending_messages", "Messages not yet delivered to the durable", labels
    )
    ack_pending = metrics.gauge(
        "netsynchro_consumer_ack_pending_messages", "Messages delivered, not yet acknowledged", labels
    )
    redelivered = metrics.gauge(
        "netsynchro_consumer_redelivered_messages",
        "Messages delivered more than once, still unacknowledged",
        labels,
    )
    floor = metrics.gauge(
        "netsynchro_consumer_ack_floor_sequence", "Stream sequence up to which all is acknowledged", labels
    )

    async def consumers() -> None:
        bus = bus_of()
        if bus is None or not bus.is_connected:
            return
        for spec in bus.consumer_specs:
            info = await bus.js.consumer_info(spec.stream, spec.durable)
            key = (spec.stream, spec.durable)
            pending.labels(*key).set(info.num_pending or 0)
            ack_pending.labels(*key).set(info.num_ack_pending or 0)
            redelivered.labels(*key).set(info.num_redelivered or 0)
            floor.labels(*key).set(info.ack_floor.stream_seq or 0 if info.ack_floor else 0)

    metrics.add_sampler(consumers)


class MetricsMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware): it must not buffer streamed exports."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: dict[str, Any] = {"code": 500}

        async def send_and_record(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            self.metrics.requests.labels(self.metrics.service, method, route, str(status["code"])).inc()
            self.metrics.latency.labels(self.metrics.service, method, route).observe(
                time.perf_counter() - started
            )
