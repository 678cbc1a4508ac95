"""sts's side of "divisions and groups in bee follow STS": a version per school year, and its publisher.

Any write that may change a school's divisions or groups calls :func:`note_structures` in its own
transaction: the structures are rendered as BEE holds them and hashed, and a different hash raises the
school's version. The row is an outbox: :class:`StructuresPublisher` publishes every version above
``published`` (a whole snapshot, ``Nats-Msg-Id`` = school, year, version and hash) and then records it, so a
crash between the commit and the publish only delays it, and publishing twice is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from typing import Any

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common import subjects
from services.common.bus import Bus
from services.common.db import SessionFactory, transaction
from services.common.formats import bee_structures as bs
from services.common.formats import sts_edt_models as m
from services.common.imports import StructureSnapshot
from services.common.pull.journal import Scope
from services.common.records import from_data, to_data
from services.sts import tables
from services.sts.models import StructureVersion

log = logging.getLogger(__name__)


async def note_structures(session: AsyncSession, scope: Scope) -> int:
    """Raise the school year's structure version if its divisions or groups changed; returns it."""
    divisions, groupes = await bee_structures(session, scope)
    digest = hashlib.sha256(json.dumps([divisions, groupes], sort_keys=True).encode()).hexdigest()
    row = await session.get(StructureVersion, (scope.uai, scope.year), with_for_update=True)
    if row is None:
        row = StructureVersion(uai=scope.uai, year=scope.year)
        session.add(row)
    if row.digest != digest:
        row.version, row.digest = row.version + 1, digest
    return row.version


async def structure_version(session: AsyncSession, scope: Scope) -> int:
    row = await session.get(StructureVersion, (scope.uai, scope.year))
    return 0 if row is None else row.version


async def _version_and_digest(session: AsyncSession, scope: Scope) -> tuple[int, str]:
    row = await session.get(StructureVersion, (scope.uai, scope.year))
    return (0, "") if row is None else (row.version, row.digest)


async def bee_structures(session: AsyncSession, scope: Scope) -> tuple[list[Any], list[Any]]:
    """The school's divisions and groups as BEE's ``Structures.xml`` records (JSON form)."""
    divisions = [
        to_data(_bee_division(from_data(m.Division, data), scope.uai))
        async for data in tables.DIVISIONS.stream(session, scope)
    ]
    groupes = [
        to_data(_bee_groupe(from_data(m.Groupe, data), scope.uai))
        async for data in tables.GROUPES.stream(session, scope)
    ]
    return divisions, groupes


def _bee_division(division: m.Division, uai: str) -> bs.Division:
    return bs.Division(
        code_structure=division.code,
        libelle_long=division.libelle_long,
        code_rne=uai,
        mefs_appartenance=[bs.MefAppartenance(code_mef=mef.code) for mef in division.mefs] or None,
    )


def _bee_groupe(groupe: m.Groupe, uai: str) -> bs.Groupe:
    return bs.Groupe(
        code_structure=groupe.code,
        libelle_long=groupe.libelle_long,
        code_rne=uai,
        mefs_appartenance=[bs.MefAppartenance(code_mef=mef.code) for mef in groupe.mefs] or None,
        divisions_appartenance=[bs.DivisionAppartenance(code_structure=d.code) for d in groupe.divisions]
        or None,
    )


class StructuresPublisher:
    """Publishes the versions not published yet: woken after an import, and every ``interval`` seconds
    (a crash, another replica, or an operator load that wrote a version while nobody was publishing)."""

    def __init__(self, bus: Bus, sessions: SessionFactory, *, interval: float = 2.0) -> None:
        self.bus, self.sessions, self.interval = bus, sessions, interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    def wake(self) -> None:
        self._wake.set()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()
            try:
                await self.publish_pending()
            except Exception:  # the next round retries; never let the loop die
                log.exception("publishing structure changes failed")

    async def publish_pending(self) -> int:
        async with self.sessions() as session:
            rows = (
                await session.exec(
                    select(StructureVersion).where(
                        col(StructureVersion.version) > col(StructureVersion.published)
                    )
                )
            ).all()
        for row in rows:
            await self._publish(Scope(row.uai, row.year))
        return len(rows)

    async def _publish(self, scope: Scope) -> None:
        async with self.sessions() as session:
            version, digest = await _version_and_digest(session, scope)
            divisions, groupes = await bee_structures(session, scope)
        snapshot = StructureSnapshot(
            uai=scope.uai, year=scope.year, version=version, divisions=divisions, groupes=groupes
        )
        # The digest too: a database restored from a backup may number other content the same.
        msg_id = f"{scope.uai}.{scope.year}.{version}.{digest[:16]}"
        await self.bus.publish_durable(
            subjects.structures_subject(scope.uai, scope.year), snapshot.to_bytes(), msg_id=msg_id
        )
        async with transaction(self.sessions) as session:
            await session.exec(
                update(StructureVersion)
                .where(
                    col(StructureVersion.uai) == scope.uai,
                    col(StructureVersion.year) == scope.year,
                    col(StructureVersion.published) < version,
                )
                .values(published=version)
            )
