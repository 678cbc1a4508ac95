"""SIGTERM while busy (issue 15): a service stops within its shutdown budget (3 s for open requests,
then the bus drain) and leaves its in-flight work for redelivery. STS gets it in the middle of an
import's transaction: the import is rolled back with the process, redelivered to the next start and
applied once. Supervision gets it with a live feed open (a response that never ends by itself), which
once kept it from stopping for minutes.

The bounds below detect a hang; the measured figures are printed (run with ``-s``)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest_asyncio

from services.common.db import create_engine, create_tables, session_factory, transaction
from services.common.demo import DemoSchool, SchoolKind, generate_school
from services.common.localnats import NatsProcess, free_port
from services.common.pull.journal import Scope
from services.common.settings import DatabaseSettings, ServiceSettings
from services.sts.models import MODELS, StsImportJob, StsSchoolYear
from services.sts.service import load_sts_edt, sts_journal
from tests.push.crashing import ROOT, StsProcess
from tests.push.pushing import push, timetable_of, wait_final
from tests.support.databases import backends
from tests.support.pki import TestPki
from tests.support.platform import Platform, running_platform

UAI, YEAR = "0310111C", 2026
HANG_BOUND = 60.0
TOKEN = "shutdown-test-token"


@pytest_asyncio.fixture
async def platform(tmp_path: Path, fresh_nats: NatsProcess, test_pki: TestPki) -> AsyncIterator[Platform]:
    async with running_platform(
        tmp_path, fresh_nats.url, test_pki, backends()[0], sts_in_process=False
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


async def _terminate(process: asyncio.subprocess.Process, log: Path) -> float:
    """SIGTERM, then the time until the process is gone, which must have shut down cleanly (uvicorn
    re-raises the signal once its shutdown is complete, so the status is -15 either way: the log says)."""
    started = time.perf_counter()
    process.terminate()
    await asyncio.wait_for(process.wait(), HANG_BOUND)
    elapsed = time.perf_counter() - started
    written = await asyncio.to_thread(log.read_text, errors="replace")
    assert "Application shutdown complete" in written, written
    return elapsed


async def test_sts_stopped_mid_import_leaves_the_job_to_its_next_start_which_applies_it_once(
    platform: Platform, tmp_path: Path
) -> None:
    school = generate_school(SchoolKind.LYCEE, uai=UAI, year=YEAR, seed=5)
    database = platform.databases["sts"]
    await _load_sts(database, school)
    platform.pki.issue(f"{UAI}-edt", UAI, "edt")
    sts = StsProcess(tmp_path, database, platform.nats_url, ack_wait=3.0)
    try:
        async with platform.editor(f"{UAI}-edt") as editor:
            await sts.start(pause_at="transaction")  # the import then sleeps 120 s inside its transaction
            _, _, head = await _state(database, "0" * 26)
            pushed = await push(editor, UAI, "emploi-du-temps", timetable_of(school))
            assert pushed.status_code == 202, pushed.text
            sync_id = pushed.json()["sync_id"]
            await sts.wait_for("import paused at transaction")
            assert sts.process is not None
            elapsed = await _terminate(sts.process, sts.log)
            assert await _state(database, sync_id) == ("queued", 1, head)  # rolled back, not acked

            await sts.start()
            final = await wait_final(editor, sync_id)
    finally:
        await sts.stop()
    print(f"\nsts stopped {elapsed:.2f} s after SIGTERM, mid-transaction")
    assert final["etat"] in ("applied", "partially_applied")
    state, attempts, applied_head = await _state(database, sync_id)
    assert (state, attempts) == ("applied", 2)
    assert applied_head > head


async def test_supervision_stops_with_a_live_feed_open(tmp_path: Path, fresh_nats: NatsProcess) -> None:
    port = free_port()
    clients = [{"name": "shutdown-test", "token_sha256": hashlib.sha256(TOKEN.encode()).hexdigest()}]
    env = {
        **os.environ,
        "SUPERVISION_PORT": str(port),
        "SUPERVISION_NATS__URL": fresh_nats.url,
        "SUPERVISION_DATABASE__URL": f"sqlite+aiosqlite:///{tmp_path / 'supervision.db'}",
        "SUPERVISION_API_CLIENTS": json.dumps(clients),
    }
    log = tmp_path / "supervision.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "services.supervision", cwd=ROOT, env=env, stdout=output, stderr=output
        )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=HANG_BOUND) as client:
            for _ in range(400):
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
            else:
                raise AssertionError(log.read_text())
            headers = {"Authorization": f"Bearer {TOKEN}"}
            async with client.stream("GET", "/api/live", headers=headers) as feed:
                assert feed.status_code == 200, log.read_text()
                elapsed = await _terminate(process, log)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    print(f"\nsupervision stopped {elapsed:.2f} s after SIGTERM, live feed open")
    assert ServiceSettings().graceful_shutdown_seconds < 10
