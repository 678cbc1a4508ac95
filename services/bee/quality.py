"""Data-quality reports and group diagnostics from BEE's records, asked by supervision over the bus.

The académie guides ask schools to fix, before the exchanges with their software go wrong: pupils with
no INE or missing identity fields, pupils in no division, and guardians entered twice (the same person
created once per sibling, so one parent gets two accounts and twice the letters). Contract and
subjects: :mod:`services.common.diagnosis`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.bee.models import (
    AdresseResponsableRow,
    DivisionRow,
    EleveRow,
    GroupeRow,
    PersonneRow,
    ResponsableEleveRow,
    StructureLink,
)
from services.common import subjects
from services.common.bus import Bus, rpc
from services.common.db import SessionFactory
from services.common.diagnosis import (
    BeeGroupAnswer,
    DuplicateGuardians,
    GroupQuestion,
    IncompleteStudent,
    QualityReport,
    QualityRequest,
    fold_name,
)

# What a pupil record must have, by field of the Eleves file, with the name users know.
REQUIRED_FIELDS = {"prenom": "prénom", "code_sexe": "sexe", "code_mef": "MEF"}


async def quality_report(session: AsyncSession, uai: str, year: int) -> QualityReport:
    pupils = await _records(session, EleveRow, uai, year)
    divisions = await _divisions_of_pupils(session, uai, year)
    persons = await _records(session, PersonneRow, uai, year)
    return QualityReport(
        uai=uai,
        year=year,
        generated_at=datetime.now(UTC),
        students_total=len(pupils),
        guardians_total=len(persons),
        incomplete_students=[s for p in pupils if (s := _incomplete(p, divisions.get(p["eleve_id"])))],
        duplicate_guardians=await _duplicate_guardians(session, uai, year, persons, pupils),
    )


def _incomplete(pupil: dict[str, Any], division: str | None) -> IncompleteStudent | None:
    missing = [] if pupil.get("id_national") or pupil.get("ine_rnie") else ["INE"]
    missing += [label for name, label in REQUIRED_FIELDS.items() if not pupil.get(name)]
    if division is None and not pupil.get("date_sortie"):
        missing.append("division")
    if not missing:
        return None
    return IncompleteStudent(
        student_id=pupil["eleve_id"],
        last_name=pupil.get("nom_de_famille") or "",
        first_name=pupil.get("prenom") or "",
        division=division,
        missing=missing,
    )


async def _duplicate_guardians(
    session: AsyncSession, uai: str, year: int, persons: list[dict[str, Any]], pupils: list[dict[str, Any]]
) -> list[DuplicateGuardians]:
    addresses = {a["adresse_id"]: a for a in await _records(session, AdresseResponsableRow, uai, year)}
    children = await _children_of(session, uai, year, {p["eleve_id"]: p for p in pupils})
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for person in persons:
        if person.get("nom_de_famille") and person.get("prenom"):
            by_name[fold_name(person["nom_de_famille"], person["prenom"])].append(person)
    found = []
    for same_name in by_name.values():
        for group, reason in _alike(same_name, addresses):
            found.append(_duplicate(group, reason, children))
    return sorted(found, key=lambda d: (d.last_name, d.first_name))


def _alike(
    same_name: list[dict[str, Any]], addresses: dict[str, dict[str, Any]]
) -> Iterable[tuple[list[dict[str, Any]], str]]:
    """Among people of one name, those who also share an address, an e-mail or a mobile number.

    Two homonyms in one school happen; two homonyms at one address, or with one phone, are one person.
    """
    if len(same_name) < 2:
        return
    clues: tuple[tuple[str, Callable[[dict[str, Any]], str]], ...] = (
        ("même adresse", lambda p: _address_key(addresses.get(p.get("adresse_id") or ""))),
        ("même courriel", lambda p: (p.get("mel") or "").strip().lower()),
        ("même téléphone portable", lambda p: "".join(c for c in p.get("tel_portable") or "" if c.isdigit())),
    )
    placed: set[str] = set()
    for reason, clue in clues:
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for person in same_name:
            if person["personne_id"] not in placed and (value := clue(person)):
                groups[value].append(person)
        for group in groups.values():
            if len(group) > 1:
                placed.update(p["personne_id"] for p in group)
                yield group, f"même nom et prénom, {reason}"


def _duplicate(
    group: list[dict[str, Any]], reason: str, children: dict[str, list[str]]
) -> DuplicateGuardians:
    first = group[0]
    return DuplicateGuardians(
        last_name=first["nom_de_famille"],
        first_name=first["prenom"],
        guardian_ids=sorted(p["personne_id"] for p in group),
        students=sorted({child for p in group for child in children.get(p["personne_id"], [])}),
        reason=reason,
    )


def _address_key(address: dict[str, Any] | None) -> str:
    if not address:
        return ""
    parts = (address.get(f"ligne{n}_adresse") for n in range(1, 5))
    line = " ".join(p for p in parts if p)
    return fold_name(line, address.get("code_postal") or "") if line else ""


async def _records(session: AsyncSession, table: Any, uai: str, year: int) -> list[dict[str, Any]]:
    rows = await session.exec(select(table.record).where(table.uai == uai, table.year == year))
    return [dict(record) for record in rows.all()]


async def _divisions_of_pupils(session: AsyncSession, uai: str, year: int) -> dict[str, str]:
    rows = await session.exec(
        select(StructureLink.eleve_id, StructureLink.code_structure).where(
            StructureLink.uai == uai, StructureLink.year == year, StructureLink.type_structure == "D"
        )
    )
    return dict(rows.all())


async def _children_of(
    session: AsyncSession, uai: str, year: int, pupils: dict[str, dict[str, Any]]
) -> dict[str, list[str]]:
    links = await _records(session, ResponsableEleveRow, uai, year)
    children: dict[str, list[str]] = defaultdict(list)
    for link in links:
        pupil = pupils.get(link["eleve_id"])
        if pupil is not None:
            children[link["personne_id"]].append(
                f"{pupil['nom_de_famille']} {pupil.get('prenom') or ''}".strip()
            )
    return children


async def group_answer(session: AsyncSession, question: GroupQuestion) -> BeeGroupAnswer:
    """Does BEE know the group (STS's structure reached it), and how many pupils are linked to it?"""
    code, uai, year = question.group_code, question.uai, question.year
    groupe = await session.get(GroupeRow, (uai, year, code))
    division = None if groupe is not None else await session.get(DivisionRow, (uai, year, code))
    if groupe is None and division is None:
        return BeeGroupAnswer(group_found=False)
    linked = await _linked(session, uai, year, [code])
    expected = None
    if groupe is not None:
        divisions = [d["code_structure"] for d in groupe.record.get("divisions_appartenance") or []]
        expected = await _linked(session, uai, year, divisions) if divisions else None
    return BeeGroupAnswer(group_found=True, students_linked=linked, students_expected=expected)


async def _linked(session: AsyncSession, uai: str, year: int, codes: list[str]) -> int:
    statement = select(func.count(func.distinct(StructureLink.eleve_id))).where(
        StructureLink.uai == uai, StructureLink.year == year, col(StructureLink.code_structure).in_(codes)
    )
    return (await session.exec(statement)).one()


async def serve_quality(bus: Bus, sessions: SessionFactory) -> None:
    """Answer ``bee.quality.report`` and ``bee.diagnosis.group`` in BEE's queue group."""

    async def on_quality(request: QualityRequest) -> QualityReport:
        async with sessions() as session:
            return await quality_report(session, request.uai, request.year)

    async def on_group(question: GroupQuestion) -> BeeGroupAnswer:
        async with sessions() as session:
            return await group_answer(session, question)

    queue = subjects.BEE_QUEUE
    await rpc.serve(bus, subjects.BEE_QUALITY_REPORT, queue, QualityRequest, QualityReport, on_quality)
    await rpc.serve(bus, subjects.BEE_DIAGNOSIS_GROUP, queue, GroupQuestion, BeeGroupAnswer, on_group)
