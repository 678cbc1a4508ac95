"""What every service's FastAPI app has: problem+json errors, health and readiness, metrics."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Sequence

import nats.errors
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from services.common.docs_pages import catalogue_router
from services.common.errors import (
    PROBLEM_MEDIA_TYPE,
    DomainError,
    InvalidInput,
    Unavailable,
    error_for_status,
)
from services.common.metrics import HttpMetrics, MetricsMiddleware
from services.common.security_headers import SecurityHeadersMiddleware

log = logging.getLogger(__name__)

ReadinessCheck = Callable[[], Awaitable[None]]


def problem_response(error: DomainError, request: Request | None = None) -> JSONResponse:
    """The problem+json answer; it names the sync when the request opened one."""
    headers = {}
    retry_after = error.extensions.get("retry_after")
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    if error.status == 408:  # the rest of a stalled body may still come: no next request on it
        headers["Connection"] = "close"
    if request is not None:
        count_refusal(request, error)
    body = error.to_problem(request.url.path if request else None)
    sync_id = getattr(request.state, "sync_id", None) if request else None
    if sync_id:
        body["sync_id"] = sync_id
        headers["Sync-Id"] = sync_id
    return JSONResponse(body, status_code=error.status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def source_of(request: Request) -> str:
    """The address a request came from, as the server saw it (uvicorn's ``--proxy-headers`` and
    ``forwarded_allow_ips`` decide whether a proxy's X-Forwarded-For is believed)."""
    return request.client.host if request.client is not None else "inconnue"


def install_error_handlers(app: FastAPI) -> None:
    """One handler for the whole error tree; the framework's own errors (validation, no such address,
    wrong method, unreadable body) become problems of the tree too, and go through whatever handler
    the app registered for :class:`DomainError` (the consoles answer a browser with a page)."""

    async def on_domain_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, DomainError)
        return problem_response(error, request)

    async def on_validation_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        problem = validation_problem(error)
        handler = request.app.exception_handlers.get(DomainError, on_domain_error)
        response: Response = await handler(request, problem)
        return response

    async def on_framework_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        problem = error_for_status(error.status_code)
        handler = request.app.exception_handlers.get(DomainError, on_domain_error)
        response: Response = await handler(request, problem)
        for name, value in (error.headers or {}).items():  # e.g. Allow on a 405
            response.headers.setdefault(name, value)
        return response

    async def on_bus_error(request: Request, error: Exception) -> Response:
        log.warning("bus unavailable on %s: %r", request.url.path, error)
        return problem_response(bus_unavailable(), request)

    async def on_unexpected(request: Request, error: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return problem_response(DomainError(), request)

    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_framework_error)
    # Registered for its own class, not caught by the one for Exception: Starlette re-raises whatever
    # reaches that last handler, and the server then drops the kept-alive connection it answered on.
    app.add_exception_handler(nats.errors.Error, on_bus_error)
    app.add_exception_handler(Exception, on_unexpected)


def bus_unavailable() -> Unavailable:
    """The bus could not answer (a stream electing its leader, a reconnection): the request can be
    retried as it is, which is what 503 and Retry-After tell a client; an Idempotency-Key makes the
    retry finish the first attempt instead of starting a second one."""
    return Unavailable(code="bus-indisponible", retry_after=1)


def validation_problem(error: RequestValidationError) -> InvalidInput:
    """The ``400 requete-invalide`` problem of a request the framework could not validate."""
    return InvalidInput(detail="; ".join(_describe(e) for e in error.errors()))


def count_refusal(request: Request, error: DomainError) -> None:
    """Count a problem answered, once per request (a console's page handler and problem_response may
    both see it)."""
    if getattr(request.state, "refusal_counted", False):
        return
    request.state.refusal_counted = True
    metrics: HttpMetrics | None = getattr(request.app.state, "metrics", None)
    if metrics is not None:
        metrics.refused(error.code)


def _count_refusals(app: FastAPI) -> None:
    """Every problem answered, by its code: the handler the app registered last (a console's page, or
    problem+json) is wrapped, so the framework's own errors, routed through it, are counted too."""
    inner = app.exception_handlers.get(DomainError)
    if inner is None:
        return

    async def counted(request: Request, error: Exception) -> Response:
        assert isinstance(error, DomainError)
        count_refusal(request, error)
        response = inner(request, error)
        return await response if inspect.isawaitable(response) else response

    app.exception_handlers[DomainError] = counted


def _describe(error: dict[str, object]) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()))  # type: ignore[attr-defined]
    return f"{location} : {error.get('msg')}"


def install_operational_routes(
    app: FastAPI,
    metrics: HttpMetrics,
    readiness: Callable[[], Sequence[ReadinessCheck]],
    *,
    behind_tls_proxy: bool = False,
) -> None:
    """``/healthz`` (the process answers), ``/readyz`` (its dependencies answer) and ``/metrics``; the
    request metrics and the security headers of every response."""
    app.add_middleware(SecurityHeadersMiddleware, behind_tls_proxy=behind_tls_proxy)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.state.metrics = metrics
    _count_refusals(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> Response:
        failures = []
        for check in readiness():
            try:
                await check()
            except Exception as error:  # readiness reports every failing dependency
                failures.append(f"{getattr(check, '__name__', 'check')}: {error}")
        if failures:
            return JSONResponse({"status": "not ready", "failures": failures}, status_code=503)
        return JSONResponse({"status": "ready"})

    app.add_route("/metrics", metrics.endpoint, include_in_schema=False)
    # Problem types are relative (/docs/erreurs/<code>): every service can explain its own codes.
    app.include_router(catalogue_router())
