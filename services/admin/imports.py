"""Imports held by the safety valve, as supervision's journal has them, and the operator's decision."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.bus import Bus
from services.common.events import Direction, SyncState
from services.common.import_bus import ensure_import_bus, queue_job
from services.common.imports import ImportJob
from services.supervision.approvals import decision_for, decision_msg_id
from services.supervision.models import SyncRecord
from services.supervision.queries import get_sync
from services.supervision.scope import Supervisor

# Decisions are signed by the operator, with every académie in scope (the command runs on the platform).
OPERATOR = Supervisor("operateur", "opérateur (netsynchro-admin)", national=True, academies=frozenset())


async def held(db: AsyncSession, uai: str | None) -> list[SyncRecord]:
    statement = (
        select(SyncRecord)
        .where(SyncRecord.state == SyncState.HELD.value, SyncRecord.direction == Direction.IMPORT.value)
        .order_by(col(SyncRecord.started_at))
    )
    if uai:
        statement = statement.where(SyncRecord.uai == uai.upper())
    return list((await db.exec(statement)).all())


def describe(record: SyncRecord) -> str:
    who = f"{record.editor or '?'}/{record.product or '?'}"
    return (
        f"{record.sync_id}  {record.uai or '?'}  {record.flow}  {who}  "
        f"reçu le {record.started_at:%d/%m/%Y %H:%M} UTC  {record.message or ''}"
    ).rstrip()


async def decision(db: AsyncSession, sync_id: str, *, approve: bool, reason: str | None) -> ImportJob:
    """The decision job on a held import (refused unless it is held)."""
    found = await get_sync(db, sync_id, OPERATOR.scope)
    return decision_for(found.record, OPERATOR, approve=approve, reason=reason)


async def send(bus: Bus, job: ImportJob) -> None:
    await ensure_import_bus(bus)
    await queue_job(bus, job, msg_id=decision_msg_id(job.sync_id))
