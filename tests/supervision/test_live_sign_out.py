"""A live feed opened by a signed-in supervisor ends with their session: nothing more after sign-out."""

from __future__ import annotations

import asyncio
import re

import httpx

from services.common.localnats import NatsProcess
from tests.supervision.sse import LiveFeed
from tests.supervision.support import (
    TOULOUSE_SCHOOL,
    RunningSupervision,
    connected_bus,
    event,
    eventually,
    publish,
)
from tests.supervision.test_scoping import sign_in


async def test_live_feed_stops_streaming_once_the_supervisor_signed_out(
    supervision: RunningSupervision, fresh_nats: NatsProcess
) -> None:
    before, after = event(TOULOUSE_SCHOOL), event(TOULOUSE_SCHOOL)
    async with httpx.AsyncClient(base_url=supervision.url, timeout=20) as browser:
        await sign_in(browser, "marie.toulouse")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', (await browser.get("/")).text)
        assert csrf is not None
        feed = LiveFeed()
        async with browser.stream("GET", "/api/live", timeout=None) as response:
            assert response.status_code == 200
            reading = asyncio.create_task(feed.read(response))
            await asyncio.wait_for(feed.ready.wait(), timeout=10)
            async with connected_bus(fresh_nats.url) as bus:
                await publish(bus, [before])

                async def seen() -> bool:
                    return len(feed.syncs()) == 1

                await eventually(seen, what="the sync published before sign-out")
                signed_out = await browser.post("/deconnexion", data={"csrf_token": csrf.group(1)})
                assert signed_out.status_code == 303
                await publish(bus, [after])
            # The server ends the stream (at the next message or heartbeat): the reader returns.
            await asyncio.wait_for(reading, timeout=15)
        again = await browser.get("/api/live")
    assert [sync["sync_id"] for sync in feed.syncs()] == [before.sync_id]
    assert (again.status_code, again.json()["code"]) == (401, "connexion-requise")
