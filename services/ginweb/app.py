"""GIN-WEB: the certificate authority, the heads' portal, the CRL and the revocation feed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from services.common import subjects
from services.common.auth import LoginRequired, OidcClient, SessionCookieMiddleware, WebAuth
from services.common.bus import Bus
from services.common.db import transaction
from services.common.errors import DomainError
from services.common.metrics import HttpMetrics, watch_consumers
from services.common.openapi import install_openapi
from services.common.pki import CertificateAuthority
from services.common.runtime import Runtime, open_runtime, readiness_of
from services.common.web import install_error_handlers, install_operational_routes, problem_response
from services.ginweb import maintenance, registry
from services.ginweb.crl import CrlPublisher
from services.ginweb.metrics import watch_certificates
from services.ginweb.models import MODELS
from services.ginweb.outbox import flush
from services.ginweb.pages import STATIC_DIR, TEMPLATES
from services.ginweb.routes import pki, portal
from services.ginweb.settings import GinwebSettings
from services.ginweb.state import GinwebState


def create_app(settings: GinwebSettings, *, bus: Bus | None = None) -> FastAPI:
    auth = WebAuth(settings.auth, sessions=lambda request: request.app.state.ginweb.runtime.sessions)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = await _open_state(settings, auth, bus)
        app.state.ginweb = state
        task = asyncio.create_task(maintenance.run_forever(state))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await state.runtime.close()

    app = FastAPI(title="NetSynchro — GIN-WEB", version="1", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.ginweb = None
    install_error_handlers(app)
    install_openapi(app)
    app.add_exception_handler(DomainError, _portal_error)
    app.add_middleware(SessionCookieMiddleware)
    metrics = HttpMetrics("ginweb")
    install_operational_routes(
        app, metrics, readiness_of(lambda: app.state.ginweb and app.state.ginweb.runtime)
    )

    def runtime_of() -> Runtime | None:
        return app.state.ginweb and app.state.ginweb.runtime  # type: ignore[no-any-return]

    watch_consumers(metrics, lambda: app.state.ginweb and app.state.ginweb.runtime.bus)
    watch_certificates(metrics, runtime_of)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(pki.router)
    app.include_router(portal)
    return app


async def _open_state(settings: GinwebSettings, auth: WebAuth, bus: Bus | None) -> GinwebState:
    passphrase = settings.ca.key_passphrase
    ca = CertificateAuthority.load(
        settings.ca.folder, passphrase=passphrase.get_secret_value().encode() if passphrase else None
    )
    runtime = await open_runtime("ginweb", settings.database, settings.nats, MODELS, bus=bus)
    await runtime.bus.ensure_streams([subjects.REVOCATIONS, subjects.SYNC_EVENTS])
    async with transaction(runtime.sessions) as db:
        await registry.announce_all(db)
    await flush(runtime.sessions, runtime.bus)
    return GinwebState(
        settings=settings,
        runtime=runtime,
        ca=ca,
        crl=CrlPublisher(ca, timedelta(seconds=settings.crl_next_update_seconds)),
        auth=auth,
        oidc=OidcClient(settings.auth.oidc) if settings.auth.oidc else None,
    )


async def _portal_error(request: Request, error: Exception) -> Response:
    """Pages answer with a page (or the sign-in form); anything else keeps problem+json."""
    assert isinstance(error, DomainError)
    if "text/html" not in request.headers.get("accept", ""):
        return problem_response(error, request)
    if isinstance(error, LoginRequired):
        return RedirectResponse("/connexion", status_code=303)
    context = {"error": error, "visit": None, "csrf_token": "", "flash": None}
    return TEMPLATES.TemplateResponse(request, "error.html", context, status_code=error.status)
