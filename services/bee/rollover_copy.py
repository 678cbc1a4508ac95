"""BEE's bascule of one school: year N carried into N+1, in one transaction, through BEE's journaled write
path (so N+1's change journal starts with every record it holds).

What N+1 starts with:

- the school's nomenclatures: the académie's for N+1, down to the profile STS holds;
- the establishment record of N;
- the pupils of N who have not left (no ``DATE_SORTIE``), with their options, grants and addresses, and
  their guardians with theirs. They are in no division or group yet: placing them is the rentrée's work
  (STS's divisions of N+1 are new structures, and the links import fills the groups);
- STS's divisions and groups of N+1, at STS's version: the structure feed skipped them while BEE did not
  hold the year, so the bascule takes them from STS and records that version as applied.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from services.bee import rollover, tables
from services.bee.models import BeeRollover, StructureFeedState
from services.bee.service import (
    etablissement_for,
    export_parametres,
    replace_etablissement,
    replace_nomenclatures,
)
from services.common.errors import NotFound
from services.common.formats import bee_eleves as be
from services.common.formats import bee_responsables as br
from services.common.formats import bee_structures as bs
from services.common.imports import StructureSnapshot
from services.common.pull.journal import Journal, Key, Scope
from services.common.pull.store import RecordTable, Tally
from services.common.records import from_data
from services.common.rollover import Step, StsFacts, already_done, missing_step_error, previous_year_unknown

R = TypeVar("R")


async def ensure_ready(session: AsyncSession, scope: Scope) -> None:
    """What BEE alone can check before asking STS: not done yet, the académie's catalogue, year N."""
    if await session.get(BeeRollover, (scope.uai, scope.year)) is not None:
        raise already_done(Step.BASCULE_BEE, scope.uai, scope.year)
    await rollover.academie_document(session, scope.uai, scope.year)
    if not await rollover.holds(session, rollover.previous(scope)):
        raise previous_year_unknown("bee", scope.uai, scope.year)


def ensure_sts_done(sts: StsFacts) -> None:
    if not sts.profilee:
        raise missing_step_error(Step.PROFILAGE, sts.uai, sts.year)
    if not sts.bascule_faite:
        raise missing_step_error(Step.BASCULE_STS, sts.uai, sts.year)


async def bascule(
    session: AsyncSession, journal: Journal, scope: Scope, sts: StsFacts, structures: StructureSnapshot
) -> dict[str, int]:
    """Carry the school's N into N+1 (see the module's docstring), in the caller's transaction."""
    await ensure_ready(session, scope)  # again, in the transaction: another replica may have done it
    previous = rollover.previous(scope)
    catalogue = await rollover.academie_document(session, scope.uai, scope.year)
    tally = await replace_nomenclatures(
        session, journal, scope, rollover.profiled_document(catalogue, scope, sts.mefs, sts.matieres)
    )
    tally += await _etablissement(session, journal, previous, scope)
    people, eleves, personnes = await _people(session, journal, previous, scope)
    tally += people + await _structures(session, journal, scope, structures)
    counts = {
        "eleves": eleves,
        "responsables": personnes,
        "structures": len(structures.divisions) + len(structures.groupes),
        "ajouts": tally.added,
    }
    session.add(BeeRollover(uai=scope.uai, year=scope.year, done_at=datetime.now(UTC), counts=counts))
    return counts


async def _etablissement(session: AsyncSession, journal: Journal, previous: Scope, scope: Scope) -> Tally:
    try:
        record = await etablissement_for(session, previous, datetime.now(UTC))
    except NotFound:
        return Tally()  # N had none: N+1 gets it when the académie loads it
    record.parametres = export_parametres(scope)
    return await replace_etablissement(session, journal, scope, record)


async def _people(
    session: AsyncSession, journal: Journal, previous: Scope, scope: Scope
) -> tuple[Tally, int, int]:
    """The pupils staying, their guardians, and everything they point to; with how many of each."""
    eleves = [e for e in await _all(session, previous, tables.ELEVES, be.Eleve) if e.date_sortie is None]
    ids: set[Key] = {(eleve.eleve_id,) for eleve in eleves}
    links = await _all(session, previous, tables.RESPONSABLES, br.ResponsableEleve)
    links = [link for link in links if (link.eleve_id,) in ids]
    personnes = await _all(
        session, previous, tables.PERSONNES, br.Personne, {(r.personne_id,) for r in links}
    )
    async with journal.recording(session, scope) as changes:
        tally = await tables.ELEVES.replace(session, scope, eleves, changes)
        tally += await tables.PERSONNES.replace(session, scope, personnes, changes)
        tally += await tables.RESPONSABLES.replace(session, scope, links, changes)
        for table, keys in _pointed_to(ids, eleves, personnes):
            copied = await _all(session, previous, table, table.record_type, keys)
            tally += await table.replace(session, scope, copied, changes)
    return tally, len(eleves), len(personnes)


async def _structures(
    session: AsyncSession, journal: Journal, scope: Scope, snapshot: StructureSnapshot
) -> Tally:
    divisions = [from_data(bs.Division, data) for data in snapshot.divisions]
    groupes = [from_data(bs.Groupe, data) for data in snapshot.groupes]
    async with journal.recording(session, scope) as changes:
        tally = await tables.DIVISIONS.replace(session, scope, divisions, changes)
        tally += await tables.GROUPES.replace(session, scope, groupes, changes)
    state = await session.get(StructureFeedState, (scope.uai, scope.year), with_for_update=True)
    if state is None:
        session.add(StructureFeedState(uai=scope.uai, year=scope.year, version=snapshot.version))
    else:
        state.version = max(state.version, snapshot.version)
    return tally


def _pointed_to(
    ids: set[Key], eleves: list[be.Eleve], personnes: list[br.Personne]
) -> list[tuple[RecordTable[Any], set[Key]]]:
    return [
        (tables.OPTIONS, ids),
        (tables.BOURSES, ids),
        (tables.ADRESSES_ELEVES, _addresses(eleves)),
        (tables.ADRESSES_RESPONSABLES, _addresses(personnes)),
    ]


def _addresses(owners: list[be.Eleve] | list[br.Personne]) -> set[Key]:
    return {(owner.adresse_id,) for owner in owners if owner.adresse_id}


async def _all(
    session: AsyncSession,
    scope: Scope,
    table: RecordTable[Any],
    kind: type[R],
    keys: Collection[Key] | None = None,
) -> list[R]:
    return [from_data(kind, data) async for data in table.stream(session, scope, keys)]
