"""A school seen from supervision: its académie, its activity per flow and its recent syncs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.academies import Academie, academie_of_uai, departement_code
from services.common.errors import InvalidInput
from services.common.formats.identifiers import is_valid_uai
from services.supervision.models import SchoolActivity, SyncRecord
from services.supervision.scope import Scope


@dataclass(frozen=True)
class SchoolOverview:
    uai: str
    departement: str
    academie: Academie | None
    activity: Sequence[SchoolActivity]
    recent: Sequence[SyncRecord]


def checked_school(uai: str, scope: Scope) -> tuple[str, Academie | None]:
    """A valid UAI within the reader's scope (``uai-invalide``, ``hors-perimetre`` otherwise)."""
    uai = uai.strip().upper()
    if not is_valid_uai(uai):
        raise InvalidInput(f"« {uai} » n'est pas un UAI valide.", code="uai-invalide")
    academie = academie_of_uai(uai)
    scope.require(academie.slug if academie else None)
    return uai, academie


async def school_overview(
    session: AsyncSession, uai: str, scope: Scope, *, recent: int = 20
) -> SchoolOverview:
    uai, academie = checked_school(uai, scope)
    activity = await session.exec(
        select(SchoolActivity).where(col(SchoolActivity.uai) == uai).order_by(col(SchoolActivity.flow))
    )
    syncs = await session.exec(
        select(SyncRecord)
        .where(col(SyncRecord.uai) == uai)
        .order_by(col(SyncRecord.started_at).desc(), col(SyncRecord.sync_id).desc())
        .limit(recent)
    )
    return SchoolOverview(uai, departement_code(uai[:3]), academie, activity.all(), syncs.all())


def current_school_year(today: date) -> int:
    """The school year starts in September: in November 2026 it is 2026 (2026-2027)."""
    return today.year if today.month >= 9 else today.year - 1
