"""The import-job table of an importing service: one row per sync, the truth about its state.

A job's final state is written in the same transaction as the import's changes, so "applied" and the data
commit together: a redelivered job whose row is final is acknowledged without being applied again.
Each importing service declares its own table from :class:`ImportJobBase` (its own database).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.contracts import ReportEntry
from services.common.events import SyncState
from services.common.imports import ImportJob, ImportStatus, Outcome

_OPEN_STATES = {SyncState.QUEUED.value, SyncState.WAITING.value, SyncState.VALIDATED.value}


class ImportJobBase(SQLModel):
    sync_id: str = Field(primary_key=True, max_length=26)
    uai: str = Field(max_length=8)
    year: int
    flow: str = Field(max_length=40)
    state: str = Field(max_length=20)
    reason: str | None = None
    simulation: bool = False
    attempts: int = 0  # deliveries that started applying
    waits: int = 0  # times the job was found waiting for another reason than before
    job: dict[str, Any] = Field(sa_type=JSON)  # the ImportJob as queued (who pushed, the file's hash)
    counts: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    report: list[Any] = Field(default_factory=list, sa_type=JSON)
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    received_at: datetime = Field(sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(sa_type=DateTime(timezone=True))
    finished_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))

    @property
    def is_settled(self) -> bool:
        """Final, or held for a supervisor: a delivery of its job has nothing left to do."""
        return SyncState(self.state).is_final or self.state == SyncState.HELD.value

    def import_job(self) -> ImportJob:
        return ImportJob.model_validate(self.job)

    def status(self) -> ImportStatus:
        return ImportStatus(
            sync_id=self.sync_id,
            flux=self.flow,
            uai=self.uai,
            annee=self.year,
            etat=SyncState(self.state),
            raison=self.reason,
            simulation=self.simulation,
            compteurs=self.counts,
            rapport=[ReportEntry.model_validate(entry) for entry in self.report],
            changements=self.changes,
            recu_le=_aware(self.received_at),
            mis_a_jour_le=_aware(self.updated_at),
        )


def new_row(table: type[ImportJobBase], job: ImportJob, state: SyncState) -> ImportJobBase:
    now = datetime.now(UTC)
    return table(
        sync_id=job.sync_id,
        uai=job.uai,
        year=job.year,
        flow=job.flow,
        state=state.value,
        simulation=job.simulation,
        job=job.model_dump(mode="json"),
        received_at=job.received_at,
        updated_at=now,
    )


async def locked(session: AsyncSession, table: type[ImportJobBase], sync_id: str) -> ImportJobBase | None:
    """The row, locked until commit on PostgreSQL (SQLite's writer lock serialises writers anyway)."""
    return await session.get(table, sync_id, with_for_update=True, populate_existing=True)


def settle(row: ImportJobBase, state: SyncState, reason: str | None, outcome: Outcome | None) -> None:
    """Write the verdict into the row (in the caller's transaction)."""
    now = datetime.now(UTC)
    row.state, row.reason, row.updated_at = state.value, reason, now
    if outcome is not None:
        row.counts, row.changes = dict(outcome.counts), dict(outcome.changes)
        row.report = [entry.model_dump(exclude_none=True) for entry in outcome.report]
    if state.is_final:
        row.finished_at = now


async def held_before(
    session: AsyncSession, table: type[ImportJobBase], job: ImportJob
) -> Sequence[ImportJobBase]:
    """The school's held imports of the same flow received before ``job``: it supersedes them."""
    rows = await session.exec(
        select(table)
        .where(
            col(table.uai) == job.uai,
            col(table.year) == job.year,
            col(table.flow) == job.flow,
            col(table.state) == SyncState.HELD.value,
            col(table.simulation).is_(False),
            col(table.received_at) < job.received_at,
        )
        .with_for_update()
    )
    return rows.all()


async def held_of(session: AsyncSession, table: type[ImportJobBase], uai: str, year: int) -> list[str]:
    rows = await session.exec(
        select(table.sync_id).where(
            col(table.uai) == uai,
            col(table.year) == year,
            col(table.state) == SyncState.HELD.value,
            col(table.simulation).is_(False),
        )
    )
    return list(rows.all())


def is_open(state: str) -> bool:
    return state in _OPEN_STATES


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite gives back naive datetimes: they were written in UTC.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
