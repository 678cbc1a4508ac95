"""Chunked replies: how an export larger than one NATS message travels from a worker to the gateway.

The requester sends one request with a private inbox as reply subject. The worker answers with a *head*
message (JSON: the status and what the gateway needs for its HTTP headers, or a problem), then data
chunks, then a *tail* message (JSON: counts and totals). Every message carries ``Chunk-Seq`` so a lost
message is detected instead of silently truncating a file; the tail carries ``Chunk-Last``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from typing import Any

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from services.common.errors import DomainError, Unavailable

CHUNK_SIZE = 256 * 1024
SEQ_HEADER = "Chunk-Seq"
LAST_HEADER = "Chunk-Last"
KIND_HEADER = "Chunk-Kind"  # head | data | tail


async def reply_chunks(
    nc: NatsClient,
    reply_to: str,
    head: Mapping[str, Any],
    chunks: AsyncIterable[bytes],
    tail: Mapping[str, Any] | None = None,
) -> int:
    """Stream a successful answer; returns the number of body bytes sent."""
    await _send(nc, reply_to, 0, "head", json.dumps({"status": 200, **head}).encode())
    seq, total = 1, 0
    async for chunk in _rechunk(chunks):
        await _send(nc, reply_to, seq, "data", chunk)
        seq, total = seq + 1, total + len(chunk)
    await _send(nc, reply_to, seq, "tail", json.dumps({"bytes": total, **(tail or {})}).encode(), last=True)
    await nc.flush()
    return total


async def reply_problem(nc: NatsClient, reply_to: str, error: DomainError) -> None:
    """Answer with a problem: the gateway re-raises it as the same domain error."""
    body = json.dumps({"status": error.status, "problem": error.to_problem()}).encode()
    await _send(nc, reply_to, 0, "head", body, last=True)
    await nc.flush()


async def _send(
    nc: NatsClient, subject: str, seq: int, kind: str, payload: bytes, *, last: bool = False
) -> None:
    headers = {SEQ_HEADER: str(seq), KIND_HEADER: kind}
    if last:
        headers[LAST_HEADER] = "1"
    await nc.publish(subject, payload, headers=headers)


async def _rechunk(chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """Regroup a producer's pieces into messages of at most CHUNK_SIZE bytes."""
    buffer = bytearray()
    async for piece in chunks:
        buffer += piece
        while len(buffer) >= CHUNK_SIZE:
            yield bytes(buffer[:CHUNK_SIZE])
            del buffer[:CHUNK_SIZE]
    if buffer:
        yield bytes(buffer)


class ChunkedReply:
    """The requester's side: read the head, then iterate the body, then read the tail."""

    def __init__(self, subscription: Subscription, timeout: float) -> None:
        self._subscription = subscription
        self._timeout = timeout
        self._expected_seq = 0
        self.head: dict[str, Any] = {}
        self.tail: dict[str, Any] = {}
        self._done = False

    async def read_head(self) -> dict[str, Any]:
        """The head, or the worker's problem raised as a DomainError."""
        msg = await self._next()
        self.head = json.loads(msg.data)
        if "problem" in self.head:
            await self.close()
            raise DomainError.from_problem(self.head["problem"])
        return self.head

    async def body(self) -> AsyncIterator[bytes]:
        try:
            while not self._done:
                msg = await self._next()
                if msg.headers and msg.headers.get(KIND_HEADER) == "tail":
                    self.tail = json.loads(msg.data)
                    self._done = True
                else:
                    yield msg.data
        finally:
            await self.close()

    async def close(self) -> None:
        self._done = True
        if not self._subscription._closed:
            await self._subscription.unsubscribe()

    async def _next(self) -> Msg:
        try:
            msg = await self._subscription.next_msg(timeout=self._timeout)
        except TimeoutError as error:
            raise Unavailable(code="service-sans-reponse") from error
        seq = int((msg.headers or {}).get(SEQ_HEADER, "-1"))
        if seq != self._expected_seq:
            raise Unavailable("La réponse a été interrompue : réessayez.", code="reponse-interrompue")
        self._expected_seq += 1
        return msg
