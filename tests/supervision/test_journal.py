"""The journal records every event once and keeps each sync's summary, activity and certificates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import col, func, select

from services.common.contracts import CertificateAction, CertificateAudit, ImportDetails, ReportEntry
from services.common.db import SessionFactory, transaction
from services.common.events import Direction, SyncState
from services.supervision.journal import record_events
from services.supervision.models import (
    CertificateRecord,
    SchoolActivity,
    SyncEventRecord,
    SyncRecord,
    SyncReport,
)
from tests.supervision.support import CORSE_SCHOOL, TOULOUSE_SCHOOL, event, minutes_ago


async def count(sessions: SessionFactory, table: type[SyncRecord] | type[SyncEventRecord]) -> int:
    async with sessions() as session:
        return (await session.exec(select(func.count()).select_from(table))).one()


async def test_an_event_recorded_twice_is_stored_once(sessions: SessionFactory) -> None:
    first = event(TOULOUSE_SCHOOL)
    async with transaction(sessions) as session:
        changes = await record_events(session, [first, first])
    async with transaction(sessions) as session:
        again = await record_events(session, [first])

    assert [c.created for c in changes] == [True]
    assert again == []
    assert (await count(sessions, SyncEventRecord), await count(sessions, SyncRecord)) == (1, 1)


async def test_out_of_order_events_end_in_the_final_state(sessions: SessionFactory) -> None:
    sync_id, start = "01JSYNC0000000000000000001", minutes_ago(5)
    received = event(
        state=SyncState.RECEIVED,
        sync_id=sync_id,
        flow="emploi-du-temps",
        direction=Direction.IMPORT,
        at=start,
    )
    applied = event(
        state=SyncState.APPLIED, sync_id=sync_id, flow="emploi-du-temps", direction=Direction.IMPORT,
        at=start + timedelta(seconds=3), counts={"ajoutes": 12}, duration_ms=3000.0,
    )  # fmt: skip
    queued = event(
        state=SyncState.QUEUED, sync_id=sync_id, flow="emploi-du-temps", direction=Direction.IMPORT,
        at=start + timedelta(seconds=1),
    )  # fmt: skip
    for batch in ([applied], [received, queued]):
        async with transaction(sessions) as session:
            await record_events(session, batch)

    async with sessions() as session:
        record = await session.get(SyncRecord, sync_id)
    assert record is not None
    assert (record.state, record.started_at, record.finished_at) == ("applied", start, applied.occurred_at)
    assert (record.counts, record.event_count, record.academie) == ({"ajoutes": 12}, 3, "toulouse")


async def test_activity_keeps_last_success_per_school_and_flow(sessions: SessionFactory) -> None:
    old_success = event(CORSE_SCHOOL, SyncState.SERVED, flow="eleves", at=minutes_ago(60 * 24 * 10))
    recent_failure = event(CORSE_SCHOOL, SyncState.FAILED, flow="eleves", at=minutes_ago(5))
    async with transaction(sessions) as session:
        await record_events(session, [recent_failure, old_success])

    async with sessions() as session:
        activity = await session.get(SchoolActivity, (CORSE_SCHOOL, "eleves"))
    assert activity is not None
    assert (activity.academie, activity.sync_count, activity.last_state) == ("corse", 2, "failed")
    assert activity.last_success_at == old_success.occurred_at


async def test_report_and_certificate_are_kept_from_event_details(sessions: SessionFactory) -> None:
    not_after = datetime(2027, 8, 31, tzinfo=UTC)
    report = [
        ReportEntry(
            code="groupe-inconnu",
            title="Groupe inconnu",
            detail="4A_ANG",
            path="/STS_EDT/SERVICE[3]",
            line=12,
        )
    ]
    issued = event(
        TOULOUSE_SCHOOL, SyncState.APPLIED, flow="certificat", direction=Direction.NONE,
        certificate_serial="ABC123",
        details=CertificateAudit(action=CertificateAction.ISSUED, not_after=not_after),
    )  # fmt: skip
    used = event(
        TOULOUSE_SCHOOL, SyncState.REJECTED, certificate_serial="abc123", details=ImportDetails(report=report)
    )
    async with transaction(sessions) as session:
        await record_events(session, [issued, used])

    async with sessions() as session:
        certificate = await session.get(CertificateRecord, "abc123")
        stored_report = await session.get(SyncReport, used.sync_id)
        serials = (await session.exec(select(col(CertificateRecord.serial)))).all()
    assert certificate is not None
    assert stored_report is not None
    assert (certificate.not_after, certificate.academie, certificate.last_used_at) == (
        not_after,
        "toulouse",
        used.occurred_at,
    )
    assert stored_report.entries == [entry.model_dump(exclude_none=True) for entry in report]
    assert serials == ["abc123"]
