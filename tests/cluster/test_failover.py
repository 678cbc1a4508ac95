"""A 3-node JetStream cluster on loopback, two replicas each of bee, sts and supervision, one gateway.
Editors of three schools pull exports without pause while the node leading the SYNC_EVENTS stream is
killed by its pid (SIGKILL: a crash) and later restarted. Afterwards: every answered exchange is in the
journal exactly once (none missing, none twice), each school's events are in the stream in the order of
its requests, and the restarted node is back in the stream's replica set.

Imports during a failover of their own stream: test_import_failover.py, on the same harness."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path

import httpx
import nats
import pytest
from sqlalchemy import text

from services.bee.service import replace_nomenclatures
from services.common import subjects
from services.common.db import transaction
from services.common.formats.bee_nomenclatures import read_bee_nomenclatures
from services.common.localnats import NatsCluster
from services.common.pull.journal import Scope
from tests.cluster.conftest import SCHOOLS, YEAR
from tests.conftest import FORMATS
from tests.support.cluster import ClusterPlatform, eventually

pytestmark = pytest.mark.timeout(120)


@dataclass(frozen=True)
class Outcome:
    uai: str
    sync_id: str | None
    status: int


@pytest.fixture
async def platform(cluster_platform: ClusterPlatform) -> ClusterPlatform:
    await seed_nomenclatures(cluster_platform)
    return cluster_platform


async def seed_nomenclatures(platform: ClusterPlatform) -> None:
    document = read_bee_nomenclatures((FORMATS / "Progress" / "Nomenclature.xml").read_bytes())
    bee = platform.apps["bee"][0].state
    async with transaction(bee.runtime.sessions) as session:
        for uai in SCHOOLS:
            await replace_nomenclatures(session, bee.journal, Scope(uai, YEAR), document)


async def pull_until(platform: ClusterPlatform, uai: str, stop: asyncio.Event, out: list[Outcome]) -> None:
    """One editor pulling its nomenclatures in a loop, one request at a time, on one connection."""
    path = f"/v1/etablissements/{uai}/annees/{YEAR}/nomenclatures"
    async with platform.editor(SCHOOLS[uai]) as client:
        while not stop.is_set():
            try:
                response = await client.get(path)
            except httpx.TransportError:
                await asyncio.sleep(0.1)
                continue
            out.append(Outcome(uai, response.headers.get("Sync-Id"), response.status_code))


async def test_sync_events_survive_the_stream_leaders_crash_exactly_once_and_in_order(
    platform: ClusterPlatform, cluster: NatsCluster, tmp_path: Path
) -> None:
    outcomes: list[Outcome] = []
    stop = asyncio.Event()
    editors = [asyncio.create_task(pull_until(platform, uai, stop, outcomes)) for uai in SCHOOLS]
    await eventually(lambda: _at_least(outcomes, 15), within=20)

    leader = await platform.stream_leader(subjects.SYNC_EVENTS.name)
    cluster.kill(leader)
    killed_at = len(outcomes)
    await eventually(lambda: _at_least(outcomes, killed_at + 30), within=30)  # served on two nodes
    await asyncio.to_thread(cluster.restart, leader, log_dir=tmp_path)
    restarted_at = len(outcomes)
    await eventually(lambda: _at_least(outcomes, restarted_at + 15), within=20)
    stop.set()
    await asyncio.gather(*editors)

    served = [outcome for outcome in outcomes if outcome.status == 200]
    assert len(served) > killed_at, "exports stopped after the leader's node died"
    assert all(outcome.sync_id for outcome in outcomes)
    await _assert_recorded_exactly_once(platform, outcomes)
    await _assert_per_school_order(cluster, outcomes)
    await _assert_back_in_replica_set(platform, cluster, leader)
    assert all(runtime.bus.nc.stats["in_msgs"] > 0 for runtime in platform.runtimes("bee"))


async def _at_least(outcomes: list[Outcome], count: int) -> bool:
    return len(outcomes) >= count


async def _assert_recorded_exactly_once(platform: ClusterPlatform, outcomes: list[Outcome]) -> None:
    expected = {outcome.sync_id: outcome for outcome in outcomes}
    runtime = platform.runtimes("supervision")[0]

    async def journal() -> dict[str, int]:
        async with runtime.engine.connect() as connection:
            rows = await connection.execute(text("SELECT sync_id, count(*) FROM sync_event GROUP BY sync_id"))
            return {sync_id: count for sync_id, count in rows.all()}

    async def complete() -> dict[str, int] | None:
        recorded = await journal()
        return recorded if set(recorded) >= set(expected) else None

    recorded = await eventually(complete, within=15) or await journal()
    assert set(recorded) == set(expected), f"missing: {set(expected) - set(recorded)}"
    assert set(recorded.values()) == {1}, "an event was recorded twice"
    async with platform.supervision(1) as client:  # the other replica's API reads the same journal
        sample = next(iter(expected.values()))
        detail = (await client.get(f"/api/syncs/{sample.sync_id}")).json()
    assert detail["uai"] == sample.uai


async def _assert_per_school_order(cluster: NatsCluster, outcomes: list[Outcome]) -> None:
    connection = await nats.connect(servers=cluster.urls, connect_timeout=5)
    try:
        stream = connection.jetstream(timeout=10)
        for uai in SCHOOLS:
            in_stream = await _sync_ids_in_stream(stream, uai)
            requested = [outcome.sync_id for outcome in outcomes if outcome.uai == uai]
            assert in_stream == requested, f"{uai}: the stream's order differs from the requests'"
    finally:
        await connection.close()


async def _sync_ids_in_stream(stream: nats.js.JetStreamContext, uai: str) -> list[str]:
    subscription = await stream.subscribe(subjects.sync_event_subject(uai, ">"), ordered_consumer=True)
    info = await stream.stream_info(
        subjects.SYNC_EVENTS.name, subjects_filter=subjects.sync_event_subject(uai, ">")
    )
    total = sum((info.state.subjects or {}).values())
    sync_ids: list[str] = []
    try:
        while len(sync_ids) < total:
            message = await subscription.next_msg(timeout=5)
            sync_ids.append(json.loads(message.data)["sync_id"])
    finally:
        await subscription.unsubscribe()
    return sync_ids


async def _assert_back_in_replica_set(platform: ClusterPlatform, cluster: NatsCluster, node: str) -> None:
    connection = await nats.connect(servers=cluster.urls, connect_timeout=5)
    try:
        stream = connection.jetstream(timeout=10)

        async def caught_up() -> bool:
            info = await stream.stream_info(subjects.SYNC_EVENTS.name)
            if info.cluster is None:
                return False
            peers = {peer.name: peer.current for peer in info.cluster.replicas or []}
            peers[info.cluster.leader or ""] = True
            return info.config.num_replicas == 3 and peers.get(node) is True and len(peers) == 3

        assert await eventually(caught_up, within=20), f"{node} did not catch up with the stream"
    finally:
        await connection.close()
