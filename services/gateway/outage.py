"""Answer 503 ``bus-indisponible`` soon after NATS is lost, whatever the request was waiting for.

Most bus calls fail at once while NATS is away (the connection buffers nothing, see ``Bus.connect``), and
their error is answered 503 by the app's handler. A call already waiting for its answer when the
connection drops would wait for its own timeout (15 s); this guard races every editor request against
``Bus.outage``: once NATS has been gone for ``nats.outage_seconds`` and the answer has not started, the
request is cancelled and answered 503 with ``Retry-After``, on the same kept-alive connection, and the
refusal goes to the journal (through the outbox while NATS is away). An answer already streaming is left
to its own timeouts: its status line is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.web import problem_response
from services.gateway.state import GatewayState
from services.gateway.sync import Exchange

log = logging.getLogger(__name__)


class BusOutageGuard:
    def __init__(self, app: ASGIApp, state: GatewayState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        handling = asyncio.ensure_future(self.app(scope, receive, watched_send))
        outage = asyncio.ensure_future(self.state.bus.outage())
        try:
            await asyncio.wait({handling, outage}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            outage.cancel()
        if handling.done() or started:
            await handling
            return
        handling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await handling
        await self._unavailable(scope, receive, send)

    async def _unavailable(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        error = self.state.bus.unavailable()
        log.warning("bus lost while serving %s: answered 503", request.url.path)
        exchange = getattr(request.state, "exchange", None)
        if isinstance(exchange, Exchange):
            await self.state.recorder.refused(exchange, error)
        await problem_response(error, request)(scope, receive, send)
