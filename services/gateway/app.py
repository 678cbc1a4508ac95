"""The gateway: editors' HTTPS API behind mTLS."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import nats.errors
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from services.common import subjects
from services.common.bus import Bus
from services.common.import_bus import ensure_import_bus
from services.common.metrics import HttpMetrics, watch_consumers
from services.common.openapi import install_openapi as install_problem_responses
from services.common.web import (
    ReadinessCheck,
    bus_unavailable,
    install_error_handlers,
    install_operational_routes,
    problem_response,
    validation_problem,
)
from services.gateway.access_log import AccessLogMiddleware, ExchangeMetrics
from services.gateway.can_run import router as can_run_router
from services.gateway.docs_routes import install_docs
from services.gateway.identity_routes import router as identity_router
from services.gateway.import_routes import router as import_router
from services.gateway.openapi_doc import install_openapi
from services.gateway.outage import BusOutageGuard
from services.gateway.outbox import Outbox
from services.gateway.revocation import RevocationFeed
from services.gateway.routes import router
from services.gateway.settings import GatewaySettings
from services.gateway.state import GatewayState
from services.gateway.status_routes import router as status_router
from services.gateway.sync import SyncRecorder
from services.gateway.trust import TrustStore


def create_app(settings: GatewaySettings, *, bus: Bus | None = None) -> FastAPI:
    own_bus = bus is None
    the_bus = bus or Bus(settings.nats, name="gateway")
    recorder = SyncRecorder(the_bus, Outbox(settings.outbox_path))
    state = GatewayState(settings=settings, bus=the_bus, recorder=recorder, trust=TrustStore())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if own_bus:
            await the_bus.connect()
        await the_bus.ensure_streams([subjects.SYNC_EVENTS])
        await ensure_import_bus(the_bus)
        feed = RevocationFeed(the_bus, state.trust, settings.revocation, settings.tls.client_ca_file)
        await feed.start()
        flusher = asyncio.create_task(recorder.run_flusher())
        yield
        flusher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await flusher
        await recorder.flush()  # what the outbox still keeps, while the bus is still open
        await feed.close()
        if own_bus:
            await the_bus.close()

    # The default /docs and /redoc load their scripts from a CDN: docs_routes serves its own.
    app = FastAPI(
        title="NetSynchro — API des éditeurs", version="1", lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.gateway = state
    install_error_handlers(app)
    _journal_invalid_requests(app, state)
    _journal_bus_errors(app, state)
    metrics = HttpMetrics("gateway")
    install_operational_routes(
        app,
        metrics,
        readiness=lambda: [_bus_ready(the_bus), _trust_ready(state.trust)],
        behind_tls_proxy=settings.mode == "proxy",
    )
    app.add_middleware(AccessLogMiddleware, metrics=ExchangeMetrics(metrics))
    watch_consumers(metrics, lambda: the_bus)
    _watch_trust(metrics, state.trust)
    app.include_router(router)
    app.include_router(identity_router)
    app.include_router(import_router)
    app.include_router(status_router)
    app.include_router(can_run_router)
    install_openapi(app)
    # Over the editors' document: no 422 anywhere, 400 wherever input is validated, and on every
    # route the certificate's 401 and the bus's 503.
    install_problem_responses(app, every_operation=(401, 503))
    install_docs(app)
    app.add_middleware(BusOutageGuard, state=state)
    return app


def _journal_invalid_requests(app: FastAPI, state: GatewayState) -> None:
    """A request the framework refuses (``?simulation=maybe``, a 201-character ``Idempotency-Key``,
    ``format=pdf``) is a refused sync like any other: its answer names the sync id opened by the
    exchange, and supervision records it under that id."""

    async def on_invalid_request(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        problem = validation_problem(error)
        exchange = getattr(request.state, "exchange", None)
        if exchange is not None:
            await state.recorder.refused(exchange, problem)
        return problem_response(problem, request)

    app.add_exception_handler(RequestValidationError, on_invalid_request)


def _journal_bus_errors(app: FastAPI, state: GatewayState) -> None:
    """A bus error that reaches the app is a 503 (for its own class: see ``install_error_handlers``), and
    a refused sync: journaled through the outbox while NATS is away."""

    async def on_bus_error(request: Request, error: Exception) -> Response:
        problem = bus_unavailable()
        exchange = getattr(request.state, "exchange", None)
        if exchange is not None:
            await state.recorder.refused(exchange, problem)
        return problem_response(problem, request)

    app.add_exception_handler(nats.errors.Error, on_bus_error)


def _watch_trust(metrics: HttpMetrics, trust: TrustStore) -> None:
    """How old the CRL this gateway holds is, and how many serials it refuses."""
    crl_age = metrics.gauge(
        "netsynchro_gateway_crl_age_seconds", "Age of the CRL held (since its lastUpdate)"
    )
    crl_loaded = metrics.gauge(
        "netsynchro_gateway_crl_loaded", "1 once a CRL from GIN-WEB was verified and held"
    )
    revoked = metrics.gauge(
        "netsynchro_gateway_revoked_certificates", "Certificate serials the gateway refuses"
    )

    async def trust_store() -> None:
        revoked.set(len(trust.revoked_serials))
        crl_loaded.set(0 if trust.crl_last_update is None else 1)
        if trust.crl_last_update is not None:
            crl_age.set((datetime.now(UTC) - trust.crl_last_update).total_seconds())

    metrics.add_sampler(trust_store)


def _bus_ready(bus: Bus):  # type: ignore[no-untyped-def]
    async def nats_connected() -> None:
        if not bus.is_connected:
            raise RuntimeError("NATS non connecté")

    return nats_connected


def _trust_ready(trust: TrustStore) -> ReadinessCheck:
    async def revocations_loaded() -> None:
        if not trust.ready:
            raise RuntimeError("révocations en cours de chargement")

    return revocations_loaded
