"""Credit-based flow control of chunked replies, on a real nats-server: a reader that does not read holds
the worker back; a reader that leaves stops it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import nats
import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg

from services.common.bus.chunks import CHUNK_SIZE, WINDOW_HEADER, reply_chunks, request_chunks
from services.common.localnats import NatsProcess

CHUNKS = 20
WINDOW = 3


@pytest.fixture
async def nc(nats_server: NatsProcess) -> AsyncIterator[Client]:
    client = await nats.connect(nats_server.url)
    yield client
    await client.drain()


async def serve_counting(nc: Client, subject: str, produced: list[int], finished: asyncio.Event) -> None:
    """A worker streaming CHUNKS full chunks, counting how many it has produced."""

    async def body() -> AsyncIterator[bytes]:
        for index in range(CHUNKS):
            produced.append(index)
            yield bytes([index % 256]) * CHUNK_SIZE

    async def on_request(msg: Msg) -> None:
        assert msg.reply
        window = int((msg.headers or {})[WINDOW_HEADER])
        await reply_chunks(
            nc, msg.reply, {"name": "x"}, body(), {"done": True}, window=window, credit_timeout=5
        )
        finished.set()

    await nc.subscribe(subject, cb=on_request)


async def test_worker_waits_for_credit_then_streams_everything(nc: Client) -> None:
    produced: list[int] = []
    await serve_counting(nc, "test.chunks.slow", produced, asyncio.Event())

    reply = await request_chunks(nc, "test.chunks.slow", b"", message_timeout=5, window=WINDOW)
    await asyncio.sleep(0.3)  # a reader that does not read yet
    held_back = len(produced)
    body = b"".join([chunk async for chunk in reply.body()])

    assert held_back <= WINDOW + 2  # the window, plus what the producer had ready
    assert len(body) == CHUNKS * CHUNK_SIZE
    assert reply.tail == {"bytes": CHUNKS * CHUNK_SIZE, "done": True}


async def test_reader_that_leaves_stops_the_worker(nc: Client) -> None:
    produced: list[int] = []
    finished = asyncio.Event()
    await serve_counting(nc, "test.chunks.gone", produced, finished)

    reply = await request_chunks(nc, "test.chunks.gone", b"", message_timeout=5, window=WINDOW)
    stream = reply.body()
    await anext(stream)
    await stream.aclose()  # the editor hung up

    await asyncio.wait_for(finished.wait(), timeout=1)  # well before the 5 s of silence it would wait
    assert len(produced) < CHUNKS
