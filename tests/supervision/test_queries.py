"""Listing the journal: filters, stable pagination (offset and keyset), and the reader's scope."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.common.db import SessionFactory, transaction
from services.common.errors import InvalidInput, NotFound
from services.common.events import SyncState
from services.supervision import queries
from services.supervision.journal import record_events
from services.supervision.models import SyncRecord
from services.supervision.queries import PageRequest, SyncFilter, get_sync, list_syncs
from services.supervision.scope import NATIONAL, Scope
from tests.supervision.support import BORDEAUX_SCHOOL, TOULOUSE_SCHOOL, event, minutes_ago

TOULOUSE = Scope(national=False, academies=frozenset({"toulouse"}))


@pytest.fixture
async def journal(sessions: SessionFactory) -> SessionFactory:
    start = minutes_ago(120)
    events = [
        event(
            TOULOUSE_SCHOOL if i % 3 else BORDEAUX_SCHOOL,
            SyncState.FAILED if i % 5 == 0 else SyncState.SERVED,
            editor="index-education" if i % 2 else "edt-soft",
            # Pairs of syncs share a start time: the sync id must break the tie.
            at=start + timedelta(minutes=i // 2),
        )
        for i in range(30)
    ]
    async with transaction(sessions) as session:
        await record_events(session, events)
    return sessions


async def test_filters_combine(journal: SessionFactory) -> None:
    query = SyncFilter(uai=TOULOUSE_SCHOOL, states=("failed",), editor="edt-soft")
    async with journal() as session:
        result = await list_syncs(session, query, PageRequest(limit=100), NATIONAL)
    expected = [i for i in range(30) if i % 3 and i % 5 == 0 and i % 2 == 0]
    assert result.total == len(expected) == len(result.items)
    assert {(r.uai, r.state, r.editor) for r in result.items} == {(TOULOUSE_SCHOOL, "failed", "edt-soft")}


async def test_keyset_and_offset_pages_cover_the_journal_once_in_order(journal: SessionFactory) -> None:
    async with journal() as session:
        everything = (await list_syncs(session, SyncFilter(), PageRequest(limit=100), NATIONAL)).items
        by_offset: list[SyncRecord] = []
        by_cursor: list[SyncRecord] = []
        cursor: str | None = None
        for page in range(4):
            by_offset += (
                await list_syncs(session, SyncFilter(), PageRequest(limit=8, offset=page * 8), NATIONAL)
            ).items
            result = await list_syncs(session, SyncFilter(), PageRequest(limit=8, after=cursor), NATIONAL)
            by_cursor += result.items
            cursor = result.next_cursor
    ids = [r.sync_id for r in everything]
    assert len(ids) == len(set(ids)) == 30
    assert [(r.started_at, r.sync_id) for r in everything] == sorted(
        ((r.started_at, r.sync_id) for r in everything), reverse=True
    )
    assert [r.sync_id for r in by_offset] == [r.sync_id for r in by_cursor] == ids
    assert cursor is None


async def test_academic_scope_sees_only_its_schools(journal: SessionFactory) -> None:
    async with journal() as session:
        result = await list_syncs(session, SyncFilter(), PageRequest(limit=100), TOULOUSE)
        bordeaux = (
            await list_syncs(session, SyncFilter(uai=BORDEAUX_SCHOOL), PageRequest(), NATIONAL)
        ).items[0]
        with pytest.raises(NotFound):
            await get_sync(session, bordeaux.sync_id, TOULOUSE)
    assert result.total == 20
    assert {r.academie for r in result.items} == {"toulouse"}


async def test_a_forged_cursor_is_refused(journal: SessionFactory) -> None:
    async with journal() as session:
        with pytest.raises(InvalidInput):
            await list_syncs(session, SyncFilter(), PageRequest(after="not-a-cursor"), NATIONAL)


async def test_the_total_is_counted_up_to_a_cap(
    journal: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "TOTAL_CAP", 12)
    async with journal() as session:
        capped = await list_syncs(session, SyncFilter(), PageRequest(limit=5), NATIONAL)
        exact = await list_syncs(session, SyncFilter(uai=BORDEAUX_SCHOOL), PageRequest(limit=5), NATIONAL)
    assert (capped.total, capped.total_is_exact, len(capped.items)) == (12, False, 5)
    assert (exact.total, exact.total_is_exact) == (10, True)
