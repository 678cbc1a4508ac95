"""Dashboard figures: syncs per hour, error rates, late schools, expiring certificates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from services.common.contracts import CertificateAction, CertificateAudit, ImportDetails
from services.common.db import SessionFactory, transaction
from services.common.events import Direction, SyncEvent, SyncState
from services.supervision import stats
from services.supervision.journal import record_events
from services.supervision.models import SchoolActivity, SyncRecord
from services.supervision.scope import NATIONAL, Scope
from tests.supervision.support import BORDEAUX_SCHOOL, CORSE_SCHOOL, TOULOUSE_OTHER, TOULOUSE_SCHOOL, event

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


ISSUED = CertificateAudit(action=CertificateAction.ISSUED, not_after=NOW + timedelta(days=300))
DAYS_9 = timedelta(days=9)


async def test_late_schools_are_those_without_recent_success(sessions: SessionFactory) -> None:
    """Late: no success of a flow for 7 days, for a school exchanging with the platform for longer."""
    await record(
        sessions,
        [
            event(TOULOUSE_SCHOOL, flow="eleves", at=NOW - timedelta(days=1)),
            event(BORDEAUX_SCHOOL, flow="eleves", at=NOW - timedelta(days=12)),
            event(BORDEAUX_SCHOOL, flow="eleves", state=SyncState.FAILED, at=NOW - timedelta(hours=1)),
            # Pulls its nomenclatures for three weeks, never its students: late for the students.
            event(TOULOUSE_OTHER, flow="nomenclatures", at=NOW - timedelta(days=20)),
            # Started yesterday (or minutes ago, failing): not expected to have pulled anything yet.
            event(CORSE_SCHOOL, flow="nomenclatures", at=NOW - timedelta(days=1)),
            event(CORSE_SCHOOL, flow="eleves", state=SyncState.FAILED, at=NOW - timedelta(minutes=5)),
            # Not exchanges: a certificate issued three weeks ago, a "what can I run" check.
            event(
                CORSE_SCHOOL, SyncState.APPLIED, flow="certificat", direction=Direction.NONE,
                certificate_serial="c9", at=NOW - timedelta(days=21),
                details=ISSUED,
            ),
            event(CORSE_SCHOOL, SyncState.REFUSED, flow="flux", direction=Direction.NONE, at=NOW - DAYS_9),
        ],
    )  # fmt: skip
    async with sessions() as session:
        eleves = await stats.late_schools(session, NATIONAL, now=NOW, days=7, flow="eleves")
        any_flow = await stats.late_schools(session, NATIONAL, now=NOW, days=7)
    assert [(s.uai, s.last_success_at) for s in eleves] == [
        (TOULOUSE_OTHER, None),  # never pulled the students in three weeks: the latest of all
        (BORDEAUX_SCHOOL, NOW - timedelta(days=12)),
    ]
    assert [(s.uai, s.flow) for s in any_flow] == [
        (TOULOUSE_OTHER, "nomenclatures"),
        (BORDEAUX_SCHOOL, "eleves"),
    ]


async def test_audits_checks_and_simulations_are_not_counted_as_exchanges(sessions: SessionFactory) -> None:
    at = NOW - timedelta(minutes=5)
    simulation = event(TOULOUSE_SCHOOL, SyncState.SERVED, flow="emploi-du-temps", direction=Direction.IMPORT,
                       at=at, details=ImportDetails(simulation=True, verdict=SyncState.REJECTED))  # fmt: skip
    await record(
        sessions,
        [
            event(TOULOUSE_SCHOOL, at=at),
            event(TOULOUSE_SCHOOL, SyncState.APPLIED, flow="certificat", direction=Direction.NONE, at=at,
                  certificate_serial="c1",
                  details=ISSUED),
            event(TOULOUSE_SCHOOL, SyncState.SERVED, flow="flux", direction=Direction.NONE, at=at),
            event(TOULOUSE_SCHOOL, SyncState.REFUSED, flow="flux", direction=Direction.NONE, at=at),
            simulation,
        ],
    )  # fmt: skip
    async with sessions() as session:
        per_hour = await stats.syncs_per_hour(session, NATIONAL, now=NOW, hours=1)
        by_flow = await stats.error_rates(session, NATIONAL, "flow", since=NOW - timedelta(hours=1))
        activity = (await session.exec(select(SchoolActivity))).all()
        recorded = await session.get(SyncRecord, simulation.sync_id)
    assert [(h.total, h.errors) for h in per_hour] == [(2, 0)]  # the pull and the simulation
    assert sorted(r.key for r in by_flow) == ["emploi-du-temps", "nomenclatures"]
    assert [(a.flow, a.sync_count) for a in activity] == [("nomenclatures", 1)]  # no simulated success
    assert recorded is not None
    assert (recorded.simulation, recorded.verdict) == (True, "rejected")


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
