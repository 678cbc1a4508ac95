"""Serving an export: ask the owning service over the bus and stream its chunks to the editor."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi.responses import StreamingResponse

from services.common.bus import ChunkedReply
from services.common.bus.client import SYNC_ID_HEADER
from services.common.errors import DomainError
from services.common.events import SyncState
from services.common.exports import ExportFormat, ExportRequest
from services.gateway.flows import Flow
from services.gateway.state import GatewayState
from services.gateway.sync import Exchange


async def serve_export(
    state: GatewayState, exchange: Exchange, flow: Flow, export_format: ExportFormat = ExportFormat.XML
) -> StreamingResponse:
    request = ExportRequest(
        sync_id=exchange.sync_id,
        uai=exchange.uai or "",
        year=exchange.year or 0,
        flow=flow.name,
        format=export_format,
    )
    try:
        reply = await state.bus.request_chunks(
            flow.subject, request.to_bytes(), headers={SYNC_ID_HEADER: exchange.sync_id}
        )
    except DomainError as error:
        await state.recorder.refused(exchange, error)
        raise
    headers = {"Sync-Id": exchange.sync_id}
    if filename := reply.head.get("filename"):
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return StreamingResponse(
        _stream_and_record(state, exchange, reply),
        media_type=reply.head.get("content_type", "application/octet-stream"),
        headers=headers,
    )


async def _stream_and_record(
    state: GatewayState, exchange: Exchange, reply: ChunkedReply
) -> AsyncIterator[bytes]:
    """Stream the body; the sync is `served` only once the last byte has left."""
    try:
        async for chunk in reply.body():
            yield chunk
    except DomainError as error:
        # Headers are already sent: the client sees a truncated body; supervision sees why.
        await state.recorder.refused(exchange, error)
        raise
    tail = reply.tail
    await state.recorder.record(
        exchange.event(
            SyncState.SERVED,
            http_status=200,
            payload_bytes=tail.get("bytes"),
            payload_sha256=tail.get("sha256"),
            counts=tail.get("counts", {}),
            cursor=reply.head.get("cursor"),
        )
    )
