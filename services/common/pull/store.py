"""Tables of format records kept under their natural keys, every change journaled.

A :class:`RecordTable` holds one kind of record of a school year (a pupil, a person, a division, a
subject...) as one row per natural key (``ELEVE_ID``, ``PERSONNE_ID``, ``CODE_STRUCTURE``...): the key in
real columns (the primary key, with the school and the year), the rest of the record as the codec's
JSON rendering (:func:`services.common.records.to_data`). The ministry adds fields from one version of a
file to the next; keeping the record whole means a field read is a field served.

Its write methods take the unit of work's :class:`~.journal.ChangeSet`: there is no way to write a record
without journaling it, and a record written unchanged is not journaled at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import JSON, tuple_
from sqlmodel import Field, SQLModel, col, delete, insert, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.pull.journal import ChangeSet, Key, Scope
from services.common.records import from_data, to_data

R = TypeVar("R")
Data = dict[str, Any]
BATCH = 500


class RecordRow(SQLModel):
    """A record of one school year; subclasses add the natural key columns to the primary key."""

    uai: str = Field(primary_key=True, max_length=8)
    year: int = Field(primary_key=True)
    record: dict[str, Any] = Field(sa_type=JSON)


@dataclass(frozen=True)
class Tally:
    added: int = 0
    changed: int = 0
    removed: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.added + other.added, self.changed + other.changed, self.removed + other.removed)


def code_order(session: AsyncSession, columns: Sequence[Any]) -> list[Any]:
    """``ORDER BY`` on codes in code-point order on every backend, as Python's ``sorted`` does.

    PostgreSQL sorts text by the database's locale (``"2 A" < "2A"`` may not hold); SQLite by bytes.
    """
    if session.get_bind().dialect.name == "postgresql":
        return [column.collate("C") for column in columns]
    return list(columns)


def batches(items: Sequence[Key]) -> Iterable[Sequence[Key]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


@dataclass(frozen=True)
class RecordTable(Generic[R]):
    """One kind of record: where it is stored, its journal entity and how the format names its key."""

    entity: str  # journal entity, e.g. "eleves/ELEVE"
    tag: str  # the record's element in the file, e.g. "ELEVE"; also the TYPE of its tombstone
    model: type[RecordRow]
    record_type: type[R]
    key_fields: tuple[str, ...]  # the record's attributes holding the key, also the key columns
    key_names: tuple[str, ...]  # the format's names of those, e.g. ("ELEVE_ID",)

    def key_of(self, record: R) -> Key:
        return tuple(str(getattr(record, name)) for name in self.key_fields)

    def key_of_data(self, data: Data) -> Key:
        return tuple(str(data[name]) for name in self.key_fields)

    # -- reading -------------------------------------------------------------------------------------
    async def stream(
        self, session: AsyncSession, scope: Scope, keys: Collection[Key] | None = None
    ) -> AsyncIterator[Data]:
        """The records (JSON form), by key order; only ``keys`` when given (missing ones are skipped)."""
        ordering = code_order(session, self._columns())
        query = select(col(self.model.record)).where(*self._scope(scope)).order_by(*ordering)
        if keys is None:
            result = await session.stream_scalars(query.execution_options(yield_per=BATCH))
            async for data in result:
                yield data
            return
        for batch in batches(sorted(keys)):
            for data in (await session.exec(query.where(self._keys_in(batch)))).all():
                yield data

    async def keys(self, session: AsyncSession, scope: Scope) -> list[Key]:
        """Every key of the school year, in key order."""
        query = (
            select(*self._columns())
            .where(*self._scope(scope))
            .order_by(*code_order(session, self._columns()))
        )
        rows = (await session.exec(query)).all()
        if len(self.key_fields) == 1:  # one column: the rows are scalars
            return [(str(value),) for value in rows]
        return [tuple(str(value) for value in row) for row in rows]

    async def get(self, session: AsyncSession, scope: Scope, key: Key) -> R | None:
        async for data in self.stream(session, scope, [key]):
            return from_data(self.record_type, data)
        return None

    async def existing(
        self, session: AsyncSession, scope: Scope, keys: Collection[Key] | None = None
    ) -> dict[Key, Data]:
        return {self.key_of_data(data): data async for data in self.stream(session, scope, keys)}

    # -- writing (journaled) ---------------------------------------------------------------------------
    async def put(
        self, session: AsyncSession, scope: Scope, records: Iterable[R], changes: ChangeSet
    ) -> Tally:
        """Create or update ``records``; unchanged ones are neither written nor journaled."""
        wanted = {self.key_of(record): to_data(record) for record in records}
        return await self._write(
            session, scope, wanted, await self.existing(session, scope, wanted.keys()), changes
        )

    async def replace(
        self, session: AsyncSession, scope: Scope, records: Iterable[R], changes: ChangeSet
    ) -> Tally:
        """Make the school year's records exactly ``records`` (an import of a whole file)."""
        wanted = {self.key_of(record): to_data(record) for record in records}
        existing = await self.existing(session, scope)
        gone = [key for key in existing if key not in wanted]
        tally = await self._write(session, scope, wanted, existing, changes)
        return tally + await self.remove(session, scope, gone, changes)

    async def remove(
        self, session: AsyncSession, scope: Scope, keys: Iterable[Key], changes: ChangeSet
    ) -> Tally:
        """Delete the records of ``keys`` that exist; each leaves a tombstone in the journal."""
        present = list(await self.existing(session, scope, set(keys)))
        for batch in batches(present):
            await session.exec(delete(self.model).where(*self._scope(scope), self._keys_in(batch)))
        for key in present:
            changes.delete(self.entity, key)
        return Tally(removed=len(present))

    async def _write(
        self,
        session: AsyncSession,
        scope: Scope,
        wanted: dict[Key, Data],
        existing: dict[Key, Data],
        changes: ChangeSet,
    ) -> Tally:
        added = [self._row(scope, key, data) for key, data in wanted.items() if key not in existing]
        changed = [
            self._row(scope, key, data)
            for key, data in wanted.items()
            if key in existing and existing[key] != data
        ]
        if added:
            await session.exec(insert(self.model), params=added)
        if changed:
            await session.exec(update(self.model), params=changed)  # ORM bulk update by primary key
        for row in (*added, *changed):
            changes.upsert(self.entity, tuple(row[name] for name in self.key_fields))
        return Tally(added=len(added), changed=len(changed))

    def _row(self, scope: Scope, key: Key, data: Data) -> Data:
        return {
            "uai": scope.uai,
            "year": scope.year,
            **dict(zip(self.key_fields, key, strict=True)),
            "record": data,
        }

    def _columns(self) -> list[Any]:
        return [getattr(self.model, name) for name in self.key_fields]

    def _scope(self, scope: Scope) -> tuple[Any, ...]:
        return (col(self.model.uai) == scope.uai, col(self.model.year) == scope.year)

    def _keys_in(self, keys: Sequence[Key]) -> Any:
        columns = self._columns()
        if len(columns) == 1:
            return columns[0].in_([key[0] for key in keys])
        return tuple_(*columns).in_(list(keys))
