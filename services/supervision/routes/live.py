"""The live feed: server-sent events of new syncs, state changes and alerts, scoped like the API.

Events: ``ready`` once the watcher is registered (nothing published before it is missed after it),
``sync`` (a :class:`~services.supervision.schemas.LiveSync`), ``alert`` (an alert as in the API),
``resync`` (this connection fell behind and lost messages: re-read the API). A comment line every
``live_heartbeat_seconds`` keeps proxies from closing an idle connection.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from services.supervision.deps import ScopeDep, StateDep
from services.supervision.live import Broadcaster, LiveMessage
from services.supervision.scope import Scope

router = APIRouter(prefix="/api")
SSE_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


@router.get("/live", response_class=StreamingResponse)
async def live(scope: ScopeDep, state: StateDep) -> StreamingResponse:
    stream = event_stream(state.broadcaster, scope, heartbeat=state.settings.live_heartbeat_seconds)
    return StreamingResponse(stream, media_type="text/event-stream", headers=SSE_HEADERS)


async def event_stream(broadcaster: Broadcaster, scope: Scope, *, heartbeat: float) -> AsyncIterator[str]:
    async with broadcaster.watch(scope) as watcher:
        yield "retry: 3000\nevent: ready\ndata: {}\n\n"
        while True:
            try:
                message = await asyncio.wait_for(watcher.queue.get(), timeout=heartbeat)
            except TimeoutError:
                yield ": ping\n\n"
                continue
            yield format_event(message)


def format_event(message: LiveMessage) -> str:
    data = json.dumps(message.data, ensure_ascii=False, separators=(",", ":"))
    return f"id: {message.seq}\nevent: {message.kind}\ndata: {data}\n\n"
