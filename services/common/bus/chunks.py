"""Chunked replies: how an export larger than one NATS message travels from a worker to the gateway.

The requester sends one request with a private inbox as reply subject. The worker answers with a *head*
message (JSON: the status and what the gateway needs for its HTTP headers, or a problem), then data
chunks, then a *tail* message (JSON: counts and totals, or the problem that cut the stream). Every
message carries ``Chunk-Seq`` so a lost message is detected instead of silently truncating a file; the
last one carries ``Chunk-Last``.

Flow control is by credit. A requester that sends ``Chunk-Window: N`` lets at most N data messages be in
flight: the head names an acknowledgement subject (``Chunk-Ack``), the requester publishes there the seq
of each chunk it has passed on (to the HTTP client), and the worker waits for credit before sending more.
A slow editor therefore slows the worker down instead of filling the gateway's memory; a requester that
goes away publishes ``-1`` and the worker stops at once; a requester that falls silent for
``credit_timeout`` seconds is abandoned.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable, Mapping
from typing import Any

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from services.common.errors import DomainError, Unavailable

log = logging.getLogger(__name__)

CHUNK_SIZE = 256 * 1024
DEFAULT_WINDOW = 8  # 8 x 256 KiB: at most 2 MiB of one export waiting in the gateway
SEQ_HEADER = "Chunk-Seq"
LAST_HEADER = "Chunk-Last"
KIND_HEADER = "Chunk-Kind"  # head | data | tail
WINDOW_HEADER = "Chunk-Window"
ACK_HEADER = "Chunk-Ack"
CANCEL = b"-1"

Tail = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


class StreamAbandoned(Exception):
    """The requester cancelled, or stopped acknowledging: nobody is reading any more."""


async def reply_chunks(
    nc: NatsClient,
    reply_to: str,
    head: Mapping[str, Any],
    chunks: AsyncIterable[bytes],
    tail: Tail | None = None,
    *,
    window: int | None = None,
    credit_timeout: float = 60.0,
) -> int:
    """Stream a successful answer; returns the number of body bytes sent.

    ``tail`` may be a callable, evaluated once the body is sent (counts known only at the end). A
    :class:`DomainError` raised by ``chunks`` ends the stream with a problem tail; any other error does
    too, and is then re-raised to be logged.
    """
    credit = await _Credit.open(nc, window, credit_timeout) if window else None
    try:
        extra = {ACK_HEADER: credit.subject} if credit else {}
        await _send(nc, reply_to, 0, "head", json.dumps({"status": 200, **head}).encode(), extra=extra)
        return await _stream_body(nc, reply_to, chunks, tail, credit)
    finally:
        if credit:
            await credit.close()


async def reply_head(nc: NatsClient, reply_to: str, head: Mapping[str, Any]) -> None:
    """A head and nothing else (``304 Not Modified``)."""
    await _send(nc, reply_to, 0, "head", json.dumps(head).encode(), last=True)
    await nc.flush()


async def reply_problem(nc: NatsClient, reply_to: str, error: DomainError) -> None:
    """Answer with a problem: the gateway re-raises it as the same domain error."""
    body = json.dumps({"status": error.status, "problem": error.to_problem()}).encode()
    await _send(nc, reply_to, 0, "head", body, last=True)
    await nc.flush()


async def _stream_body(
    nc: NatsClient, reply_to: str, chunks: AsyncIterable[bytes], tail: Tail | None, credit: _Credit | None
) -> int:
    seq, total = 1, 0
    try:
        async for chunk in _rechunk(chunks):
            if credit:
                await credit.wait_for(seq)
            await _send(nc, reply_to, seq, "data", chunk)
            seq, total = seq + 1, total + len(chunk)
    except StreamAbandoned:
        log.info("export abandoned by its requester after %d bytes", total)
        return total
    except Exception as error:
        problem = error if isinstance(error, DomainError) else DomainError()
        body = json.dumps({"bytes": total, "problem": problem.to_problem()}).encode()
        await _send(nc, reply_to, seq, "tail", body, last=True)
        await nc.flush()
        if not isinstance(error, DomainError):
            raise
        return total
    values = tail() if callable(tail) else (tail or {})
    await _send(nc, reply_to, seq, "tail", json.dumps({"bytes": total, **values}).encode(), last=True)
    await nc.flush()
    return total


async def _send(
    nc: NatsClient,
    subject: str,
    seq: int,
    kind: str,
    payload: bytes,
    *,
    last: bool = False,
    extra: Mapping[str, str] | None = None,
) -> None:
    headers = {SEQ_HEADER: str(seq), KIND_HEADER: kind, **(extra or {})}
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


class _Credit:
    """The worker's view of the requester's progress: the highest seq it acknowledged."""

    def __init__(self, window: int, timeout: float) -> None:
        self.window = window
        self.timeout = timeout
        self.acked = 0
        self.cancelled = False
        self.subject = ""
        self._moved = asyncio.Event()
        self._subscription: Subscription | None = None

    @classmethod
    async def open(cls, nc: NatsClient, window: int, patience: float) -> _Credit:
        credit = cls(window, patience)
        credit.subject = nc.new_inbox()
        credit._subscription = await nc.subscribe(credit.subject, cb=credit._on_ack)
        return credit

    async def wait_for(self, seq: int) -> None:
        """Return once ``seq`` may be sent: fewer than ``window`` chunks are unacknowledged."""
        while seq - self.acked > self.window and not self.cancelled:
            self._moved.clear()
            try:
                await asyncio.wait_for(self._moved.wait(), self.timeout)
            except TimeoutError:
                raise StreamAbandoned from None
        if self.cancelled:
            raise StreamAbandoned

    async def close(self) -> None:
        if self._subscription is not None:
            await self._subscription.unsubscribe()

    async def _on_ack(self, msg: Msg) -> None:
        if msg.data == CANCEL:
            self.cancelled = True
        else:
            self.acked = max(self.acked, int(msg.data))
        self._moved.set()


class ChunkedReply:
    """The requester's side: read the head, then iterate the body, then read the tail."""

    def __init__(self, subscription: Subscription, timeout: float, nc: NatsClient | None = None) -> None:
        self._subscription = subscription
        self._timeout = timeout
        self._nc = nc
        self._ack_subject: str | None = None
        self._expected_seq = 0
        self.head: dict[str, Any] = {}
        self.tail: dict[str, Any] = {}
        self._done = False

    async def read_head(self) -> dict[str, Any]:
        """The head, or the worker's problem raised as a DomainError."""
        msg = await self._next()
        self.head = json.loads(msg.data)
        headers = msg.headers or {}
        self._ack_subject = headers.get(ACK_HEADER)
        if "problem" in self.head:
            await self.close()
            raise DomainError.from_problem(self.head["problem"])
        if headers.get(LAST_HEADER):
            self._done = True
            await self.close()
        return self.head

    async def body(self) -> AsyncGenerator[bytes, None]:
        """The data chunks; each one is acknowledged once the consumer asks for the next."""
        try:
            while not self._done:
                msg = await self._next()
                if msg.headers and msg.headers.get(KIND_HEADER) == "tail":
                    self._finish(json.loads(msg.data))
                else:
                    yield msg.data
                    await self._ack(self._expected_seq - 1)
        finally:
            await self.close()

    async def close(self) -> None:
        """Stop listening; a stream not read to its end is cancelled at the worker."""
        if not self._done and self._ack_subject and self._nc is not None and not self._nc.is_closed:
            await self._nc.publish(self._ack_subject, CANCEL)
        self._done = True
        if not self._subscription._closed:
            await self._subscription.unsubscribe()

    def _finish(self, tail: dict[str, Any]) -> None:
        self.tail = tail
        self._done = True
        if "problem" in tail:
            raise DomainError.from_problem(tail["problem"])

    async def _ack(self, seq: int) -> None:
        if self._ack_subject and self._nc is not None:
            await self._nc.publish(self._ack_subject, str(seq).encode())

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


async def request_chunks(
    nc: NatsClient,
    subject: str,
    payload: bytes,
    *,
    message_timeout: float,
    headers: Mapping[str, str] | None = None,
    window: int = DEFAULT_WINDOW,
) -> ChunkedReply:
    """Send a request whose answer comes back in chunks, with credit-based flow control; the head is
    read before returning (a problem head is raised as its DomainError)."""
    inbox = nc.new_inbox()
    subscription = await nc.subscribe(inbox)
    reply = ChunkedReply(subscription, timeout=message_timeout, nc=nc)
    try:
        request_headers = {**(headers or {}), WINDOW_HEADER: str(window)}
        await nc.publish(subject, payload, reply=inbox, headers=request_headers)
        await reply.read_head()
    except BaseException:
        await reply.close()
        raise
    return reply
