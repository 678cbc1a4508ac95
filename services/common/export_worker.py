"""The worker side of an export: decode the request, build the document in a read transaction, stream it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nats.aio.msg import Msg
from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.bus import Bus, reply_chunks, reply_problem
from services.common.bus.client import MessageHandler
from services.common.db import SessionFactory, transaction
from services.common.errors import DomainError, InvalidInput
from services.common.exports import ExportDocument, ExportRequest

ExportBuilder = Callable[[AsyncSession, ExportRequest], Awaitable[ExportDocument]]


def export_handler(bus: Bus, sessions: SessionFactory, build: ExportBuilder) -> MessageHandler:
    async def on_export_request(msg: Msg) -> None:
        if not msg.reply:
            return  # nobody to answer: a stray publish, not a request
        try:
            request = ExportRequest.from_bytes(msg.data)
            async with transaction(sessions) as session:
                document = await build(session, request)
        except ValidationError as error:
            await reply_problem(bus.nc, msg.reply, InvalidInput(detail=str(error)))
            return
        except DomainError as error:
            await reply_problem(bus.nc, msg.reply, error)
            return
        await reply_chunks(bus.nc, msg.reply, document.head(), document.chunks(), document.tail())

    return on_export_request
