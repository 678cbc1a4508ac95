"""Dashboard figures: syncs per hour, error rates, late schools, expiring certificates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.common.contracts import CertificateAction, CertificateAudit
from services.common.db import SessionFactory, transaction
from services.common.events import Direction, SyncEvent, SyncState
from services.supervision import stats
from services.supervision.journal import record_events
from services.supervision.scope import NATIONAL, Scope
from tests.supervision.support import BORDEAUX_SCHOOL, CORSE_SCHOOL, TOULOUSE_SCHOOL, event

NOW = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
TOULOUSE = Scope(national=False, academies=frozenset({"toulouse"}))


async def record(sessions: SessionFactory, events: list[SyncEvent]) -> None:
    async with transaction(sessions) as session:
        await record_events(session, events)


async def test_syncs_per_hour_counts_totals_and_errors_with_empty_hours(sessions: SessionFactory) -> None:
    await record(
        sessions,
        [
            event(at=NOW - timedelta(minutes=10)),
            event(state=SyncState.FAILED, at=NOW - timedelta(minutes=20)),
            event(at=NOW - timedelta(hours=2, minutes=5)),
            event(at=NOW - timedelta(hours=30)),  # outside the 24 hours
        ],
    )
    async with sessions() as session:
        hours = await stats.syncs_per_hour(session, NATIONAL, now=NOW, hours=24)
    assert len(hours) == 24
    assert (hours[-1].hour, hours[-1].total, hours[-1].errors) == (NOW.replace(minute=0), 2, 1)
    assert [(h.total, h.errors) for h in hours[-3:-1]] == [(1, 0), (0, 0)]
    assert sum(h.total for h in hours) == 3


async def test_error_rates_by_editor_worst_first_and_scoped(sessions: SessionFactory) -> None:
    at = NOW - timedelta(minutes=5)
    await record(
        sessions,
        [event(editor="alpha", at=at), event(editor="alpha", state=SyncState.REJECTED, at=at)]
        + [event(editor="beta", at=at) for _ in range(3)]
        + [event(BORDEAUX_SCHOOL, editor="gamma", state=SyncState.FAILED, at=at)],
    )
    async with sessions() as session:
        national = await stats.error_rates(session, NATIONAL, "editor", since=NOW - timedelta(hours=1))
        toulouse = await stats.error_rates(session, TOULOUSE, "editor", since=NOW - timedelta(hours=1))
    assert [(r.key, r.total, r.errors) for r in national] == [
        ("gamma", 1, 1),
        ("alpha", 2, 1),
        ("beta", 3, 0),
    ]
    assert [r.key for r in toulouse] == ["alpha", "beta"]


async def test_late_schools_are_those_without_recent_success(sessions: SessionFactory) -> None:
    await record(
        sessions,
        [
            event(TOULOUSE_SCHOOL, flow="eleves", at=NOW - timedelta(days=1)),
            event(BORDEAUX_SCHOOL, flow="eleves", at=NOW - timedelta(days=12)),
            event(BORDEAUX_SCHOOL, flow="eleves", state=SyncState.FAILED, at=NOW - timedelta(hours=1)),
            event(CORSE_SCHOOL, flow="nomenclatures", at=NOW - timedelta(days=1)),
        ],
    )
    async with sessions() as session:
        eleves = await stats.late_schools(session, NATIONAL, now=NOW, days=7, flow="eleves")
        any_flow = await stats.late_schools(session, NATIONAL, now=NOW, days=7)
    assert [(s.uai, s.last_success_at) for s in eleves] == [
        (CORSE_SCHOOL, None),  # never pulled the students: the latest of all
        (BORDEAUX_SCHOOL, NOW - timedelta(days=12)),
    ]
    assert [(s.uai, s.flow) for s in any_flow] == [(BORDEAUX_SCHOOL, "eleves")]


async def test_expiring_certificates_exclude_revoked_and_distant_ones(sessions: SessionFactory) -> None:
    def issued(serial: str, days: int, uai: str = TOULOUSE_SCHOOL) -> SyncEvent:
        not_after = NOW + timedelta(days=days)
        return event(
            uai, SyncState.APPLIED, flow="certificat", direction=Direction.NONE, certificate_serial=serial,
            details=CertificateAudit(action=CertificateAction.ISSUED, not_after=not_after),
        )  # fmt: skip

    revoked = event(
        TOULOUSE_SCHOOL, SyncState.APPLIED, flow="certificat", direction=Direction.NONE,
        certificate_serial="c3",
        details=CertificateAudit(action=CertificateAction.REVOKED, not_after=NOW + timedelta(days=5)),
    )  # fmt: skip
    await record(
        sessions,
        [issued("c1", 10), issued("c2", 90), issued("c3", 5), revoked, issued("c4", 3, BORDEAUX_SCHOOL)],
    )
    async with sessions() as session:
        national = await stats.expiring_certificates(session, NATIONAL, now=NOW, days=30)
        toulouse = await stats.expiring_certificates(session, TOULOUSE, now=NOW, days=30)
    assert [c.serial for c in national] == ["c4", "c1"]
    assert [c.serial for c in toulouse] == ["c1"]
