"""NATS killed and restarted under a small load (issue 15, item 7): exports and pushes are answered 503
``bus-indisponible`` with ``Retry-After``, by the gateway's outage deadline rather than a request timeout;
the kept-alive connection that got a 503 answers its next request; and every sync answered meanwhile,
refusals included, is in supervision's journal once NATS is back (the gateway's outbox). And supervision
killed for a while: every sync made meanwhile is journaled after its restart.

The client's timeout is a hang detector, not a timing assertion; the real figures are printed (run with
``-s`` to read them)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from services.common.demo import DemoSchool
from services.common.localnats import NatsProcess
from services.gateway import imports as gateway_imports
from tests.push.conftest import school
from tests.push.crashing import ROOT
from tests.push.pushing import XML, load_school, push, push_path, timetable_of
from tests.support.databases import backends
from tests.support.pki import TestPki
from tests.support.platform import SUPERVISION_TOKEN, Platform, running_platform

UAI = "0310115G"
TIMETABLE = "emploi-du-temps"
HANG_BOUND = httpx.Timeout(30.0)


@pytest_asyncio.fixture
async def platform(tmp_path: Path, fresh_nats: NatsProcess, test_pki: TestPki) -> AsyncIterator[Platform]:
    async with running_platform(tmp_path, fresh_nats.url, test_pki, backends()[0]) as running:
        yield running


@pytest_asyncio.fixture
async def loaded(platform: Platform) -> DemoSchool:
    demo = school(UAI)
    await load_school(platform, demo)
    return demo


def _connection(response: httpx.Response) -> Any:
    """The client-side address of the TCP connection the response came on."""
    return response.extensions["network_stream"].get_extra_info("client_addr")


async def _load(
    editor: httpx.AsyncClient, file: bytes, stop: asyncio.Event, seen: list[str], running: asyncio.Event
) -> None:
    """A small steady load: an export and a push in turn; every answered sync id is kept."""
    while not stop.is_set():
        for response in (
            await editor.get(push_path(UAI, "structures")),
            await push(editor, UAI, TIMETABLE, file),
        ):
            assert response.status_code in (200, 202, 503), response.text
            if response.status_code == 503:
                assert response.headers["Retry-After"]
                assert response.json()["code"] == "bus-indisponible"
            seen.append(response.headers["Sync-Id"])
        running.set()
        await asyncio.sleep(0.05)


async def _until_connected(platform: Platform) -> None:
    assert await platform.gateway_app.state.gateway.bus.wait_connected(60.0)


async def test_nats_outage_is_answered_503_on_a_usable_connection_and_nothing_is_lost(
    platform: Platform, loaded: DemoSchool, fresh_nats: NatsProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = timetable_of(loaded)
    stop, seen = asyncio.Event(), list[str]()
    figures: dict[str, float] = {}
    requests: dict[str, Callable[[], Awaitable[httpx.Response]]]
    async with platform.editor(f"{UAI}-edt") as edt, platform.editor(f"{UAI}-edt") as loader:
        edt.timeout = loader.timeout = HANG_BOUND
        before = await push(edt, UAI, TIMETABLE, file)
        assert before.status_code == 202, before.text
        running = asyncio.Event()
        load = asyncio.create_task(_load(loader, file, stop, seen, running))
        await running.wait()

        fresh_nats.kill()
        requests = {
            "export": lambda: edt.get(push_path(UAI, "structures")),
            "push": lambda: push(edt, UAI, TIMETABLE, file),
        }
        for name, send in requests.items():
            started = time.perf_counter()
            refused = await send()
            figures[name] = time.perf_counter() - started
            assert refused.status_code == 503, refused.text
            assert (refused.json()["code"], refused.headers["Retry-After"]) == ("bus-indisponible", "1")
            assert _connection(refused) == _connection(before)
            seen.append(refused.headers["Sync-Id"])
            # The same connection answers its next request (one that needs no bus).
            me = await edt.get("/v1/moi")
            assert (me.status_code, _connection(me)) == (200, _connection(before))

        fresh_nats.start()
        await _until_connected(platform)
        stop.set()
        await load
        after = await push(edt, UAI, TIMETABLE, file)
        assert after.status_code == 202, after.text
        assert _connection(after) == _connection(before)

    print(f"\noutage answered in: export {figures['export']:.3f} s, push {figures['push']:.3f} s")
    async with platform.supervision() as supervision:
        for sync_id in {*seen, before.headers["Sync-Id"], after.headers["Sync-Id"]}:
            for _ in range(400):
                if (await supervision.get(f"/api/syncs/{sync_id}")).status_code == 200:
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError(f"sync {sync_id} never reached the journal")


async def test_a_request_waiting_on_the_bus_when_nats_goes_is_answered_503_by_the_deadline(
    platform: Platform, loaded: DemoSchool, fresh_nats: NatsProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dry run waits for STS's verdict; NATS dies meanwhile. The wait is made endless here (the
    verdict would otherwise race the kill): the answer can only come from the gateway's outage guard."""
    waiting = asyncio.Event()

    async def never_answered(*_args: object, **_kwargs: object) -> object:
        waiting.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    monkeypatch.setattr(gateway_imports, "ask", never_answered)
    async with platform.editor(f"{UAI}-edt") as edt:
        edt.timeout = HANG_BOUND
        first = await edt.get("/v1/moi")
        dry_run = asyncio.create_task(
            edt.post(
                push_path(UAI, TIMETABLE),
                params={"simulation": "1"},
                content=timetable_of(loaded),
                headers=XML,
            )
        )
        await waiting.wait()
        fresh_nats.kill()
        started = time.perf_counter()
        refused = await dry_run
        elapsed = time.perf_counter() - started
        assert refused.status_code == 503, refused.text
        assert refused.json()["code"] == "bus-indisponible"
        assert refused.headers["Retry-After"]
        sync_id = refused.json()["sync_id"]
        me = await edt.get("/v1/moi")
        assert (me.status_code, _connection(me)) == (200, _connection(first))
        fresh_nats.start()
        await _until_connected(platform)

    print(f"\nin-flight request answered {elapsed:.3f} s after NATS was killed")
    sync = await platform.wait_for_sync(sync_id, "failed", within=30)
    assert sync["problem_code"] == "bus-indisponible"


@pytest_asyncio.fixture
async def platform_apart(
    tmp_path: Path, fresh_nats: NatsProcess, test_pki: TestPki
) -> AsyncIterator[Platform]:
    """The platform with supervision left out: the test runs it as a process, to kill it."""
    async with running_platform(
        tmp_path, fresh_nats.url, test_pki, backends()[0], supervision_in_process=False
    ) as running:
        yield running


async def _start_supervision(platform: Platform, log: Path) -> asyncio.subprocess.Process:
    port = platform.supervision_url.rsplit(":", 1)[1]
    token = hashlib.sha256(SUPERVISION_TOKEN.encode()).hexdigest()
    env = {
        **os.environ,
        "SUPERVISION_PORT": port,
        "SUPERVISION_NATS__URL": platform.nats_url,
        "SUPERVISION_DATABASE__URL": platform.databases["supervision"].url,
        "SUPERVISION_API_CLIENTS": json.dumps([{"name": "harness", "token_sha256": token}]),
    }
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "services.supervision", cwd=ROOT, env=env, stdout=output, stderr=output
        )
    async with httpx.AsyncClient(base_url=platform.supervision_url) as client:
        for _ in range(600):
            assert process.returncode is None, "supervision stopped: see " + str(log)
            with contextlib.suppress(httpx.TransportError):
                if (await client.get("/readyz")).status_code == 200:
                    return process
            await asyncio.sleep(0.05)
    raise AssertionError(f"supervision not ready: see {log}")


async def _journaled(platform: Platform, sync_ids: set[str]) -> None:
    async with platform.supervision() as supervision:
        for sync_id in sync_ids:
            for _ in range(600):
                if (await supervision.get(f"/api/syncs/{sync_id}")).status_code == 200:
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError(f"sync {sync_id} never reached the journal")


async def test_syncs_made_while_supervision_is_down_are_journaled_after_its_restart(
    platform_apart: Platform, tmp_path: Path
) -> None:
    platform = platform_apart
    demo = school(UAI)
    await load_school(platform, demo)
    log = tmp_path / "supervision.log"
    supervision = await _start_supervision(platform, log)
    file = timetable_of(demo)
    try:
        async with platform.editor(f"{UAI}-edt") as edt:
            edt.timeout = HANG_BOUND
            first = await push(edt, UAI, TIMETABLE, file)
            await _journaled(platform, {first.headers["Sync-Id"]})

            supervision.kill()  # SIGKILL: no shutdown, no drain
            await supervision.wait()
            meanwhile = []
            for _ in range(5):
                for response in (
                    await edt.get(push_path(UAI, "structures")),
                    await push(edt, UAI, TIMETABLE, file),
                    await edt.get(push_path(UAI, "structures"), params={"format": "pdf"}),
                ):
                    assert response.status_code in (200, 202, 400), response.text
                    meanwhile.append(response.headers["Sync-Id"])

            supervision = await _start_supervision(platform, log)
            await _journaled(platform, set(meanwhile))
    finally:
        if supervision.returncode is None:
            supervision.terminate()
            await supervision.wait()
