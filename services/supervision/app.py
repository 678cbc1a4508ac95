"""Supervision: the sync journal fed by the event stream, the console (pages, JSON API, live feed),
alert rules with webhooks, diagnostics and data-quality reports."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from services.common import subjects
from services.common.auth import OidcClient, SessionCookieMiddleware, WebAuth
from services.common.bus import Bus, ConsumerSpec
from services.common.metrics import HttpMetrics, watch_consumers
from services.common.openapi import install_openapi
from services.common.runtime import Runtime, open_runtime, readiness_of
from services.common.web import install_error_handlers, install_operational_routes
from services.supervision.alerts.engine import AlertEngine
from services.supervision.diagnosis_client import DiagnosisClient
from services.supervision.handlers import sync_events_handler
from services.supervision.housekeeping import session_purging
from services.supervision.journal import SyncChange
from services.supervision.live import Broadcaster
from services.supervision.metrics import watch_journal
from services.supervision.models import MODELS
from services.supervision.relay import LiveRelay
from services.supervision.routes import ROUTERS
from services.supervision.routes.pages import install_page_handlers
from services.supervision.settings import SupervisionSettings
from services.supervision.state import SupervisionState

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


def journal_consumer(settings: SupervisionSettings) -> ConsumerSpec:
    return ConsumerSpec(
        stream=subjects.SYNC_EVENTS.name,
        durable=subjects.SUPERVISION_DURABLE,
        filter_subject="sync.events.>",
        batch=settings.ingest_batch,
        max_ack_pending=max(1000, settings.ingest_batch * 4),
    )


def create_app(settings: SupervisionSettings, *, bus: Bus | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await open_runtime("supervision", settings.database, settings.nats, MODELS, bus=bus)
        app.state.runtime = runtime
        state = await _start(settings, runtime)
        app.state.supervision = state
        async with (
            httpx.AsyncClient() as webhook_client,
            session_purging(runtime.sessions, settings.session_purge_every_seconds),
        ):
            state.engine.start(webhook_client)
            try:
                yield
            finally:
                await state.engine.stop()
                await runtime.close()

    app = FastAPI(
        title="NetSynchro — supervision", version="1", lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.runtime = None
    app.state.web_auth = WebAuth(settings.auth, sessions=lambda request: request.app.state.runtime.sessions)
    app.add_middleware(SessionCookieMiddleware)
    install_error_handlers(app)
    # Every API route needs a bearer token or a signed-in session.
    install_openapi(app, every_operation=(401,))
    install_page_handlers(app)
    metrics = HttpMetrics("supervision")
    install_operational_routes(app, metrics, readiness_of(lambda: app.state.runtime))
    watch_consumers(metrics, lambda: app.state.runtime and app.state.runtime.bus)
    watch_journal(metrics, lambda: app.state.runtime, journal_consumer(settings))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    return app


async def _start(settings: SupervisionSettings, runtime: Runtime) -> SupervisionState:
    """Wire the live feed, the alert engine and the journal consumer, in the order that loses nothing:
    the relay listens before the consumer starts writing."""
    broadcaster = Broadcaster()
    relay = LiveRelay(runtime.bus, broadcaster)
    consumer = journal_consumer(settings)

    async def lag() -> int | None:
        try:
            return await runtime.bus.pending(consumer.stream, consumer.durable)
        except Exception:  # an unknown lag must not open or resolve the lag alert
            log.warning("cannot read the journal consumer's lag", exc_info=True)
            return None

    engine = AlertEngine(runtime.sessions, settings.alerts, lag_probe=lag, on_changed=relay.publish_alerts)

    async def after_commit(changes: Sequence[SyncChange]) -> None:
        await relay.publish_syncs(changes)
        if changes:
            engine.poke()

    await runtime.bus.ensure_streams([subjects.SYNC_EVENTS])
    await relay.start()
    await runtime.bus.consume_batches(consumer, sync_events_handler(runtime.sessions, after_commit))
    diagnosis = DiagnosisClient(runtime.bus, timeout=settings.diagnosis_timeout_seconds)
    oidc = OidcClient(settings.auth.oidc) if settings.auth.oidc is not None else None
    return SupervisionState(settings, runtime, broadcaster, relay, engine, diagnosis, oidc)
