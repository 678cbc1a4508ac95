"""BEE: the SIECLE student base, per school and year, and the exports of its files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.bee import rollover
from services.bee.exports import bee_exporter
from services.bee.imports import start_imports
from services.bee.models import MODELS
from services.bee.quality import serve_quality
from services.bee.rollover_handlers import serve_rollover
from services.bee.settings import BeeSettings
from services.common import subjects
from services.common.bus import Bus
from services.common.export_worker import export_handler
from services.common.metrics import HttpMetrics, watch_consumers
from services.common.openapi import install_openapi
from services.common.runtime import open_runtime, readiness_of
from services.common.web import install_error_handlers, install_operational_routes


def create_app(settings: BeeSettings, *, bus: Bus | None = None) -> FastAPI:
    exporter = bee_exporter(settings.cursor_secret, settings.journal_retention)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await open_runtime("bee", settings.database, settings.nats, MODELS, bus=bus)
        app.state.runtime = runtime
        handler = export_handler(runtime.bus, runtime.sessions, rollover.gated(exporter.export))
        await runtime.bus.serve(subjects.bee_export("*"), subjects.BEE_QUEUE, handler)
        await serve_rollover(runtime, exporter.journal)
        await serve_quality(runtime.bus, runtime.sessions)
        await start_imports(runtime, exporter.journal, settings.imports)
        yield
        await runtime.close()

    app = FastAPI(title="NetSynchro — BEE", version="1", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.runtime = None
    app.state.journal = exporter.journal
    install_error_handlers(app)
    install_openapi(app)
    metrics = HttpMetrics("bee")
    install_operational_routes(app, metrics, readiness_of(lambda: app.state.runtime))
    watch_consumers(metrics, lambda: app.state.runtime and app.state.runtime.bus)
    return app
