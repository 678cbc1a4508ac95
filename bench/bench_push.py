"""Push flows: POST to `applied` for a large lycée's EDT_STS, and imports per second with 50 schools.

    python -m bench push [--runs 3] [--schools 50]

1. The EDT_STS of the benchmark lycée (``large_lycee``: 120 divisions, about 400 groups and 180
   teachers), pushed through the gateway (mTLS) until its status says ``applied``: parse, reference
   checks, "annule et remplace" of every service in one transaction, job row, events. Before each run
   STS is reset to the school's STS export (services without courses), so every run replaces every
   service. Reported as a ratio to a bare ``lxml.etree.fromstring`` of the same bytes in the same run.
2. ``--schools`` collèges push their timetable at the same moment (one client each); imports per second
   from the first POST to the last ``applied``.

Both on SQLite and, when reachable (``TEST_POSTGRES_URL``), PostgreSQL. The platform is the tests'
harness: gateway, BEE, STS and supervision in this one process (one event loop, one core's worth of
Python), a real nats-server and real databases; bench_cluster measures services as separate processes.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
from lxml import etree

from services.common.db import transaction
from services.common.demo import DemoSchool, SchoolKind, generate_school, large_lycee
from services.common.formats.edt_sts import write_edt_sts
from services.common.localnats import NatsProcess
from services.common.pull.journal import Scope
from services.sts.service import load_sts_edt, sts_journal
from tests.support.databases import backends
from tests.support.pki import build_test_pki
from tests.support.platform import Platform, running_platform

YEAR, SEED = 2026, 1
LYCEE = "0750702F"
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def uai(number: int) -> str:
    return f"{number:07d}{_LETTERS[number % 23]}"


def bare_parse_seconds(data: bytes, rounds: int = 7) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        etree.fromstring(data)
        best = min(best, time.perf_counter() - started)
    return best


async def reset_sts(platform: Platform, school: DemoSchool) -> None:
    sts = platform.sts_app.state
    async with transaction(sts.runtime.sessions) as session:
        await load_sts_edt(session, sts_journal(timedelta(days=60)), Scope(school.uai, YEAR), school.sts_edt)


async def push_until_applied(editor: httpx.AsyncClient, school: DemoSchool, data: bytes) -> float:
    started = time.perf_counter()
    response = await editor.post(
        f"/v1/etablissements/{school.uai}/annees/{YEAR}/emploi-du-temps",
        content=data,
        headers={"Content-Type": "application/xml"},
    )
    response.raise_for_status()
    while True:
        status = (await editor.get(response.json()["statut_url"])).json()
        if status["etat"] not in {"queued", "validated", "waiting"}:
            assert status["etat"] == "applied", status
            return time.perf_counter() - started
        await asyncio.sleep(0.02)


async def lycee(platform: Platform, runs: int) -> None:
    school = large_lycee(YEAR, SEED, uai=LYCEE)
    data = write_edt_sts(school.edt_sts)
    services = [s for d in school.edt_sts.divisions for s in d.services]
    services += [s for g in school.edt_sts.groupes for s in g.services]
    courses = sum(len(teacher.cours) for service in services for teacher in service.enseignants)
    teachers = len(school.sts_edt.individus)
    platform.pki.issue("lycee-edt", LYCEE, "edt")
    times = []
    async with platform.editor("lycee-edt") as editor:
        for _ in range(runs):
            await reset_sts(platform, school)
            times.append(await push_until_applied(editor, school, data))
    bare = bare_parse_seconds(data)
    median = statistics.median(times)
    print(
        f"  lycée: {len(school.edt_sts.divisions)} divisions, {len(school.edt_sts.groupes)} groups, "
        f"{teachers} teachers, {courses} courses, {len(data) / 1e6:.2f} MB"
    )
    print(
        f"  POST → applied: median {median:.2f} s (runs {', '.join(f'{t:.2f}' for t in times)}); "
        f"bare lxml parse {bare * 1000:.1f} ms; ratio {median / bare:.0f}×"
    )


async def many_schools(platform: Platform, count: int) -> None:
    schools = [
        generate_school(SchoolKind.COLLEGE, uai=uai(310_200 + n), year=YEAR, seed=n) for n in range(count)
    ]
    for school in schools:
        await reset_sts(platform, school)
        platform.pki.issue(f"{school.uai}-edt", school.uai, "edt")
    editors = [platform.editor(f"{school.uai}-edt") for school in schools]
    payloads = [write_edt_sts(school.edt_sts) for school in schools]
    started = time.perf_counter()
    try:
        durations = await asyncio.gather(
            *(push_until_applied(e, s, d) for e, s, d in zip(editors, schools, payloads, strict=True))
        )
    finally:
        for editor in editors:
            await editor.aclose()
    elapsed = time.perf_counter() - started
    print(
        f"  {count} collèges at once: {count / elapsed:.1f} imports/s "
        f"(all applied in {elapsed:.1f} s; per import p50 {statistics.median(durations):.1f} s, "
        f"max {max(durations):.1f} s)"
    )


async def run(arguments: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-push-") as folder:
        root = Path(folder)
        pki = build_test_pki(root / "pki")
        for backend in backends():
            nats = NatsProcess(store_dir=root / f"nats-{backend}").start()
            try:
                async with running_platform(root / backend, nats.url, pki, backend) as platform:
                    print(f"{backend}:", flush=True)
                    await lycee(platform, arguments.runs)
                    await many_schools(platform, arguments.schools)
            finally:
                nats.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--schools", type=int, default=50)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
