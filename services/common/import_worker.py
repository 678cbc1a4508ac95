"""The import worker shared by sts and bee: ordered, exactly once, observable.

For each job of ``imports.<service>.<uai>.<year>`` (a work queue, see :mod:`services.common.subjects`):

1. order: if an older message of the same school is still queued, the job waits (nak with a short delay),
   so a school's imports apply in the order they were pushed whatever replica fetched them;
2. its row in the job table is created, or found: a row already final (or held) means an earlier
   delivery committed; its events are sent again (their ids are derived, so recorded once) and the job is
   acknowledged without being applied twice;
3. the flow's gate may make it wait (links after a timetable): state ``waiting`` with the reason;
4. the file is read record by record, then applied in one transaction that also writes the verdict into
   the row. A held, rejected or simulated import is rolled back and only its verdict is written.

A killed worker loses nothing: before the commit nothing happened, after it the row says so. Waiting and
ordering naks do not count as attempts; a delivery that starts applying does, up to ``max_attempts``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from nats.aio.msg import Msg
from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common import subjects
from services.common.bus import Bus, ConsumerSpec, TransientFailure
from services.common.contracts import ImportDetails, ReportEntry
from services.common.db import SessionFactory, transaction
from services.common.errors import DomainError
from services.common.events import SyncState
from services.common.formats import errors as format_codes
from services.common.import_bus import load_payload, oldest_pending, publish_event
from services.common.import_jobs import ImportJobBase, held_before, locked, new_row, settle
from services.common.import_report import report_of
from services.common.imports import ImportJob, ImportKind, ImportSettings, Outcome, decision_note, verdict

log = logging.getLogger(__name__)
_UNDONE = (SyncState.HELD, SyncState.REJECTED)


class Importer(Protocol):
    """What one flow brings to the worker."""

    def check(self, job: ImportJob, data: bytes) -> Any:
        """Read the file record by record (CPU, run in a thread); raise FormatError for the file."""

    async def gate(self, job: ImportJob, seq: int) -> str | None:
        """Why the job must wait now (French), or None."""

    async def apply(self, session: AsyncSession, job: ImportJob, checked: Any) -> Outcome:
        """Write the import through the service's journaled write path (in the caller's transaction)."""


class JobWaiting(TransientFailure):
    """The job must wait for an earlier job or a sequencing rule: redelivered after a short delay."""


class _Undo(Exception):
    def __init__(self, state: SyncState, reason: str | None, outcome: Outcome) -> None:
        super().__init__(state.value)
        self.state, self.reason, self.outcome = state, reason, outcome


@dataclass
class ImportWorker:
    service: str
    bus: Bus
    sessions: SessionFactory
    table: type[ImportJobBase]
    importer: Importer
    settings: ImportSettings
    on_applied: Callable[[ImportJob], Awaitable[None]] | None = None

    def consumer(self) -> ConsumerSpec:
        return ConsumerSpec(
            stream=subjects.IMPORTS.name,
            durable=subjects.import_durable(self.service),
            filter_subject=subjects.import_filter(self.service),
            max_deliver=-1,  # waiting is not failing: attempts are counted in the job table
            ack_wait_seconds=self.settings.ack_wait_seconds,
            batch=1,  # a loop holds one job at a time: the other loops take the other schools
            backoff=(self.settings.recheck_seconds,),
        )

    async def start(self) -> None:
        for _ in range(max(1, self.settings.concurrency)):
            await self.bus.consume(self.consumer(), self.on_message)

    # -- one delivery --------------------------------------------------------------------------------
    async def on_message(self, msg: Msg) -> None:
        try:
            job = ImportJob.from_bytes(msg.data)
        except ValidationError:
            log.error("unreadable import job on %s: dropped", msg.subject)
            return  # acknowledged: a work queue must not keep a school blocked behind it
        seq = int(msg.metadata.sequence.stream)
        oldest = await oldest_pending(self.bus, msg.subject)
        if oldest is not None and oldest < seq:
            raise JobWaiting(f"job {oldest} of the same school comes first")
        async with self._heartbeat(msg):
            if job.kind is ImportKind.DECISION:
                await self._decide(job)
            else:
                await self._run(job, seq)

    async def _run(self, job: ImportJob, seq: int) -> None:
        row = await self._register(job)
        if row.is_settled:
            await self._announce(job, row)
            return
        reason = await self.importer.gate(job, seq)
        if reason is not None:
            await self._wait(job, reason)
            raise JobWaiting(reason)
        if await self._attempt(job):
            checked = await self._check(job)
            if checked is not None:
                await self._apply(job, checked, approved=False)

    async def _decide(self, decision: ImportJob) -> None:
        async with transaction(self.sessions) as session:
            row = await locked(session, self.table, decision.sync_id)
            if row is None or row.state != SyncState.HELD.value:
                log.info("decision on %s ignored: not held", decision.sync_id)
                return
            job = row.import_job()
            if not decision.approve:
                settle(row, SyncState.REJECTED, decision_note(decision), None)
        if not decision.approve:
            await self._announce(job, row)
            return
        checked = await self._check(job)
        if checked is not None:
            await self._apply(job, checked, approved=True, note=decision_note(decision))

    # -- steps ---------------------------------------------------------------------------------------
    async def _register(self, job: ImportJob) -> ImportJobBase:
        async with transaction(self.sessions) as session:
            row = await locked(session, self.table, job.sync_id)
            if row is None:
                row = new_row(self.table, job, SyncState.QUEUED)
                session.add(row)
            return row

    async def _wait(self, job: ImportJob, reason: str) -> None:
        async with transaction(self.sessions) as session:
            row = await locked(session, self.table, job.sync_id)
            if row is None or (row.state == SyncState.WAITING.value and row.reason == reason):
                return
            row.waits += 1
            settle(row, SyncState.WAITING, reason, None)
        await self._announce(job, row)

    async def _attempt(self, job: ImportJob) -> bool:
        async with transaction(self.sessions) as session:
            row = await locked(session, self.table, job.sync_id)
            assert row is not None
            row.attempts += 1
            exhausted = row.attempts > self.settings.max_attempts
            if exhausted:
                reason = f"L'import a échoué {self.settings.max_attempts} fois : abandonné."
                settle(row, SyncState.FAILED, reason, None)
        if exhausted:
            await self._announce(job, row)
        return not exhausted

    async def _check(self, job: ImportJob) -> Any | None:
        """The file read record by record, or None once a file-level refusal is recorded."""
        try:
            data = await load_payload(self.bus, job.sync_id)
            await self._pause("parse", job)
            checked = await asyncio.to_thread(self.importer.check, job, data)
        except DomainError as error:
            if error.status >= 500:
                raise
            await self._refuse(job, error)
            return None
        await publish_event(self.bus, job.event(SyncState.VALIDATED))
        return checked

    async def _apply(self, job: ImportJob, checked: Any, *, approved: bool, note: str | None = None) -> None:
        superseded: list[ImportJobBase] = []
        try:
            async with transaction(self.sessions) as session:
                row = await locked(session, self.table, job.sync_id)
                if row is None or SyncState(row.state).is_final:
                    return  # another delivery got there first
                outcome = await self.importer.apply(session, job, checked)
                state, reason = verdict(outcome, self.settings, approved=approved)
                reason = " ".join(part for part in (note, reason) if part) or None
                if state in _UNDONE:
                    raise _Undo(state, reason, outcome)
                settle(row, state, reason, outcome)
                superseded = await self._supersede(session, job)
                await self._pause("transaction", job)
        except _Undo as undo:
            row = await self._settle_alone(job, undo.state, undo.reason, undo.outcome)
        except DomainError as error:
            if error.status >= 500:
                raise
            await self._refuse(job, error)
            return
        await self._pause("commit", job)
        for old in superseded:
            await self._announce(old.import_job(), old)
        await self._announce(job, row)
        if self.on_applied is not None and row.state not in _UNDONE:
            await self.on_applied(job)

    async def simulate(self, job: ImportJob) -> ImportJobBase:
        """The verdict and report of ``job`` without changing anything: applied, then rolled back."""
        checked = await self._check(job)
        if checked is None:
            row = await self._row(job.sync_id)
            assert row is not None
            return row
        try:
            async with transaction(self.sessions) as session:
                outcome = await self.importer.apply(session, job, checked)
                raise _Undo(*verdict(outcome, self.settings, approved=False), outcome)
        except _Undo as undo:
            row = await self._settle_alone(job, undo.state, undo.reason, undo.outcome)
        await self._announce(job, row)
        return row

    async def _supersede(self, session: AsyncSession, job: ImportJob) -> list[ImportJobBase]:
        """A newer import of the same flow replaces what a held one would have done: refuse those."""
        rows = list(await held_before(session, self.table, job))
        for row in rows:
            settle(row, SyncState.REJECTED, f"Remplacé par l'import {job.sync_id}, plus récent.", None)
        return rows

    async def _refuse(self, job: ImportJob, error: DomainError) -> None:
        report = report_of(error)
        outcome = Outcome({"rejected": len(report)}, report, 0, 0, 0, "", {})
        row = await self._settle_alone(job, SyncState.REJECTED, error.title, outcome)
        await self._announce(job, row, problem_code=error.code)

    async def _settle_alone(
        self, job: ImportJob, state: SyncState, reason: str | None, outcome: Outcome | None
    ) -> ImportJobBase:
        async with transaction(self.sessions) as session:
            row = await locked(session, self.table, job.sync_id)
            if row is None:
                row = new_row(self.table, job, SyncState.QUEUED)
                session.add(row)
            if not SyncState(row.state).is_final:
                settle(row, state, reason, outcome)
            return row

    async def _row(self, sync_id: str) -> ImportJobBase | None:
        async with self.sessions() as session:
            return await session.get(self.table, sync_id)

    async def _announce(self, job: ImportJob, row: ImportJobBase, *, problem_code: str | None = None) -> None:
        """The event of the row's state, with its counts and report (derived id: sent once). A rejected
        file names its problem code, as a refusal at the gateway does: the file-level error's, or
        ``enregistrements-invalides`` when none of its records was valid."""
        state = SyncState(row.state)
        if state is SyncState.REJECTED and problem_code is None:
            problem_code = format_codes.ENREGISTREMENTS_INVALIDES
        counts = {key: value for key, value in row.counts.items() if isinstance(value, int)}
        report = [ReportEntry.model_validate(entry) for entry in row.report]
        # A held import carries what it would change: what the supervisor weighs before deciding.
        changes = row.changes if state is SyncState.HELD else {}
        details = ImportDetails(report=report, changes=changes) if report or changes else None
        label = f"waiting.{row.waits}" if state is SyncState.WAITING else state.value
        if row.simulation:
            details = ImportDetails(report=report, simulation=True, verdict=state)
            state, label, problem_code = SyncState.SERVED, "simulation", None
        event = job.event(
            state, label, counts=counts, message=row.reason, details=details, problem_code=problem_code
        )
        await publish_event(self.bus, event)

    @contextlib.asynccontextmanager
    async def _heartbeat(self, msg: Msg) -> AsyncIterator[None]:
        """Tell the server the job is alive, so a long import is not redelivered to another worker."""

        async def beat() -> None:
            while True:
                await asyncio.sleep(self.settings.ack_wait_seconds / 3)
                with contextlib.suppress(Exception):
                    await msg.in_progress()

        task = asyncio.create_task(beat())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _pause(self, point: str, job: ImportJob) -> None:
        if self.settings.pause_at == point and not job.simulation:
            log.warning("import paused at %s (sync %s)", point, job.sync_id)
            await asyncio.sleep(self.settings.pause_seconds)
