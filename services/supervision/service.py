"""Keeping the sync journal: record each event once, and keep each sync's summary current."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.errors import NotFound
from services.common.events import SyncEvent, SyncState
from services.supervision.models import SyncEventRecord, SyncRecord

# Fields an event may carry that, once known, describe the whole sync.
_SUMMARY_FIELDS = (
    "uai",
    "year",
    "editor",
    "product",
    "certificate_serial",
    "http_status",
    "problem_code",
    "message",
    "duration_ms",
    "payload_bytes",
    "payload_sha256",
    "cursor",
)


async def record_event(session: AsyncSession, event: SyncEvent) -> bool:
    """Store the event and fold it into its sync; False if it was already recorded."""
    if await session.get(SyncEventRecord, event.event_id) is not None:
        return False
    session.add(
        SyncEventRecord(
            event_id=event.event_id,
            sync_id=event.sync_id,
            state=event.state.value,
            occurred_at=event.occurred_at,
            data=event.model_dump(mode="json"),
        )
    )
    record = await session.get(SyncRecord, event.sync_id)
    if record is None:
        session.add(_new_record(event))
    else:
        _fold(record, event)
    return True


def _new_record(event: SyncEvent) -> SyncRecord:
    record = SyncRecord(
        sync_id=event.sync_id,
        flow=event.flow,
        direction=event.direction.value,
        state=event.state.value,
        started_at=event.occurred_at,
        updated_at=event.occurred_at,
        counts=dict(event.counts),
    )
    _copy_summary(record, event)
    return record


def _fold(record: SyncRecord, event: SyncEvent) -> None:
    """Events can arrive out of order: a later or final event moves the state, an earlier one does not."""
    occurred = _aware(event.occurred_at)
    current_is_final = SyncState(record.state).is_final
    if occurred >= _aware(record.updated_at) and not (current_is_final and not event.state.is_final):
        record.state = event.state.value
        record.updated_at = occurred
    record.started_at = min(_aware(record.started_at), occurred)
    _copy_summary(record, event)
    if event.counts:
        record.counts = {**record.counts, **event.counts}


def _copy_summary(record: SyncRecord, event: SyncEvent) -> None:
    for name in _SUMMARY_FIELDS:
        value = getattr(event, name)
        if value is not None:
            setattr(record, name, value)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything we store is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class SyncFilter:
    uai: str | None = None
    flow: str | None = None
    state: str | None = None
    editor: str | None = None
    since: datetime | None = None
    limit: int = 50
    offset: int = 0


async def list_syncs(session: AsyncSession, query: SyncFilter) -> tuple[Sequence[SyncRecord], int]:
    """Most recent first, with the total matching count for pagination."""
    conditions = [
        column == value
        for column, value in (
            (col(SyncRecord.uai), query.uai),
            (col(SyncRecord.flow), query.flow),
            (col(SyncRecord.state), query.state),
            (col(SyncRecord.editor), query.editor),
        )
        if value is not None
    ]
    if query.since is not None:
        conditions.append(col(SyncRecord.started_at) >= query.since)
    page = (
        select(SyncRecord)
        .where(*conditions)
        .order_by(col(SyncRecord.started_at).desc(), col(SyncRecord.sync_id).desc())
        .offset(query.offset)
        .limit(query.limit)
    )
    total = await session.exec(select(func.count()).select_from(SyncRecord).where(*conditions))
    return (await session.exec(page)).all(), total.one()


async def get_sync(session: AsyncSession, sync_id: str) -> tuple[SyncRecord, Sequence[SyncEventRecord]]:
    record = await session.get(SyncRecord, sync_id)
    if record is None:
        raise NotFound(f"Aucune synchronisation « {sync_id} ».", code="synchronisation-introuvable")
    events = await session.exec(
        select(SyncEventRecord)
        .where(SyncEventRecord.sync_id == sync_id)
        .order_by(col(SyncEventRecord.occurred_at), col(SyncEventRecord.event_id))
    )
    return record, events.all()
