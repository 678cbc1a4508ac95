"""The change journal of a service, per school and year: what an export "since cursor C" reads.

Every write goes through a :class:`ChangeSet`, flushed by :meth:`Journal.commit` in the same transaction
as the change itself, so the journal can never disagree with the data. Entries speak in the export's own
records (a pupil, a division with its services): the unit an editor receives, not the storage row.

Sequence numbers are allocated from the school year's row (``last_seq``) with one ``UPDATE … RETURNING``
at the end of the unit of work: the row lock it takes is held until commit, so writers of one school year
commit in sequence order and a reader that sees seq N also sees every seq below N. That is what makes a
cursor safe.

The journal stays bounded two ways:

- compaction: a record has one entry, its latest; an earlier entry is redundant for every cursor;
- retention: entries older than the retention are pruned and ``floor_seq`` rises; a cursor below the
  floor can no longer be served and gets ``409 curseur-perime``.
"""

from __future__ import annotations

import enum
import json
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, func
from sqlmodel import Field, SQLModel, col, delete, insert, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.errors import NotFound

Key = tuple[str, ...]
_BATCH = 500


@dataclass(frozen=True, slots=True)
class Scope:
    """One school (UAI) and one school year (its starting year)."""

    uai: str
    year: int


class Op(enum.StrEnum):
    UPSERT = "upsert"
    DELETE = "delete"


class SchoolYearBase(SQLModel):
    """A school year a service holds data for; its row is also the head of the journal."""

    uai: str = Field(primary_key=True, max_length=8)
    year: int = Field(primary_key=True)
    opened_at: datetime = Field(sa_type=DateTime(timezone=True))
    last_seq: int = 0
    floor_seq: int = 0  # entries at or below it were pruned


class JournalEntryBase(SQLModel):
    """The latest change of one record (``entity`` + ``key``) of one school year."""

    uai: str = Field(primary_key=True, max_length=8)
    year: int = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    entity: str = Field(max_length=40)
    key: str = Field(max_length=400)
    op: str = Field(max_length=6)
    changed_at: datetime = Field(sa_type=DateTime(timezone=True))


def encode_key(key: Key) -> str:
    return json.dumps(list(key), ensure_ascii=False, separators=(",", ":"))


def decode_key(text: str) -> Key:
    return tuple(json.loads(text))


@dataclass
class ChangeSet:
    """The records a unit of work created, changed or deleted; the last operation on a record wins."""

    ops: dict[tuple[str, Key], Op] = field(default_factory=dict)

    def upsert(self, entity: str, key: Key) -> None:
        self.ops[(entity, key)] = Op.UPSERT

    def delete(self, entity: str, key: Key) -> None:
        self.ops[(entity, key)] = Op.DELETE

    def __len__(self) -> int:
        return len(self.ops)


@dataclass(frozen=True)
class Position:
    """Where a school year's journal stands, read at the start of an export."""

    last_seq: int
    floor_seq: int


@dataclass
class Changes:
    """One entity's records changed since a cursor, in journal order."""

    upserted: list[Key] = field(default_factory=list)
    deleted: list[Key] = field(default_factory=list)


@dataclass(frozen=True)
class Journal:
    """A service's journal: its entry table, its school-year table (the heads) and the retention."""

    entries: type[JournalEntryBase]
    heads: type[SchoolYearBase]
    retention: timedelta

    @asynccontextmanager
    async def recording(self, session: AsyncSession, scope: Scope) -> AsyncIterator[ChangeSet]:
        """Open the school year if needed, collect the unit of work's changes, then journal them."""
        await self.open(session, scope)
        changes = ChangeSet()
        yield changes
        await self.commit(session, scope, changes)

    async def open(self, session: AsyncSession, scope: Scope) -> None:
        if await session.get(self.heads, (scope.uai, scope.year)) is None:
            session.add(self.heads(uai=scope.uai, year=scope.year, opened_at=datetime.now(UTC)))
            await session.flush()

    async def position(self, session: AsyncSession, scope: Scope) -> Position:
        """The journal's head and floor; a school year the service does not hold is ``annee-inconnue``."""
        head = self.heads
        row = (
            await session.exec(
                select(head.last_seq, head.floor_seq).where(head.uai == scope.uai, head.year == scope.year)
            )
        ).first()
        if row is None:
            raise NotFound(
                f"L'année scolaire {scope.year}-{scope.year + 1} n'est pas ouverte "
                f"pour l'établissement {scope.uai}.",
                code="annee-inconnue",
            )
        return Position(last_seq=row[0], floor_seq=row[1])

    async def commit(
        self, session: AsyncSession, scope: Scope, changes: ChangeSet, now: datetime | None = None
    ) -> int:
        """Journal ``changes`` (one entry per record, replacing its earlier one); returns the last seq."""
        moment = now or datetime.now(UTC)
        if not changes:
            return (await self.position(session, scope)).last_seq
        last = await self._allocate(session, scope, len(changes))
        first = last - len(changes) + 1
        await self._forget(session, scope, changes.ops.keys())
        rows = [
            {
                "uai": scope.uai,
                "year": scope.year,
                "seq": first + offset,
                "entity": entity,
                "key": encode_key(key),
                "op": op.value,
                "changed_at": moment,
            }
            for offset, ((entity, key), op) in enumerate(changes.ops.items())
        ]
        for start in range(0, len(rows), _BATCH):
            await session.exec(insert(self.entries).values(rows[start : start + _BATCH]))
        await self.prune(session, scope, now=moment)
        changes.ops.clear()
        return last

    async def prune(self, session: AsyncSession, scope: Scope, *, now: datetime | None = None) -> int:
        """Drop the entries older than the retention and raise the floor; returns the new floor."""
        cutoff = (now or datetime.now(UTC)) - self.retention
        entries = self.entries
        stale: int | None = (
            await session.exec(
                select(func.max(entries.seq)).where(*self._of(scope), entries.changed_at < cutoff)
            )
        ).one()
        if stale is None:
            return (await self.position(session, scope)).floor_seq
        await session.exec(delete(entries).where(*self._of(scope), col(entries.seq) <= stale))
        head = self.heads
        await session.exec(
            update(head)
            .where(col(head.uai) == scope.uai, col(head.year) == scope.year, col(head.floor_seq) < stale)
            .values(floor_seq=stale)
        )
        return int(stale)

    async def changes_since(
        self, session: AsyncSession, scope: Scope, seq: int, entities: Iterable[str]
    ) -> dict[str, Changes]:
        """What changed after ``seq`` among ``entities``, per entity; unchanged entities are absent."""
        entries = self.entries
        found: dict[str, Changes] = {}
        result = await session.stream(
            select(entries.entity, entries.key, entries.op)
            .where(*self._of(scope), col(entries.seq) > seq, col(entries.entity).in_(list(entities)))
            .order_by(col(entries.seq))
        )
        async for entity, key, op in result:
            changes = found.setdefault(entity, Changes())
            (changes.upserted if op == Op.UPSERT else changes.deleted).append(decode_key(key))
        return found

    async def _allocate(self, session: AsyncSession, scope: Scope, count: int) -> int:
        head = self.heads
        result = await session.exec(
            update(head)
            .where(col(head.uai) == scope.uai, col(head.year) == scope.year)
            .values(last_seq=col(head.last_seq) + count)
            .returning(col(head.last_seq))
        )
        return int(result.scalar_one())

    async def _forget(self, session: AsyncSession, scope: Scope, records: Iterable[tuple[str, Key]]) -> None:
        by_entity: dict[str, list[str]] = {}
        for entity, key in records:
            by_entity.setdefault(entity, []).append(encode_key(key))
        entries = self.entries
        for entity, keys in by_entity.items():
            for start in range(0, len(keys), _BATCH):
                batch = keys[start : start + _BATCH]
                await session.exec(
                    delete(entries).where(
                        *self._of(scope), col(entries.entity) == entity, col(entries.key).in_(batch)
                    )
                )

    def _of(self, scope: Scope) -> Sequence[Any]:
        return (col(self.entries.uai) == scope.uai, col(self.entries.year) == scope.year)
