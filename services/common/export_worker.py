"""The worker side of an export: decode the request, open a read snapshot, answer the head, stream the body.

The snapshot stays open until the last chunk is sent, so a full export is one consistent state of the
school even while imports write. What supervision needs (record counts, bytes, sha256) is measured on
the way out and sent in the tail.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from nats.aio.msg import Msg
from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.bus import Bus, reply_chunks, reply_problem
from services.common.bus.chunks import WINDOW_HEADER, reply_head
from services.common.bus.consumers import MessageHandler
from services.common.db import SessionFactory
from services.common.errors import DomainError, InvalidInput
from services.common.exports import Export, ExportRequest
from services.common.pull.snapshot import read_snapshot

ExportService = Callable[[AsyncSession, ExportRequest, datetime], Awaitable[Export]]


def export_handler(bus: Bus, sessions: SessionFactory, export: ExportService) -> MessageHandler:
    async def on_export_request(msg: Msg) -> None:
        if not msg.reply:
            return  # nobody to answer: a stray publish, not a request
        try:
            request = ExportRequest.from_bytes(msg.data)
        except ValidationError as error:
            await reply_problem(bus.nc, msg.reply, InvalidInput(detail=str(error)))
            return
        try:
            async with read_snapshot(sessions) as session:
                answer = await export(session, request, datetime.now(UTC))
                await _answer(bus, msg, answer)
        except DomainError as error:  # raised before the head: the stream reports its own
            await reply_problem(bus.nc, msg.reply, error)

    return on_export_request


async def _answer(bus: Bus, msg: Msg, answer: Export) -> None:
    assert msg.reply
    head = answer.head.model_dump(mode="json")
    if answer.body is None:
        await reply_head(bus.nc, msg.reply, head)
        return
    digest = hashlib.sha256()

    def tail() -> dict[str, Any]:
        return {"counts": dict(answer.counts), "sha256": digest.hexdigest()}

    window = int((msg.headers or {}).get(WINDOW_HEADER, "0")) or None
    await reply_chunks(bus.nc, msg.reply, head, _hashed(answer.body, digest), tail, window=window)


async def _hashed(body: AsyncIterator[bytes], digest: Any) -> AsyncIterator[bytes]:
    async for piece in body:
        digest.update(piece)
        yield piece
