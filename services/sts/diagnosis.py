"""Group diagnostics from STS's records, asked by supervision over the bus (``sts.diagnosis.group``).

"A teacher does not see a group" usually ends at the first broken link: the group is not in STS, or
nobody has a service on it, or the teacher named is not the one who has. Contract:
:mod:`services.common.diagnosis`.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common import subjects
from services.common.bus import Bus, rpc
from services.common.db import SessionFactory
from services.common.diagnosis import (
    GroupQuestion,
    StsGroupAnswer,
    TeacherService,
    fold_name,
)
from services.sts.models import DivisionRow, GroupeRow, IndividuRow, MatiereRow, ServiceRow


async def group_answer(session: AsyncSession, question: GroupQuestion) -> StsGroupAnswer:
    """Is the group in STS, what is it made of, who teaches it, and does the teacher asked about?"""
    uai, year, code = question.uai, question.year, question.group_code
    groupe = await session.get(GroupeRow, (uai, year, code))
    division = None if groupe is not None else await session.get(DivisionRow, (uai, year, code))
    teachers = await _teachers(session, uai, year)
    asked = _find_teacher(teachers, question.teacher) if question.teacher else None
    if groupe is None and division is None:
        return StsGroupAnswer(group_found=False, teacher_found=_found(question, asked))
    services = await _services(session, uai, year, "G" if groupe is not None else "D", code, teachers)
    record = (groupe or division).record  # type: ignore[union-attr]
    return StsGroupAnswer(
        group_found=True,
        kind="groupe" if groupe is not None else "division",
        label=record.get("libelle_long"),
        divisions=[d["code"] for d in record.get("divisions") or []],
        services=services,
        teacher_found=_found(question, asked),
        teacher_has_service=None if asked is None else any(s.teacher_id == asked for s in services),
    )


def _found(question: GroupQuestion, asked: str | None) -> bool | None:
    return None if question.teacher is None else asked is not None


async def _teachers(session: AsyncSession, uai: str, year: int) -> dict[str, dict[str, Any]]:
    rows = await session.exec(select(IndividuRow).where(IndividuRow.uai == uai, IndividuRow.year == year))
    return {row.individu_id: row.record for row in rows.all()}


def _find_teacher(teachers: dict[str, dict[str, Any]], wanted: str) -> str | None:
    """By STS ``ID``, or by name as a person types it ("Perrin", "Titouan PERRIN", "perrin titouan")."""
    if wanted.strip() in teachers:
        return wanted.strip()
    words = set(fold_name(wanted).split())
    for teacher_id, teacher in teachers.items():
        names = {fold_name(teacher.get(key) or "") for key in ("nom_usage", "nom_patronymique", "prenom")}
        if words and words <= {word for name in names for word in name.split()}:
            return teacher_id
    return None


async def _services(
    session: AsyncSession,
    uai: str,
    year: int,
    structure_type: str,
    code: str,
    teachers: dict[str, dict[str, Any]],
) -> list[TeacherService]:
    rows = await session.exec(
        select(ServiceRow).where(
            ServiceRow.uai == uai,
            ServiceRow.year == year,
            ServiceRow.structure_type == structure_type,
            ServiceRow.structure_code == code,
        )
    )
    subjects_by_code = await _subject_labels(session, uai, year)
    return [
        TeacherService(
            teacher_id=teacher["individu_id"],
            name=_name(teachers.get(teacher["individu_id"])) or teacher["individu_id"],
            subject=subjects_by_code.get(row.code_matiere, row.code_matiere),
        )
        for row in rows.all()
        for teacher in row.record.get("enseignants") or []
    ]


async def _subject_labels(session: AsyncSession, uai: str, year: int) -> dict[str, str]:
    rows = await session.exec(select(MatiereRow).where(MatiereRow.uai == uai, MatiereRow.year == year))
    return {row.code: row.record.get("libelle_court") or row.code for row in rows.all()}


def _name(teacher: dict[str, Any] | None) -> str:
    if teacher is None:
        return ""
    last_name = teacher.get("nom_usage") or teacher.get("nom_patronymique") or ""
    return f"{last_name} {teacher.get('prenom') or ''}".strip()


async def serve_diagnosis(bus: Bus, sessions: SessionFactory) -> None:
    """Answer ``sts.diagnosis.group`` in STS's queue group."""

    async def on_group(question: GroupQuestion) -> StsGroupAnswer:
        async with sessions() as session:
            return await group_answer(session, question)

    await rpc.serve(
        bus, subjects.STS_DIAGNOSIS_GROUP, subjects.STS_QUEUE, GroupQuestion, StsGroupAnswer, on_group
    )
