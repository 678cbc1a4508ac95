"""The change journal and the export snapshot, on each database backend, without the platform."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.bee import tables
from services.bee.models import MODELS
from services.bee.pupils import delete_eleves, put_eleves
from services.bee.service import bee_journal
from services.common.db import SessionFactory, create_engine, create_tables, session_factory, transaction
from services.common.formats.bee_eleves import Eleve
from services.common.pull.journal import Changes, Journal, Scope
from services.common.pull.snapshot import read_snapshot
from tests.support.databases import fresh_database

SCOPE = Scope("0310053P", 2026)


def pupil(eleve_id: str, name: str = "MARTIN") -> Eleve:
    return Eleve(eleve_id=eleve_id, nom_de_famille=name, date_naiss=datetime(2010, 1, 1).date())


@pytest.fixture
async def sessions(db_backend: str, tmp_path: Path) -> AsyncIterator[SessionFactory]:
    async with fresh_database(db_backend, tmp_path) as settings:
        engine = create_engine(settings)
        await create_tables(engine, MODELS)
        yield session_factory(engine)
        await engine.dispose()


@pytest.fixture
def journal() -> Journal:
    return bee_journal(timedelta(days=1))


async def changes_since(sessions: SessionFactory, journal: Journal, seq: int) -> Changes:
    async with transaction(sessions) as session:
        found = await journal.changes_since(session, SCOPE, seq, [tables.ELEVES.entity])
    return found.get(tables.ELEVES.entity, Changes())


async def head(sessions: SessionFactory, journal: Journal) -> int:
    async with transaction(sessions) as session:
        return (await journal.position(session, SCOPE)).last_seq


async def test_a_record_keeps_only_its_latest_change(sessions: SessionFactory, journal: Journal) -> None:
    async with transaction(sessions) as session:
        await put_eleves(session, journal, SCOPE, [pupil("1"), pupil("2")])
    start = await head(sessions, journal)
    async with transaction(sessions) as session:
        await put_eleves(session, journal, SCOPE, [pupil("1", "DURAND")])
        await put_eleves(session, journal, SCOPE, [pupil("2")])  # unchanged: not journaled
        await delete_eleves(session, journal, SCOPE, ["1"])

    assert await changes_since(sessions, journal, 0) == Changes(upserted=[("2",)], deleted=[("1",)])
    assert await changes_since(sessions, journal, start) == Changes(deleted=[("1",)])


async def test_pruning_raises_the_floor_past_old_changes(sessions: SessionFactory, journal: Journal) -> None:
    async with transaction(sessions) as session:
        await put_eleves(session, journal, SCOPE, [pupil("1")])
        floor = await journal.prune(session, SCOPE, now=datetime.now(UTC) + timedelta(days=2))
        position = await journal.position(session, SCOPE)

    assert floor == position.floor_seq == position.last_seq > 0
    assert await changes_since(sessions, journal, 0) == Changes()


async def test_export_snapshot_does_not_see_later_commits(sessions: SessionFactory, journal: Journal) -> None:
    async with transaction(sessions) as session:
        await put_eleves(session, journal, SCOPE, [pupil("1")])

    async with read_snapshot(sessions) as snapshot:
        before = [data async for data in tables.ELEVES.stream(snapshot, SCOPE)]
        async with transaction(sessions) as session:
            await put_eleves(session, journal, SCOPE, [pupil("2"), pupil("1", "DURAND")])
        during = [data async for data in tables.ELEVES.stream(snapshot, SCOPE)]
        position = await journal.position(snapshot, SCOPE)

    assert during == before
    assert position.last_seq == 1
