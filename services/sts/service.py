"""STS's domain: structures and services per school and year. Imports neither FastAPI nor nats.

Every write goes through a journal unit of work (``journal.recording``), so the change journal is fed in
the same transaction; loading the same file again journals nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.formats.sts_edt_models import AnneeScolaire, Division, Groupe, StsEdt, Uaj
from services.common.formats.sts_services import Service
from services.common.pull.journal import ChangeSet, Journal, Scope
from services.common.pull.store import Tally
from services.common.records import from_data, to_data
from services.sts import tables
from services.sts.models import EtablissementRow, JournalEntry, StsSchoolYear
from services.sts.structures_feed import note_structures

SERVICE = "sts"
StructureKey = tuple[str, str]  # ("D" | "G", code)


def sts_journal(retention: timedelta) -> Journal:
    return Journal(entries=JournalEntry, heads=StsSchoolYear, retention=retention)


async def load_sts_edt(session: AsyncSession, journal: Journal, scope: Scope, document: StsEdt) -> Tally:
    """Make the school year's STS data that of an ``sts_emp`` file (an operator import, the demo)."""
    nomenclatures = document.nomenclatures
    async with journal.recording(session, scope) as changes:
        tally = await _set_parametres(session, scope, document.uaj, document.annee_scolaire, changes)
        tally += await tables.MATIERES.replace(session, scope, nomenclatures.matieres, changes)
        tally += await tables.MEFS.replace(session, scope, nomenclatures.mefs, changes)
        tally += await tables.CIVILITES.replace(session, scope, nomenclatures.civilites, changes)
        tally += await tables.PROGRAMMES.replace(session, scope, nomenclatures.programmes, changes)
        tally += await tables.INDIVIDUS.replace(session, scope, document.individus, changes)
        tally += await tables.SUPPLEANTS.replace(session, scope, document.suppleants, changes)
        tally += await tables.ALTERNANCES.replace(session, scope, document.alternances, changes)
        tally += await _replace_structures(session, scope, "D", document.divisions, changes)
        tally += await _replace_structures(session, scope, "G", document.groupes, changes)
    await note_structures(session, scope)  # bee follows STS's divisions and groups (structures_feed)
    return tally


async def replace_services(
    session: AsyncSession, journal: Journal, scope: Scope, services: Mapping[StructureKey, Sequence[Service]]
) -> Tally:
    """ "Annule et remplace": the school's services become exactly ``services``, by structure; every
    structure whose services change is journaled (the timetable import's write path)."""
    async with journal.recording(session, scope) as changes:
        tally = Tally()
        for structure_type, table in tables.STRUCTURE_TYPES.items():
            for (code,) in await table.keys(session, scope):
                given = services.get((structure_type, code), [])
                if await tables.set_services(session, scope, structure_type, code, given, changes):
                    tally += Tally(changed=1)
    return tally


async def parametres_for(session: AsyncSession, scope: Scope) -> tuple[Uaj, AnneeScolaire]:
    """The school and year of the export's header (the bare UAI and year until STS data is loaded)."""
    row = await session.get(EtablissementRow, (scope.uai, scope.year))
    if row is None:
        return Uaj(code=scope.uai), AnneeScolaire(annee=scope.year)
    return from_data(Uaj, row.uaj), from_data(AnneeScolaire, row.annee_scolaire)


async def _set_parametres(
    session: AsyncSession, scope: Scope, uaj: Uaj, annee: AnneeScolaire, changes: ChangeSet
) -> Tally:
    row = await session.get(EtablissementRow, (scope.uai, scope.year))
    wanted = (to_data(uaj), to_data(annee))
    if row is not None and (row.uaj, row.annee_scolaire) == wanted:
        return Tally()
    if row is None:
        session.add(EtablissementRow(uai=scope.uai, year=scope.year, uaj=wanted[0], annee_scolaire=wanted[1]))
    else:
        row.uaj, row.annee_scolaire = wanted
    changes.upsert(tables.PARAMETRES_ENTITY, ())
    return Tally(added=1) if row is None else Tally(changed=1)


async def _replace_structures(
    session: AsyncSession,
    scope: Scope,
    structure_type: str,
    structures: Sequence[Division | Groupe],
    changes: ChangeSet,
) -> Tally:
    """Structures are stored without their services, which go to their own rows."""
    table = tables.STRUCTURE_TYPES[structure_type]
    kept = {structure.code for structure in structures}
    before = {code for (code,) in await table.keys(session, scope)}
    await tables.clear_services(session, scope, structure_type, sorted(before - kept))
    bare = [replace(structure, services=[]) for structure in structures]
    tally = await table.replace(session, scope, bare, changes)
    for structure in structures:
        code = structure.code
        changed = await tables.set_services(session, scope, structure_type, code, structure.services, changes)
        if changed and code in before:
            tally += Tally(changed=1)  # a new structure was counted as added already
    return tally
