"""STS-WEB: structures and services per school and year, and the STS_EDT export for timetable software."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.common import subjects
from services.common.bus import Bus
from services.common.export_worker import export_handler
from services.common.metrics import HttpMetrics, watch_consumers
from services.common.openapi import install_openapi
from services.common.runtime import open_runtime, readiness_of
from services.common.web import install_error_handlers, install_operational_routes
from services.sts import rollover
from services.sts.diagnosis import serve_diagnosis
from services.sts.exports import sts_exporter
from services.sts.imports import start_imports
from services.sts.models import MODELS
from services.sts.rollover_handlers import serve_rollover
from services.sts.settings import StsSettings


def create_app(settings: StsSettings, *, bus: Bus | None = None) -> FastAPI:
    exporter = sts_exporter(settings.cursor_secret, settings.journal_retention)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await open_runtime("sts", settings.database, settings.nats, MODELS, bus=bus)
        app.state.runtime = runtime
        handler = export_handler(runtime.bus, runtime.sessions, rollover.gated(exporter.export))
        await runtime.bus.serve(subjects.sts_export("*"), subjects.STS_QUEUE, handler)
        await serve_rollover(runtime, exporter.journal)
        await serve_diagnosis(runtime.bus, runtime.sessions)
        imports = await start_imports(runtime, exporter.journal, settings.imports)
        yield
        await imports.close()
        await runtime.close()

    app = FastAPI(title="NetSynchro — STS", version="1", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.runtime = None
    app.state.journal = exporter.journal
    install_error_handlers(app)
    install_openapi(app)
    metrics = HttpMetrics("sts")
    install_operational_routes(app, metrics, readiness_of(lambda: app.state.runtime))
    watch_consumers(metrics, lambda: app.state.runtime and app.state.runtime.bus)
    return app
