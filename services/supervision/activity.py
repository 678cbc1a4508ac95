"""The last exchange of each flow by each school, kept current as syncs are recorded."""

from __future__ import annotations

from collections.abc import Sequence, Set

from sqlalchemy import tuple_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.events import Direction, SyncState
from services.supervision.models import SchoolActivity, SyncRecord

SUCCESS_STATES = frozenset({SyncState.SERVED, SyncState.APPLIED, SyncState.PARTIALLY_APPLIED})
ERROR_STATES = frozenset({SyncState.REFUSED, SyncState.REJECTED, SyncState.FAILED})


def is_exchange(record: SyncRecord) -> bool:
    """A pull or a push of data. Not one: GIN-WEB's certificate and accreditation audits, the "what can I
    run" checks (``flux``), TLS refusals and rollover steps (direction ``none``); nor a simulation."""
    return record.direction != Direction.NONE.value and not record.simulation


async def note_activity(session: AsyncSession, records: Sequence[SyncRecord], created: Set[str]) -> None:
    """Fold the given exchanges (``created``: the ids of those new to the journal) into their school's
    activity for their flow; the order of syncs does not matter."""
    records = [r for r in records if r.uai is not None and is_exchange(r)]
    by_key = {(r.uai, r.flow): r for r in records}
    if not by_key:
        return
    existing = await session.exec(
        select(SchoolActivity).where(
            tuple_(SchoolActivity.uai, SchoolActivity.flow).in_(list(by_key))  # type: ignore[arg-type]
        )
    )
    activities = {(a.uai, a.flow): a for a in existing.all()}
    for record in records:
        assert record.uai is not None
        activity = activities.get((record.uai, record.flow))
        if activity is None:
            activity = _new_activity(record)
            activities[(record.uai, record.flow)] = activity
            session.add(activity)
        _fold(activity, record, is_new=record.sync_id in created)


def _new_activity(record: SyncRecord) -> SchoolActivity:
    assert record.uai is not None
    return SchoolActivity(
        uai=record.uai,
        flow=record.flow,
        academie=record.academie,
        first_sync_at=record.started_at,
        last_sync_at=record.started_at,
        last_state=record.state,
        sync_count=0,
    )


def _fold(activity: SchoolActivity, record: SyncRecord, *, is_new: bool) -> None:
    if is_new:
        activity.sync_count += 1
    if activity.first_sync_at is None or record.started_at < activity.first_sync_at:
        activity.first_sync_at = record.started_at
    if record.started_at >= activity.last_sync_at:
        activity.last_sync_at = record.started_at
        activity.last_state = record.state
    if SyncState(record.state) in SUCCESS_STATES:
        finished = record.finished_at or record.updated_at
        if activity.last_success_at is None or finished > activity.last_success_at:
            activity.last_success_at = finished
