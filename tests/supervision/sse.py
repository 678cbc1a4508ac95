"""Reading a server-sent event stream in tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class LiveFeed:
    """Collects ``(event, data)`` pairs from ``/api/live`` in the background."""

    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    async def read(self, response: httpx.Response) -> None:
        kind, data = "message", ""
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                kind = line[len("event: ") :]
            elif line.startswith("data: "):
                data = line[len("data: ") :]
            elif line == "":
                if kind == "ready":
                    self.ready.set()
                elif data:
                    self.received.append((kind, json.loads(data)))
                kind, data = "message", ""

    def syncs(self) -> list[dict[str, Any]]:
        return [data for kind, data in self.received if kind == "sync"]


@asynccontextmanager
async def live_feed(client: httpx.AsyncClient) -> AsyncIterator[LiveFeed]:
    feed = LiveFeed()
    async with client.stream("GET", "/api/live", timeout=None) as response:
        assert response.status_code == 200, response.status_code
        assert response.headers["content-type"].startswith("text/event-stream")
        task = asyncio.create_task(feed.read(response))
        try:
            await asyncio.wait_for(feed.ready.wait(), timeout=10)
            yield feed
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
