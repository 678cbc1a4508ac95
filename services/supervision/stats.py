"""The dashboard's figures, computed by SQL aggregates that read the same on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, Integer, case, cast
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.events import Direction
from services.supervision.activity import ERROR_STATES
from services.supervision.models import CertificateRecord, SchoolActivity, SyncRecord
from services.supervision.scope import Scope

Dimension = Literal["editor", "flow", "academie", "product"]
_ERROR_VALUES = sorted(state.value for state in ERROR_STATES)


@dataclass(frozen=True)
class HourCount:
    hour: datetime
    total: int
    errors: int


@dataclass(frozen=True)
class ErrorRate:
    key: str
    total: int
    errors: int

    @property
    def rate(self) -> float:
        return self.errors / self.total if self.total else 0.0


@dataclass(frozen=True)
class LateSchool:
    uai: str
    academie: str | None
    flow: str
    last_success_at: datetime | None
    last_sync_at: datetime | None


def _exchanges() -> ColumnElement[bool]:
    """Pulls and pushes only: not GIN-WEB's audits, the ``flux`` checks, TLS refusals or rollover steps
    (direction ``none``), which are journaled but are not exchanges (see :func:`activity.is_exchange`)."""
    return col(SyncRecord.direction) != Direction.NONE.value


def _is_error() -> ColumnElement[int]:
    return func.sum(cast(case((col(SyncRecord.state).in_(_ERROR_VALUES), 1), else_=0), Integer))


async def syncs_per_hour(
    session: AsyncSession, scope: Scope, *, now: datetime, hours: int
) -> list[HourCount]:
    """One bucket per hour, the last ``hours`` hours up to ``now``, empty hours included."""
    last = int(now.timestamp() // 3600)
    first = last - hours + 1
    hour = col(SyncRecord.started_hour)
    statement = (
        select(hour, func.count(), _is_error())
        .where(hour >= first, _exchanges(), *_scoped(scope, SyncRecord))
        .group_by(hour)
    )
    found = {row[0]: (row[1], row[2] or 0) for row in (await session.exec(statement)).all()}
    return [
        HourCount(datetime.fromtimestamp(h * 3600, now.tzinfo), *found.get(h, (0, 0)))
        for h in range(first, last + 1)
    ]


async def error_rates(
    session: AsyncSession, scope: Scope, dimension: Dimension, *, since: datetime, limit: int = 20
) -> list[ErrorRate]:
    """Syncs and errors per editor (or flow, académie, product) since ``since``, worst rate first."""
    key = getattr(SyncRecord, dimension)
    statement = (
        select(key, func.count(), _is_error())
        .where(
            col(SyncRecord.started_at) >= since,
            col(key).is_not(None),
            _exchanges(),
            *_scoped(scope, SyncRecord),
        )
        .group_by(key)
    )
    rates = [ErrorRate(row[0], row[1], row[2] or 0) for row in (await session.exec(statement)).all()]
    return sorted(rates, key=lambda r: (-r.rate, -r.total, r.key))[:limit]


async def late_schools(
    session: AsyncSession,
    scope: Scope,
    *,
    now: datetime,
    days: int,
    flow: str | None = None,
    limit: int = 100,
) -> list[LateSchool]:
    """Schools with no successful exchange of a flow for ``days`` days, although they have been
    exchanging with the platform for longer than that (docs/supervision.md, « flux en retard »).

    A flow is late once it was *expected* for ``days`` days: a school that started minutes ago, or
    that never pulled a flow it has had no reason to pull for that long yet, is not late. So:

    - with ``flow``: every school whose first exchange (of any flow) is older than the cut-off and that
      has not succeeded with ``flow`` since the cut-off, including those that never did;
    - without: each flow a school has used since before the cut-off and has not succeeded with since.

    Only exchanges count (:func:`activity.is_exchange`): audits, ``flux`` checks and simulations are not.
    """
    cutoff = now - timedelta(days=days)
    if flow is None:
        return await _late_pairs(session, scope, cutoff, limit)
    success = func.max(case((col(SchoolActivity.flow) == flow, col(SchoolActivity.last_success_at))))
    last_sync = func.max(case((col(SchoolActivity.flow) == flow, col(SchoolActivity.last_sync_at))))
    statement = (
        select(col(SchoolActivity.uai), col(SchoolActivity.academie), success, last_sync)
        .where(*_scoped(scope, SchoolActivity))
        .group_by(col(SchoolActivity.uai), col(SchoolActivity.academie))
        .having((success.is_(None)) | (success < cutoff))
        .having(func.min(col(SchoolActivity.first_sync_at)) < cutoff)
        .order_by(success.asc().nulls_first(), col(SchoolActivity.uai))
        .limit(limit)
    )
    rows = (await session.exec(statement)).all()
    return [LateSchool(row[0], row[1], flow, _aware(row[2]), _aware(row[3])) for row in rows]


async def _late_pairs(session: AsyncSession, scope: Scope, cutoff: datetime, limit: int) -> list[LateSchool]:
    success = col(SchoolActivity.last_success_at)
    statement = (
        select(SchoolActivity)
        .where(
            (success.is_(None)) | (success < cutoff),
            col(SchoolActivity.first_sync_at) < cutoff,
            *_scoped(scope, SchoolActivity),
        )
        .order_by(success.asc().nulls_first(), col(SchoolActivity.uai), col(SchoolActivity.flow))
        .limit(limit)
    )
    rows = (await session.exec(statement)).all()
    return [LateSchool(a.uai, a.academie, a.flow, a.last_success_at, a.last_sync_at) for a in rows]


async def expiring_certificates(
    session: AsyncSession, scope: Scope, *, now: datetime, days: int, limit: int = 100
) -> list[CertificateRecord]:
    """Certificates not revoked whose validity ends within ``days`` days (soonest first)."""
    not_after = col(CertificateRecord.not_after)
    statement = (
        select(CertificateRecord)
        .where(
            not_after >= now,
            not_after < now + timedelta(days=days),
            col(CertificateRecord.revoked_at).is_(None),
            *_scoped(scope, CertificateRecord),
        )
        .order_by(not_after)
        .limit(limit)
    )
    return list((await session.exec(statement)).all())


def _scoped(
    scope: Scope, table: type[SyncRecord] | type[SchoolActivity] | type[CertificateRecord]
) -> list[ColumnElement[bool]]:
    restriction = scope.condition(col(table.academie))
    return [] if restriction is None else [restriction]


def _aware(moment: object) -> datetime | None:
    # An aggregate (max over a CASE) may lose the column's type: SQLite then returns its text form.
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    assert isinstance(moment, datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
