"""The live feed: server-sent events of new syncs, state changes and alerts, scoped like the API.

Events: ``ready`` once the watcher is registered (nothing published before it is missed after it),
``sync`` (a :class:`~services.supervision.schemas.LiveSync`), ``alert`` (an alert as in the API),
``resync`` (this connection fell behind and lost messages: re-read the API). A comment line every
``live_heartbeat_seconds`` keeps proxies from closing an idle connection.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from services.supervision.deps import ScopeDep, StateDep, bearer_token, web_auth
from services.supervision.live import Broadcaster, LiveMessage
from services.supervision.scope import Scope

router = APIRouter(prefix="/api")
SSE_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


StillAllowed = Callable[[], Awaitable[bool]]


@router.get("/live", response_class=StreamingResponse)
async def live(request: Request, scope: ScopeDep, state: StateDep) -> StreamingResponse:
    allowed = await _reader_check(request)
    heartbeat = state.settings.live_heartbeat_seconds
    stream = event_stream(state.broadcaster, scope, heartbeat=heartbeat, still_allowed=allowed)
    return StreamingResponse(stream, media_type="text/event-stream", headers=SSE_HEADERS)


async def _reader_check(request: Request) -> StillAllowed:
    """A person's feed lives as long as their session (sign-out on any replica ends it); an API
    client's token is configuration, checked once when the feed opened."""
    if bearer_token(request) is not None:
        return _always
    return await web_auth(request).session_guard(request)


async def _always() -> bool:
    return True


async def event_stream(
    broadcaster: Broadcaster, scope: Scope, *, heartbeat: float, still_allowed: StillAllowed = _always
) -> AsyncIterator[str]:
    """The feed; before each message or heartbeat, ``still_allowed`` decides whether it goes on."""
    async with broadcaster.watch(scope) as watcher:
        yield "retry: 3000\nevent: ready\ndata: {}\n\n"
        while True:
            try:
                message: LiveMessage | None = await asyncio.wait_for(watcher.queue.get(), timeout=heartbeat)
            except TimeoutError:
                message = None
            if not await still_allowed():
                return
            yield format_event(message) if message is not None else ": ping\n\n"


def format_event(message: LiveMessage) -> str:
    data = json.dumps(message.data, ensure_ascii=False, separators=(",", ":"))
    return f"id: {message.seq}\nevent: {message.kind}\ndata: {data}\n\n"
