"""Student ↔ division/group links: stored one row per link, served per pupil as ``STRUCTURES_ELEVE``.

A link is what the links import (``IMPORT_ELEVES``) adds or removes one at a time; an editor receives a
pupil's whole ``STRUCTURES_ELEVE``. So the rows are links, and the journal speaks of the pupil: adding a
pupil to a group journals an upsert of that pupil's ``STRUCTURES_ELEVE``, removing its last link a
tombstone. Within a pupil, the division comes first, then groups, each by code.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Iterable, Sequence
from typing import Any

from sqlmodel import col, delete, insert, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.bee.models import StructureLink
from services.common.formats.bee_eleves import Structure, StructuresEleve
from services.common.pull.journal import ChangeSet, Key, Scope
from services.common.pull.store import BATCH, Tally, batches, code_order
from services.common.records import to_data

Data = dict[str, Any]


class StructureLinks:
    """The :class:`~services.common.pull.layout.Source` of ``STRUCTURES_ELEVE``, and its writes."""

    entity = "eleves/STRUCTURES_ELEVE"
    tag = "STRUCTURES_ELEVE"
    record_type = StructuresEleve
    key_fields = ("eleve_id",)
    key_names = ("ELEVE_ID",)

    async def stream(
        self, session: AsyncSession, scope: Scope, keys: Collection[Key] | None = None
    ) -> AsyncIterator[Data]:
        """Each pupil's structures, by ``ELEVE_ID``; only those of ``keys`` when given."""
        if keys is None:
            query = self._query(session, scope).execution_options(yield_per=BATCH)
            result = await session.stream_scalars(query)
            async for record in _grouped(_aiter(result)):
                yield record
            return
        for batch in batches(sorted(keys)):
            rows = (await session.exec(self._query(session, scope).where(_pupils_in(batch)))).all()
            async for record in _grouped(_aiter(rows)):
                yield record

    async def put(
        self, session: AsyncSession, scope: Scope, records: Iterable[StructuresEleve], changes: ChangeSet
    ) -> Tally:
        """Make each given pupil's links exactly those of its record (an empty one removes them all)."""
        wanted = {record.eleve_id: record for record in records}
        existing = {
            record["eleve_id"]: record async for record in self.stream(session, scope, [(k,) for k in wanted])
        }
        tally = Tally()
        for eleve_id, record in wanted.items():
            before = existing.get(eleve_id)
            record = StructuresEleve(
                eleve_id=eleve_id, elenoet=record.elenoet, structures=_ordered(record.structures)
            )
            if before == to_data(record) or (before is None and not record.structures):
                continue
            await self._clear(session, scope, [eleve_id])
            await self._insert(session, scope, record)
            if record.structures:
                changes.upsert(self.entity, (eleve_id,))
                tally += Tally(added=1) if before is None else Tally(changed=1)
            else:
                changes.delete(self.entity, (eleve_id,))
                tally += Tally(removed=1)
        return tally

    async def replace(
        self, session: AsyncSession, scope: Scope, records: Iterable[StructuresEleve], changes: ChangeSet
    ) -> Tally:
        """Make all the school year's links those of ``records`` (an import of a whole Eleves file)."""
        given = list(records)
        pupils = {record.eleve_id for record in given}
        gone = [
            record["eleve_id"]
            async for record in self.stream(session, scope)
            if record["eleve_id"] not in pupils
        ]
        tally = await self.put(session, scope, given, changes)
        return tally + await self.remove_pupils(session, scope, gone, changes)

    async def remove_pupils(
        self, session: AsyncSession, scope: Scope, eleve_ids: Sequence[str], changes: ChangeSet
    ) -> Tally:
        present = [
            record["eleve_id"] async for record in self.stream(session, scope, [(e,) for e in eleve_ids])
        ]
        await self._clear(session, scope, present)
        for eleve_id in present:
            changes.delete(self.entity, (eleve_id,))
        return Tally(removed=len(present))

    def _query(self, session: AsyncSession, scope: Scope) -> Any:
        columns = (StructureLink.eleve_id, StructureLink.type_structure, StructureLink.code_structure)
        return (
            select(StructureLink)
            .where(col(StructureLink.uai) == scope.uai, col(StructureLink.year) == scope.year)
            .order_by(*code_order(session, [col(column) for column in columns]))
        )

    async def _clear(self, session: AsyncSession, scope: Scope, eleve_ids: Sequence[str]) -> None:
        for start in range(0, len(eleve_ids), BATCH):
            await session.exec(
                delete(StructureLink).where(
                    col(StructureLink.uai) == scope.uai,
                    col(StructureLink.year) == scope.year,
                    col(StructureLink.eleve_id).in_(eleve_ids[start : start + BATCH]),
                )
            )

    async def _insert(self, session: AsyncSession, scope: Scope, record: StructuresEleve) -> None:
        rows = [
            {
                "uai": scope.uai,
                "year": scope.year,
                "eleve_id": record.eleve_id,
                "code_structure": structure.code_structure,
                "type_structure": structure.type_structure,
                "elenoet": record.elenoet,
            }
            for structure in _ordered(record.structures)
        ]
        if rows:
            await session.exec(insert(StructureLink), params=rows)


def _ordered(structures: Iterable[Structure]) -> list[Structure]:
    """Division first, then groups, each by code; one link per structure."""
    unique = {s.code_structure: s for s in structures}
    return sorted(unique.values(), key=lambda s: (s.type_structure, s.code_structure))


def _pupils_in(keys: Sequence[Key]) -> Any:
    return col(StructureLink.eleve_id).in_([key[0] for key in keys])


async def _aiter(rows: Any) -> AsyncIterator[StructureLink]:
    if hasattr(rows, "__aiter__"):
        async for row in rows:
            yield row
    else:
        for row in rows:
            yield row


async def _grouped(rows: AsyncIterator[StructureLink]) -> AsyncIterator[Data]:
    current: StructuresEleve | None = None
    async for row in rows:
        if current is None or current.eleve_id != row.eleve_id:
            if current is not None:
                yield to_data(current)
            current = StructuresEleve(eleve_id=row.eleve_id, elenoet=row.elenoet, structures=[])
        current.structures.append(
            Structure(code_structure=row.code_structure, type_structure=row.type_structure)
        )
    if current is not None:
        yield to_data(current)
