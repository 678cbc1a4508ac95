"""A worker killed (SIGKILL, by pid) while parsing, inside its transaction, and after its commit but
before its ack: the job is redelivered each time, applied exactly once, and ends in one final state."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest_asyncio

from services.common import subjects
from services.common.bus import Bus
from services.common.db import create_engine, create_tables, session_factory, transaction
from services.common.demo import DemoSchool, SchoolKind, generate_school
from services.common.import_bus import oldest_pending
from services.common.localnats import NatsProcess
from services.common.pull.journal import Scope
from services.common.settings import DatabaseSettings, NatsSettings
from services.sts.models import MODELS, StsImportJob, StsSchoolYear
from services.sts.service import load_sts_edt, sts_journal
from tests.push.crashing import StsProcess
from tests.push.pushing import push, timetable_of, wait_final
from tests.support.pki import TestPki
from tests.support.platform import Platform, running_platform

UAI, YEAR = "0310106X", 2026
ACK_WAIT = 3.0


@pytest_asyncio.fixture
async def platform(
    tmp_path: Path, fresh_nats: NatsProcess, test_pki: TestPki, db_backend: str
) -> AsyncIterator[Platform]:
    async with running_platform(
        tmp_path, fresh_nats.url, test_pki, db_backend, sts_in_process=False
    ) as running:
        yield running


async def _load_sts(database: DatabaseSettings, school: DemoSchool) -> None:
    engine = create_engine(database)
    try:
        await create_tables(engine, MODELS)
        async with transaction(session_factory(engine)) as session:
            await load_sts_edt(session, sts_journal(timedelta(days=60)), Scope(UAI, YEAR), school.sts_edt)
    finally:
        await engine.dispose()


async def _state(database: DatabaseSettings, sync_id: str) -> tuple[str | None, int, int]:
    """The job row's state and attempts, and the journal head of the school year."""
    engine = create_engine(database)
    try:
        async with session_factory(engine)() as session:
            row = await session.get(StsImportJob, sync_id)
            head = await session.get(StsSchoolYear, (UAI, YEAR))
            assert head is not None
            return (row.state, row.attempts, head.last_seq) if row else (None, 0, head.last_seq)
    finally:
        await engine.dispose()


async def _until_acknowledged(bus: Bus, subject: str) -> None:
    """The redelivered job leaves the work queue only once acknowledged."""
    for _ in range(300):
        if await oldest_pending(bus, subject) is None:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{subject} still holds a job")


async def test_a_killed_worker_applies_the_import_once_and_ends_in_one_final_state(
    platform: Platform, tmp_path: Path
) -> None:
    school = generate_school(SchoolKind.LYCEE, uai=UAI, year=YEAR, seed=5)
    services = sum(len(d.services) for d in school.edt_sts.divisions) + sum(
        len(g.services) for g in school.edt_sts.groupes
    )
    database = platform.databases["sts"]
    await _load_sts(database, school)
    platform.pki.issue(f"{UAI}-edt", UAI, "edt")
    sts = StsProcess(tmp_path, database, platform.nats_url, ack_wait=ACK_WAIT)
    bus = Bus(NatsSettings(url=platform.nats_url), name="crash-test")
    await bus.connect()
    try:
        async with platform.editor(f"{UAI}-edt") as editor:
            await sts.start(pause_at="parse")
            _, _, head = await _state(database, "0" * 26)
            sync_id = (await push(editor, UAI, "emploi-du-temps", timetable_of(school))).json()["sync_id"]

            await sts.wait_for("import paused at parse")
            await sts.kill()
            assert await _state(database, sync_id) == ("queued", 1, head)

            await sts.start(pause_at="transaction")
            await sts.wait_for("import paused at transaction")
            await sts.kill()
            assert await _state(database, sync_id) == ("queued", 2, head)  # rolled back with the process

            await sts.start(pause_at="commit")
            await sts.wait_for("import paused at commit")
            await sts.kill()
            state, attempts, applied_head = await _state(database, sync_id)
            assert (state, attempts) == ("applied", 3)
            assert applied_head > head

            await sts.start()
            final = await wait_final(editor, sync_id)
            await _until_acknowledged(bus, subjects.import_subject("sts", UAI, YEAR))
            assert await _state(database, sync_id) == ("applied", 3, applied_head)  # not applied again
    finally:
        await sts.stop()
        await bus.close()

    assert final["compteurs"]["SERVICE.changed"] == services
    journal = await platform.wait_for_sync(sync_id, "applied")
    assert [event["state"] for event in journal["events"]] == ["received", "queued", "validated", "applied"]
