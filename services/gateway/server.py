"""Run the gateway under uvicorn with our mTLS protocol."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from services.gateway.handshake import handshake_reporter
from services.gateway.proxy import proxy_uvicorn_config
from services.gateway.settings import GatewaySettings
from services.gateway.state import GatewayState
from services.gateway.tls import configure


def uvicorn_config(app: FastAPI, settings: GatewaySettings) -> uvicorn.Config:
    if settings.mode == "proxy":
        return proxy_uvicorn_config(app, settings)
    state: GatewayState = app.state.gateway
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        http=configure(settings.tls, handshake_reporter(state)),
        timeout_keep_alive=settings.keep_alive_seconds,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
        log_config=None,
        access_log=False,
        lifespan="on",
    )
