"""Serving an export: ask the owning service over the bus and stream its chunks to the editor.

The head comes first (status, ``ETag``, next cursor, file name), so a ``304`` costs one bus round trip
and no export. The body is relayed chunk by chunk under credit-based flow control
(:mod:`services.common.bus.chunks`): the worker sends a chunk only when the gateway has passed the earlier
ones on to the editor, so a slow editor never makes the gateway buffer a whole school. Small full exports
are kept (:mod:`services.gateway.export_cache`) and served again once their service confirms they are
current.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from fastapi.responses import Response, StreamingResponse

from services.common.bus import ChunkedReply
from services.common.bus.chunks import request_chunks
from services.common.bus.consumers import SYNC_ID_HEADER
from services.common.contracts import ExportDetails
from services.common.errors import DomainError
from services.common.events import SyncEvent, SyncState
from services.common.exports import ExportFormat, ExportHead, ExportRequest
from services.gateway.export_cache import CachedExport
from services.gateway.flows import Flow
from services.gateway.state import GatewayState
from services.gateway.sync import Exchange

CURSOR_HEADER = "Curseur-Suivant"
KIND_HEADER = "Type-Export"
_ACCEPTED = {"application/zip": ExportFormat.ZIP, "application/json": ExportFormat.JSON}


@dataclass(frozen=True)
class ExportOptions:
    """What the editor asked for, beyond the flow: format, cursor, variant, cached copies."""

    format: ExportFormat = ExportFormat.XML
    since: str | None = None
    with_addresses: bool = True
    if_none_match: list[str] = field(default_factory=list)


def negotiate(requested: ExportFormat | None, accept: str | None) -> ExportFormat:
    """``?format=`` wins; else the first of ``application/zip`` or ``application/json`` in ``Accept``;
    else the real XML file (also for ``*/*`` and ``application/xml``)."""
    if requested is not None:
        return requested
    for media_range in (accept or "").split(","):
        found = _ACCEPTED.get(media_range.split(";")[0].strip().lower())
        if found is not None:
            return found
    return ExportFormat.XML


def etags(if_none_match: str | None) -> list[str]:
    return [tag.strip() for tag in (if_none_match or "").split(",") if tag.strip()]


async def serve_export(
    state: GatewayState, exchange: Exchange, flow: Flow, options: ExportOptions
) -> Response:
    request = ExportRequest(
        sync_id=exchange.sync_id,
        uai=exchange.uai or "",
        year=exchange.year or 0,
        flow=flow.name,
        format=options.format,
        since=options.since,
        with_addresses=options.with_addresses,
        if_none_match=options.if_none_match,
    )
    cached = state.exports.get(request)
    reply = await _ask(state, exchange, flow, request, cached)
    head = ExportHead.model_validate(reply.head)
    headers = {
        "Sync-Id": exchange.sync_id,
        "ETag": head.etag,
        CURSOR_HEADER: head.cursor,
        KIND_HEADER: head.kind,
    }
    if head.status == 304 and _matches(head.etag, options.if_none_match):
        await state.recorder.record(
            exchange.event(SyncState.SERVED, http_status=304, payload_bytes=0, cursor=head.cursor)
        )
        return Response(status_code=304, headers=headers)
    if head.status == 304 and cached is not None:
        return await _serve_cached(state, exchange, cached, headers)
    if head.filename:
        headers["Content-Disposition"] = f'attachment; filename="{head.filename}"'
    return StreamingResponse(
        _stream_and_record(state, exchange, reply, head, request),
        media_type=head.content_type or "application/octet-stream",
        headers=headers,
    )


async def _ask(
    state: GatewayState, exchange: Exchange, flow: Flow, request: ExportRequest, cached: CachedExport | None
) -> ChunkedReply:
    """The owning service's answer; with our cached copy's ETag, a 304 means that copy is current."""
    asked = request
    if cached is not None:
        asked = request.model_copy(update={"if_none_match": [*request.if_none_match, cached.head.etag]})
    try:
        return await request_chunks(
            state.bus.nc,
            flow.subject,
            asked.to_bytes(),
            message_timeout=state.settings.nats.request_timeout,
            headers={SYNC_ID_HEADER: exchange.sync_id},
        )
    except DomainError as error:
        await state.recorder.refused(exchange, error)
        raise


async def _serve_cached(
    state: GatewayState, exchange: Exchange, cached: CachedExport, headers: dict[str, str]
) -> Response:
    if cached.head.filename:
        headers["Content-Disposition"] = f'attachment; filename="{cached.head.filename}"'
    await state.recorder.record(_served(exchange, cached.head, cached.tail, from_cache=True))
    return Response(cached.body, media_type=cached.head.content_type, headers=headers)


async def _stream_and_record(
    state: GatewayState, exchange: Exchange, reply: ChunkedReply, head: ExportHead, request: ExportRequest
) -> AsyncIterator[bytes]:
    """Stream the body; the sync is `served` only once the last byte has left. A small full export is
    kept for the next editor who asks for the same representation."""
    kept: list[bytes] | None = [] if state.exports.key(request) else None
    size = 0
    try:
        async for chunk in reply.body():
            size += len(chunk)
            if kept is not None and size <= state.exports.max_entry:
                kept.append(chunk)
            else:
                kept = None
            yield chunk
    except DomainError as error:
        # Headers are already sent: the client sees a truncated body; supervision sees why.
        await state.recorder.refused(exchange, error)
        raise
    if kept is not None:
        state.exports.put(request, CachedExport(head, b"".join(kept), reply.tail))
    await state.recorder.record(_served(exchange, head, reply.tail, from_cache=False))


def _served(exchange: Exchange, head: ExportHead, tail: dict[str, Any], *, from_cache: bool) -> SyncEvent:
    return exchange.event(
        SyncState.SERVED,
        http_status=200,
        payload_bytes=tail.get("bytes"),
        payload_sha256=tail.get("sha256"),
        counts=tail.get("counts", {}),
        cursor=head.cursor,
        details=ExportDetails(
            format=head.content_type,
            type_export=head.kind.value,
            fichier=head.filename,
            cache_passerelle=from_cache,
        ),
    )


def _matches(etag: str, candidates: list[str]) -> bool:
    """Weak comparison (RFC 9110 §13.1.2), as the services do."""
    bare = etag.removeprefix("W/")
    return any(c == "*" or c.removeprefix("W/") == bare for c in candidates)
