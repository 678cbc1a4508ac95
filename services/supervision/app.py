"""Supervision: the sync journal, fed by the sync event stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.common import subjects
from services.common.bus import Bus, ConsumerSpec
from services.common.metrics import HttpMetrics
from services.common.runtime import open_runtime, readiness_of
from services.common.web import install_error_handlers, install_operational_routes
from services.supervision.handlers import sync_event_handler
from services.supervision.models import MODELS
from services.supervision.routes import router
from services.supervision.settings import SupervisionSettings

JOURNAL_CONSUMER = ConsumerSpec(
    stream=subjects.SYNC_EVENTS.name,
    durable=subjects.SUPERVISION_DURABLE,
    filter_subject="sync.events.>",
)


def create_app(settings: SupervisionSettings, *, bus: Bus | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await open_runtime("supervision", settings.database, settings.nats, MODELS, bus=bus)
        app.state.runtime = runtime
        await runtime.bus.ensure_streams([subjects.SYNC_EVENTS])
        await runtime.bus.consume(JOURNAL_CONSUMER, sync_event_handler(runtime.sessions))
        yield
        await runtime.close()

    app = FastAPI(title="NetSynchro — supervision", version="1", lifespan=lifespan)
    app.state.runtime = None
    install_error_handlers(app)
    install_operational_routes(app, HttpMetrics("supervision"), readiness_of(lambda: app.state.runtime))
    app.include_router(router)
    return app
