"""Imports while the IMPORTS stream's leader crashes: three schools each push a series of links files
(IMPORT_ELEVES, each one replacing the school's links) to two BEE replicas on a 3-node cluster; the node
leading the stream is killed by its pid mid-series and later restarted. Afterwards every push has one
final state, none was applied twice, and each school ends with the links of its *last* file: the
per-school order held across the failover and the replicas."""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlmodel import col, func, select

from services.bee.models import BeeImportJob, StructureLink
from services.bee.seed import bee_files
from services.bee.service import load_files
from services.common import subjects
from services.common.db import transaction
from services.common.demo import DemoSchool, SchoolKind, generate_school
from services.common.formats.import_eleves import write_import_eleves
from services.common.localnats import NatsCluster
from services.common.pull.journal import Scope
from tests.cluster.conftest import SCHOOLS, YEAR
from tests.support.cluster import ClusterPlatform, eventually

pytestmark = pytest.mark.timeout(300)
FILES_PER_SCHOOL = 4
FINAL_STATES = {"applied", "partially_applied"}


@dataclass(frozen=True)
class Pushed:
    uai: str
    number: int
    sync_id: str


def school_of(uai: str) -> DemoSchool:
    return generate_school(SchoolKind.COLLEGE, uai=uai, year=YEAR, seed=3, pupils=90)


def links_files(school: DemoSchool) -> list[bytes]:
    """File n leaves out the first n pupils: each file differs from the one before, so the links the
    school ends with tell which file was applied last."""
    model = school.import_eleves
    return [
        write_import_eleves(dataclasses.replace(model, eleves=model.eleves[number:], num_envoi=number))
        for number in range(1, FILES_PER_SCHOOL + 1)
    ]


def expected_group_links(school: DemoSchool) -> int:
    remaining = school.import_eleves.eleves[FILES_PER_SCHOOL:]
    return sum(len({group.code_groupe for group in pupil.groupes}) for pupil in remaining)


@pytest.fixture
async def platform(cluster_platform: ClusterPlatform) -> ClusterPlatform:
    bee = cluster_platform.apps["bee"][0].state
    for uai in SCHOOLS:
        async with transaction(bee.runtime.sessions) as session:
            await load_files(session, bee.journal, Scope(uai, YEAR), bee_files(school_of(uai)))
    return cluster_platform


async def push_series(platform: ClusterPlatform, uai: str, halfway: asyncio.Event, out: list[Pushed]) -> None:
    """One school's software sending its files one after the other, retrying each with the same key
    while the platform cannot answer (as the SDK does)."""
    async with platform.editor(SCHOOLS[uai]) as client:
        for number, data in enumerate(links_files(school_of(uai)), start=1):
            response = await post_until_accepted(client, uai, data, key=f"{uai}-{number}")
            out.append(Pushed(uai, number, response.json()["sync_id"]))
            if number == 2:
                halfway.set()


async def post_until_accepted(client: httpx.AsyncClient, uai: str, data: bytes, key: str) -> httpx.Response:
    path = f"/v1/etablissements/{uai}/annees/{YEAR}/liens-eleves-groupes"
    headers = {"Content-Type": "application/xml", "Idempotency-Key": key}
    for _ in range(60):
        try:
            response = await client.post(path, content=data, headers=headers)
        except httpx.TransportError:
            await asyncio.sleep(0.5)
            continue
        if response.status_code == 202:
            return response
        assert response.status_code == 503, response.text  # the bus is electing a leader
        await asyncio.sleep(0.5)
    raise AssertionError(f"{key} never accepted")


async def test_imports_survive_the_stream_leaders_crash_once_each_and_in_order(
    platform: ClusterPlatform, cluster: NatsCluster, tmp_path: Path
) -> None:
    pushed: list[Pushed] = []
    halfway = [asyncio.Event() for _ in SCHOOLS]
    senders = [
        asyncio.create_task(push_series(platform, uai, event, pushed))
        for uai, event in zip(SCHOOLS, halfway, strict=True)
    ]
    await asyncio.gather(*(event.wait() for event in halfway))
    leader = await platform.stream_leader(subjects.IMPORTS.name)
    cluster.kill(leader)
    await asyncio.gather(*senders)
    await asyncio.to_thread(cluster.restart, leader, log_dir=tmp_path)

    # Generous: under a loaded CI machine the redeliveries after the election take their time.
    jobs = await eventually(lambda: settled_jobs(platform, len(pushed)), within=200)
    assert jobs, "some imports never reached a final state"
    assert {job.sync_id for job in jobs} == {p.sync_id for p in pushed}  # none lost, no extra
    assert {job.state for job in jobs} <= FINAL_STATES
    assert all(job.attempts >= 1 for job in jobs)
    for uai in SCHOOLS:
        assert await group_links(platform, uai) == expected_group_links(school_of(uai)), uai
        finished = sorted((j for j in jobs if j.uai == uai), key=lambda j: j.finished_at or j.updated_at)
        posted = [p.sync_id for p in sorted((p for p in pushed if p.uai == uai), key=lambda p: p.number)]
        assert [job.sync_id for job in finished] == posted, f"{uai}: applied out of order"


async def settled_jobs(platform: ClusterPlatform, expected: int) -> list[BeeImportJob] | None:
    runtime = platform.runtimes("bee")[0]
    async with runtime.sessions() as session:
        jobs = list((await session.exec(select(BeeImportJob))).all())
    settled = [job for job in jobs if job.finished_at is not None]
    return jobs if len(settled) == expected == len(jobs) else None


async def group_links(platform: ClusterPlatform, uai: str) -> int:
    runtime = platform.runtimes("bee")[0]
    async with runtime.sessions() as session:
        statement = select(func.count()).where(
            col(StructureLink.uai) == uai,
            col(StructureLink.year) == YEAR,
            col(StructureLink.type_structure) == "G",
        )
        count: int = (await session.exec(statement)).one()
    return count
