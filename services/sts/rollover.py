"""STS's steps of the rollover (services/common/rollover.py): profiling and the STS bascule, and the gate
that keeps a school's next year closed to editors until its bascule. Imports neither FastAPI nor nats.

Both steps write through STS's journaled write path, so the change journal of N+1 starts with them:

- profiling makes N+1's subjects, MEFs, civilities and programmes the profile's (taken from the
  académie's catalogue, which BEE holds);
- the bascule copies N's establishment, teachers and divisions, and groups only on request, into N+1
  (services and courses are not copied: the timetable of N+1 comes from the timetable software), through
  :func:`services.sts.service.load_sts_edt`, the path an operator import takes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.errors import InvalidInput
from services.common.formats import sts_edt_models as m
from services.common.pull.journal import ChangeSet, Journal, Scope
from services.common.pull.store import RecordTable, Tally
from services.common.records import from_data
from services.common.rollover import (
    Catalogue,
    Profile,
    RolloverState,
    Step,
    StsBascule,
    StsFacts,
    already_done,
    missing_step_error,
    previous_year_unknown,
)
from services.common.rollover_gate import ExportService, gated_exports
from services.sts import service, tables
from services.sts.models import StsRollover, StsSchoolYear

R = TypeVar("R")


# --- the gate -----------------------------------------------------------------------------------------
async def ensure_open(session: AsyncSession, scope: Scope) -> None:
    """Refuse the flows of a year whose rollover has not reached STS's bascule. A year without a rollover
    row was loaded as is (or is unknown: the caller's ``annee-inconnue``)."""
    row = await session.get(StsRollover, (scope.uai, scope.year))
    if row is not None and row.state != RolloverState.BASCULE_STS_FAITE:
        raise missing_step_error(Step.BASCULE_STS, scope.uai, scope.year)


async def is_open(session: AsyncSession, scope: Scope) -> bool:
    """The year is held and its flows may run (what the import sequencing calls ``annee_ouverte``)."""
    if await session.get(StsSchoolYear, (scope.uai, scope.year)) is None:
        return False
    row = await session.get(StsRollover, (scope.uai, scope.year))
    return row is None or row.state == RolloverState.BASCULE_STS_FAITE


def gated(export: ExportService) -> ExportService:
    """STS's exports behind the rollover gate (:mod:`services.common.rollover_gate`)."""
    return gated_exports("sts", export, ensure_open, _holds)


# --- facts --------------------------------------------------------------------------------------------
async def facts(session: AsyncSession, scope: Scope) -> StsFacts:
    row = await session.get(StsRollover, (scope.uai, scope.year))
    held_before = await _holds(session, _previous(scope))
    if row is None:
        return StsFacts(uai=scope.uai, year=scope.year, annee_precedente=held_before)
    return StsFacts(
        uai=scope.uai,
        year=scope.year,
        annee_precedente=held_before,
        profilee=True,
        bascule_faite=row.state == RolloverState.BASCULE_STS_FAITE,
        groupes=row.groupes,
        mefs=list(row.mefs),
        matieres=list(row.matieres),
    )


# --- profiling ----------------------------------------------------------------------------------------
async def profile_codes(session: AsyncSession, command: Profile) -> tuple[list[str], list[str]]:
    """The MEFs and subjects to profile (with the year before's when ``reconduire``), once the order of
    steps allows it."""
    scope = Scope(command.uai, command.year)
    await _ensure_not_basculed(session, scope)
    mefs, matieres = set(command.mefs), set(command.matieres)
    if command.reconduire:
        previous = _previous(scope)
        if not await _holds(session, previous):
            raise previous_year_unknown("sts", scope.uai, scope.year)
        mefs |= {key[0] for key in await tables.MEFS.keys(session, previous)}
        matieres |= {key[0] for key in await tables.MATIERES.keys(session, previous)}
    if not mefs or not matieres:
        raise InvalidInput(
            "Un profil nomme au moins un MEF et une matière (ou reconduit ceux de l'année précédente).",
            code="profil-vide",
        )
    return sorted(mefs), sorted(matieres)


async def apply_profile(
    session: AsyncSession, journal: Journal, command: Profile, catalogue: Catalogue
) -> Tally:
    """Make N+1's nomenclatures the profile's, in the caller's transaction."""
    scope = Scope(command.uai, command.year)
    await _ensure_not_basculed(session, scope)  # again: BEE was asked meanwhile
    async with journal.recording(session, scope) as changes:
        tally = await _replace(session, scope, tables.MATIERES, catalogue.matieres, changes)
        tally += await _replace(session, scope, tables.MEFS, catalogue.mefs, changes)
        tally += await _replace(session, scope, tables.CIVILITES, catalogue.civilites, changes)
        tally += await _replace(session, scope, tables.PROGRAMMES, catalogue.programmes, changes)
    row = await session.get(StsRollover, (scope.uai, scope.year))
    mefs = [data["code"] for data in catalogue.mefs]
    matieres = [data["code"] for data in catalogue.matieres]
    if row is None:
        session.add(
            StsRollover(
                uai=scope.uai,
                year=scope.year,
                state=RolloverState.PROFILEE,
                mefs=mefs,
                matieres=matieres,
                profiled_at=datetime.now(UTC),
            )
        )
    else:
        row.mefs, row.matieres, row.profiled_at = mefs, matieres, datetime.now(UTC)
    return tally


async def _replace(
    session: AsyncSession,
    scope: Scope,
    table: RecordTable[Any],
    data: list[Any],
    changes: ChangeSet,
) -> Tally:
    return await table.replace(session, scope, [from_data(table.record_type, item) for item in data], changes)


# --- the STS bascule ------------------------------------------------------------------------------------
async def bascule(session: AsyncSession, journal: Journal, command: StsBascule) -> Tally:
    """Copy N into N+1 (see the module's docstring), in the caller's transaction."""
    scope = Scope(command.uai, command.year)
    row = await session.get(StsRollover, (scope.uai, scope.year), with_for_update=True)
    if row is None:
        raise missing_step_error(Step.PROFILAGE, scope.uai, scope.year)
    if row.state == RolloverState.BASCULE_STS_FAITE:
        raise already_done(Step.BASCULE_STS, scope.uai, scope.year)
    previous = _previous(scope)
    if not await _holds(session, previous):
        raise previous_year_unknown("sts", scope.uai, scope.year)
    document = await _next_year(session, previous, scope, set(row.mefs), command.groupes)
    tally = await service.load_sts_edt(session, journal, scope, document)
    row.state, row.groupes, row.bascule_at = (
        RolloverState.BASCULE_STS_FAITE,
        command.groupes,
        datetime.now(UTC),
    )
    return tally


async def _next_year(
    session: AsyncSession, previous: Scope, scope: Scope, mefs: set[str], with_groups: bool
) -> m.StsEdt:
    uaj, annee = await service.parametres_for(session, previous)
    divisions = await _all(session, previous, tables.DIVISIONS, m.Division)
    groupes = await _all(session, previous, tables.GROUPES, m.Groupe) if with_groups else []
    teachers = await _all(session, previous, tables.INDIVIDUS, m.Individu)
    return m.StsEdt(
        uaj=uaj,
        annee_scolaire=m.AnneeScolaire(
            annee=scope.year, date_debut=_next(annee.date_debut), date_fin=_next(annee.date_fin)
        ),
        nomenclatures=m.Nomenclatures(
            matieres=await _all(session, scope, tables.MATIERES, m.Matiere),
            mefs=await _all(session, scope, tables.MEFS, m.Mef),
            civilites=await _all(session, scope, tables.CIVILITES, m.Civilite),
            programmes=await _all(session, scope, tables.PROGRAMMES, m.Programme),
        ),
        # Main-teacher duties are N's; disciplines and identities carry over.
        individus=[replace(teacher, profs_princ=[]) for teacher in teachers],
        suppleants=[
            replace(s, profs_princ=[]) for s in await _all(session, previous, tables.SUPPLEANTS, m.Individu)
        ],
        divisions=[replace(d, services=[], mefs=[x for x in d.mefs if x.code in mefs]) for d in divisions],
        groupes=[replace(g, services=[], mefs=[x for x in g.mefs if x.code in mefs]) for g in groupes],
    )


async def _all(session: AsyncSession, scope: Scope, table: RecordTable[Any], kind: type[R]) -> list[R]:
    return [from_data(kind, data) async for data in table.stream(session, scope)]


def _next(day: date | None) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


# --- helpers ------------------------------------------------------------------------------------------
async def _ensure_not_basculed(session: AsyncSession, scope: Scope) -> None:
    """N+1's divisions were copied with the profile's MEFs: the profile is settled from then on."""
    row = await session.get(StsRollover, (scope.uai, scope.year))
    if row is not None and row.state == RolloverState.BASCULE_STS_FAITE:
        raise already_done(
            Step.BASCULE_STS, scope.uai, scope.year, "le profil des nomenclatures ne peut plus changer"
        )


async def _holds(session: AsyncSession, scope: Scope) -> bool:
    return await session.get(StsSchoolYear, (scope.uai, scope.year)) is not None


def _previous(scope: Scope) -> Scope:
    return Scope(scope.uai, scope.year - 1)
