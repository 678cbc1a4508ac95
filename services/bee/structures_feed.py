"""bee's side of "divisions and groups follow STS": apply sts's snapshots, remember the version reached.

Snapshots are whole (every division and group of the school year), so applying one is idempotent and an
older one arriving late is skipped: the version kept in ``bee_structure_feed`` only rises. They go
through BEE's journaled write path, so an editor's ``structures`` export sees them as deltas. A school
year BEE does not hold is not opened by the feed (BEE would then answer empty pupil files instead of
``annee-inconnue``); its version is recorded all the same, so links imports do not wait for nothing.
"""

from __future__ import annotations

from nats.aio.msg import Msg
from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from services.bee import tables
from services.bee.models import SchoolYear, StructureFeedState
from services.common import subjects
from services.common.bus import Bus, ConsumerSpec, PoisonMessage
from services.common.bus.consumers import MessageHandler
from services.common.db import SessionFactory, transaction
from services.common.formats import bee_structures as bs
from services.common.imports import StructureSnapshot
from services.common.pull.journal import Journal, Scope
from services.common.records import from_data

CONSUMER = ConsumerSpec(
    stream=subjects.STRUCTURES.name,
    durable=subjects.BEE_STRUCTURES_DURABLE,
    filter_subject="sts.structures.>",
    batch=16,
)


async def apply_snapshot(session: AsyncSession, journal: Journal, snapshot: StructureSnapshot) -> bool:
    """Make the school year's divisions and groups the snapshot's; False if it is not newer."""
    scope = Scope(snapshot.uai, snapshot.year)
    state = await session.get(StructureFeedState, (scope.uai, scope.year), with_for_update=True)
    if state is None:
        state = StructureFeedState(uai=scope.uai, year=scope.year)
        session.add(state)
    if state.version >= snapshot.version:
        return False
    state.version = snapshot.version
    if await session.get(SchoolYear, (scope.uai, scope.year)) is not None:
        divisions = [from_data(bs.Division, data) for data in snapshot.divisions]
        groupes = [from_data(bs.Groupe, data) for data in snapshot.groupes]
        async with journal.recording(session, scope) as changes:
            await tables.DIVISIONS.replace(session, scope, divisions, changes)
            await tables.GROUPES.replace(session, scope, groupes, changes)
    return True


async def applied_version(session: AsyncSession, uai: str, year: int) -> int:
    state = await session.get(StructureFeedState, (uai, year))
    return 0 if state is None else state.version


def structures_handler(sessions: SessionFactory, journal: Journal) -> MessageHandler:
    """``sts.structures.<uai>.<year>``: one snapshot, one transaction."""

    async def on_structures(msg: Msg) -> None:
        try:
            snapshot = StructureSnapshot.model_validate_json(msg.data)
        except ValidationError as error:
            raise PoisonMessage(f"unreadable structure snapshot: {error}") from error
        async with transaction(sessions) as session:
            await apply_snapshot(session, journal, snapshot)

    return on_structures


async def follow_structures(bus: Bus, sessions: SessionFactory, journal: Journal) -> None:
    await bus.consume(CONSUMER, structures_handler(sessions, journal))
