"""JSON API: one school, its data-quality report (from BEE) and the group diagnosis helper."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from services.common.academies import Academie
from services.common.diagnosis import GroupQuestion, QualityReport
from services.common.openapi import problem_responses
from services.supervision.deps import ScopeDep, SessionDep, StateDep
from services.supervision.diagnosis import diagnose_group
from services.supervision.schemas import (
    AcademieRead,
    ActivityRead,
    CheckRead,
    DiagnosisRead,
    SchoolRead,
    SyncRead,
)
from services.supervision.schools import checked_school, current_school_year, school_overview

router = APIRouter(prefix="/api/schools")
Year = Annotated[int | None, Query(ge=2000, le=2100)]


@router.get("/{uai}", operation_id="school", responses=problem_responses(403))
async def school(session: SessionDep, scope: ScopeDep, uai: str) -> SchoolRead:
    overview = await school_overview(session, uai, scope)
    return SchoolRead(
        uai=overview.uai,
        departement=overview.departement,
        academie=academie_read(overview.academie),
        activity=[ActivityRead.model_validate(activity) for activity in overview.activity],
        recent=[SyncRead.model_validate(record) for record in overview.recent],
    )


@router.get("/{uai}/quality", responses=problem_responses(403, 503))
async def quality(scope: ScopeDep, state: StateDep, uai: str, year: Year = None) -> QualityReport:
    uai, _ = checked_school(uai, scope)
    return await state.diagnosis.quality_report(uai, year or current_school_year(date.today()))


@router.get("/{uai}/diagnosis/group", responses=problem_responses(403, 503))
async def group_diagnosis(
    session: SessionDep,
    scope: ScopeDep,
    state: StateDep,
    uai: str,
    group: Annotated[str, Query(min_length=1, max_length=64)],
    teacher: str | None = None,
    year: Year = None,
) -> DiagnosisRead:
    uai, _ = checked_school(uai, scope)
    question = GroupQuestion(
        uai=uai, year=year or current_school_year(date.today()), group_code=group, teacher=teacher or None
    )
    diagnosis = await diagnose_group(session, state.diagnosis, question)
    return DiagnosisRead(
        **question.model_dump(),
        checks=[CheckRead(**asdict(check)) for check in diagnosis.checks],
        conclusion=diagnosis.conclusion,
    )


def academie_read(academie: Academie | None) -> AcademieRead | None:
    if academie is None:
        return None
    return AcademieRead(
        slug=academie.slug,
        number=academie.number,
        name=academie.name,
        departements=list(academie.departements),
    )
