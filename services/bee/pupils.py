"""Record-level changes in BEE: a pupil, a pupil's links, a division or group. Journaled like file loads.

These are the write path for anything finer than a whole file: the links import, corrections, tests.
Deleting a pupil deletes what hangs off it in the Eleves and Responsables files (options, grant, links,
guardian links, and its address when no other pupil lives there), each leaving a tombstone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from services.bee import tables
from services.common.formats.bee_eleves import Eleve, StructuresEleve
from services.common.formats.bee_structures import Division, Groupe
from services.common.pull.journal import Journal, Scope
from services.common.pull.store import Tally


async def put_eleves(session: AsyncSession, journal: Journal, scope: Scope, eleves: Iterable[Eleve]) -> Tally:
    async with journal.recording(session, scope) as changes:
        return await tables.ELEVES.put(session, scope, eleves, changes)


async def put_structures_eleves(
    session: AsyncSession, journal: Journal, scope: Scope, records: Iterable[StructuresEleve]
) -> Tally:
    """Set the divisions and groups of the given pupils (the others keep theirs)."""
    async with journal.recording(session, scope) as changes:
        return await tables.STRUCTURES_ELEVES.put(session, scope, records, changes)


async def delete_eleves(
    session: AsyncSession, journal: Journal, scope: Scope, eleve_ids: Sequence[str]
) -> Tally:
    keys = [(eleve_id,) for eleve_id in eleve_ids]
    async with journal.recording(session, scope) as changes:
        addresses = await _addresses_only_of(session, scope, set(eleve_ids))
        tally = await tables.ELEVES.remove(session, scope, keys, changes)
        tally += await tables.OPTIONS.remove(session, scope, keys, changes)
        tally += await tables.BOURSES.remove(session, scope, keys, changes)
        tally += await tables.STRUCTURES_ELEVES.remove_pupils(session, scope, eleve_ids, changes)
        guardians = [
            key for key in await tables.RESPONSABLES.existing(session, scope) if key[0] in set(eleve_ids)
        ]
        tally += await tables.RESPONSABLES.remove(session, scope, guardians, changes)
        tally += await tables.ADRESSES_ELEVES.remove(session, scope, [(a,) for a in addresses], changes)
    return tally


async def put_divisions(
    session: AsyncSession, journal: Journal, scope: Scope, divisions: Iterable[Division]
) -> Tally:
    async with journal.recording(session, scope) as changes:
        return await tables.DIVISIONS.put(session, scope, divisions, changes)


async def put_groupes(
    session: AsyncSession, journal: Journal, scope: Scope, groupes: Iterable[Groupe]
) -> Tally:
    async with journal.recording(session, scope) as changes:
        return await tables.GROUPES.put(session, scope, groupes, changes)


async def delete_structures(
    session: AsyncSession, journal: Journal, scope: Scope, codes: Sequence[str]
) -> Tally:
    """Delete divisions or groups by code (the pupils' links to them are the links import's business)."""
    keys = [(code,) for code in codes]
    async with journal.recording(session, scope) as changes:
        tally = await tables.DIVISIONS.remove(session, scope, keys, changes)
        return tally + await tables.GROUPES.remove(session, scope, keys, changes)


async def _addresses_only_of(session: AsyncSession, scope: Scope, leaving: set[str]) -> set[str]:
    """The addresses of the leaving pupils that no remaining pupil shares."""
    theirs: set[str] = set()
    others: set[str] = set()
    async for data in tables.ELEVES.stream(session, scope):
        if address := data.get("adresse_id"):
            (theirs if data["eleve_id"] in leaving else others).add(address)
    return theirs - others
