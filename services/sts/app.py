"""STS-WEB: structures and services (exports and the timetable import come with the pull and push flows)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.common.bus import Bus
from services.common.metrics import HttpMetrics
from services.common.runtime import open_runtime, readiness_of
from services.common.web import install_error_handlers, install_operational_routes
from services.sts.models import MODELS
from services.sts.settings import StsSettings


def create_app(settings: StsSettings, *, bus: Bus | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.runtime = await open_runtime("sts", settings.database, settings.nats, MODELS, bus=bus)
        yield
        await app.state.runtime.close()

    app = FastAPI(title="NetSynchro — STS", version="1", lifespan=lifespan)
    app.state.runtime = None
    install_error_handlers(app)
    install_operational_routes(app, HttpMetrics("sts"), readiness_of(lambda: app.state.runtime))
    return app
