"""Keeping the sync journal: record each event exactly once, and keep each sync's summary current.

Events come in batches (one JetStream fetch). A batch is written in one transaction: the event ids
already stored are read first and skipped (a redelivery, or a publish retried by the gateway), so an
event is recorded once however often it arrives; the primary key on ``event_id`` guards against a
concurrent replica. What changed is returned so the caller can tell the live feed and the alert rules
once the transaction has committed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.academies import academie_slug_of_uai
from services.common.contracts import ImportDetails
from services.common.events import SyncEvent, SyncState
from services.supervision.activity import note_activity
from services.supervision.certificates import note_certificates
from services.supervision.models import SyncEventRecord, SyncRecord, SyncReport

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


@dataclass(frozen=True)
class SyncChange:
    """A sync that a batch created or moved, as it stands after the batch."""

    record: SyncRecord
    created: bool
    previous_state: str | None

    @property
    def state_changed(self) -> bool:
        return self.created or self.previous_state != self.record.state


async def record_events(session: AsyncSession, events: Sequence[SyncEvent]) -> list[SyncChange]:
    """Store the events not stored yet and fold them into their syncs; returns the syncs that changed."""
    fresh = await _unrecorded(session, [_aware(event) for event in events])
    if not fresh:
        return []
    records = await _records_of(session, {event.sync_id for event in fresh})
    before = {sync_id: record.state for sync_id, record in records.items()}
    for event in sorted(fresh, key=lambda e: (e.occurred_at, e.event_id)):
        session.add(_event_row(event))
        records[event.sync_id] = _apply(records.get(event.sync_id), event, session)
        await _note_import(session, records[event.sync_id], event)
    touched = [records[sync_id] for sync_id in dict.fromkeys(event.sync_id for event in fresh)]
    created = {record.sync_id for record in touched if record.sync_id not in before}
    await note_activity(session, touched, created)
    await note_certificates(session, fresh)
    return [SyncChange(r, r.sync_id in created, before.get(r.sync_id)) for r in touched]


async def record_event(session: AsyncSession, event: SyncEvent) -> bool:
    """Record one event; False if it was already recorded."""
    return bool(await record_events(session, [event]))


async def _unrecorded(session: AsyncSession, events: Sequence[SyncEvent]) -> list[SyncEvent]:
    unique = {event.event_id: event for event in events}
    known = await session.exec(
        select(SyncEventRecord.event_id).where(col(SyncEventRecord.event_id).in_(list(unique)))
    )
    for event_id in known.all():
        unique.pop(event_id, None)
    return list(unique.values())


async def _records_of(session: AsyncSession, sync_ids: Iterable[str]) -> dict[str, SyncRecord]:
    found = await session.exec(select(SyncRecord).where(col(SyncRecord.sync_id).in_(list(sync_ids))))
    return {record.sync_id: record for record in found.all()}


def _event_row(event: SyncEvent) -> SyncEventRecord:
    return SyncEventRecord(
        event_id=event.event_id,
        sync_id=event.sync_id,
        state=event.state.value,
        occurred_at=event.occurred_at,
        # Without the Nones, but whole otherwise: it reads back as the same SyncEvent (details' kind).
        data=event.model_dump(mode="json", exclude_none=True),
    )


def _apply(record: SyncRecord | None, event: SyncEvent, session: AsyncSession) -> SyncRecord:
    if record is None:
        record = _new_record(event)
        session.add(record)
    else:
        _fold(record, event)
    record.event_count += 1
    return record


def _new_record(event: SyncEvent) -> SyncRecord:
    record = SyncRecord(
        sync_id=event.sync_id,
        flow=event.flow,
        direction=event.direction.value,
        state=event.state.value,
        started_at=event.occurred_at,
        updated_at=event.occurred_at,
        finished_at=event.occurred_at if event.state.is_final else None,
        started_hour=_epoch_hour(event.occurred_at),
        counts=dict(event.counts),
        event_count=0,
    )
    _copy_summary(record, event)
    return record


def _fold(record: SyncRecord, event: SyncEvent) -> None:
    """Events can arrive out of order: a later or final event moves the state, an earlier one does not."""
    current_is_final = SyncState(record.state).is_final
    if event.occurred_at >= record.updated_at and not (current_is_final and not event.state.is_final):
        record.state = event.state.value
        record.updated_at = event.occurred_at
        if event.state.is_final:
            record.finished_at = event.occurred_at
    if event.occurred_at < record.started_at:
        record.started_at = event.occurred_at
        record.started_hour = _epoch_hour(event.occurred_at)
    _copy_summary(record, event)
    if event.counts:
        record.counts = {**record.counts, **event.counts}


def _copy_summary(record: SyncRecord, event: SyncEvent) -> None:
    for name in _SUMMARY_FIELDS:
        value = getattr(event, name)
        if value is not None:
            setattr(record, name, value)
    if event.uai is not None:
        record.academie = academie_slug_of_uai(event.uai)


async def _note_import(session: AsyncSession, record: SyncRecord, event: SyncEvent) -> None:
    """What an import says of itself (:class:`ImportDetails`): a simulation is marked as such, with its
    verdict; its report replaces the sync's report (the last word wins)."""
    details = event.details
    if not isinstance(details, ImportDetails):
        return
    if details.simulation:
        record.simulation = True
        record.verdict = details.verdict.value if details.verdict else record.verdict
    if not details.report and details.verdict is None:
        return  # nothing said about the records (an early event, a held import's changes)
    entries = [entry.model_dump(mode="json", exclude_none=True) for entry in details.report]
    report = await session.get(SyncReport, event.sync_id)
    if report is None:
        session.add(SyncReport(sync_id=event.sync_id, entries=entries))
    else:
        report.entries = entries


def _aware(event: SyncEvent) -> SyncEvent:
    # A publisher that sent a naive time meant UTC; comparing it with stored aware times would fail.
    if event.occurred_at.tzinfo is not None:
        return event
    return event.model_copy(update={"occurred_at": event.occurred_at.replace(tzinfo=UTC)})


def _epoch_hour(moment: datetime) -> int:
    return int(moment.timestamp() // 3600)
