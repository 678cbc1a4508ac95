"""A mixed back-to-school load on the platform running as separate processes on a 3-node NATS JetStream
cluster (streams replicated 3 times) and PostgreSQL (SQLite when it is not reachable): with one, then two
replicas of each service. Run ``.venv/bin/python -m bench.bench_cluster [--seconds 10 --editors 24]``.

The load is what exists today (the push flows come with issue 5): nomenclature exports through the
gateway (70 %), ``GET /v1/moi`` (20 %), refused requests for another school (10 %), from many schools'
editors on kept-alive mTLS connections; every exchange becomes sync events that supervision journals.
Printed: requests per second, latency percentiles, how long supervision took to journal everything after
the load, and the CPU each kind of process spent per request (read from /proc), which
docs/cost-model.md scales to 11,000 schools.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import text

from services.bee.app import create_app as create_bee
from services.bee.service import replace_nomenclatures
from services.bee.settings import BeeSettings
from services.common import migrate
from services.common.db import create_engine, session_factory, transaction
from services.common.formats.bee_nomenclatures import read_bee_nomenclatures
from services.common.formats.identifiers import check_letter
from services.common.localnats import NatsCluster, free_port, wait_for_port
from services.common.pki import client_context
from services.common.pull.journal import Scope
from services.common.settings import DatabaseSettings, sqlite_url
from tests.support.databases import POSTGRES_URL, postgres_reachable
from tests.support.pki import TestPki, build_test_pki

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "reference" / "formats" / "Progress" / "Nomenclature.xml"
YEAR = 2026
PREFIXES = {"gateway": "GATEWAY_", "bee": "BEE_", "sts": "STS_", "supervision": "SUPERVISION_"}
WITH_DATABASE = ("bee", "sts", "supervision")


@dataclass
class Process:
    service: str
    port: int
    popen: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        return _cpu_of(self.popen.pid)


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    sync_ids: int = 0


def _cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def schools(count: int) -> list[str]:
    return [f"{digits}{check_letter(digits)}" for digits in (f"031{n:04d}" for n in range(1, count + 1))]


async def prepare_databases(folder: Path, uais: list[str]) -> dict[str, DatabaseSettings]:
    databases = {service: await _fresh(folder, service) for service in WITH_DATABASE}
    for service, database in databases.items():
        await migrate.upgrade(service, database)
    document = read_bee_nomenclatures(SAMPLE.read_bytes())
    journal = create_bee(BeeSettings(database=databases["bee"])).state.journal
    engine = create_engine(databases["bee"])
    try:
        async with transaction(session_factory(engine)) as session:
            for uai in uais:
                await replace_nomenclatures(session, journal, Scope(uai, YEAR), document)
    finally:
        await engine.dispose()
    return databases


async def _fresh(folder: Path, service: str) -> DatabaseSettings:
    if not postgres_reachable():
        return DatabaseSettings(url=sqlite_url(folder / f"{service}.db"))
    import asyncpg  # only when PostgreSQL is there
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL)
    name = f"bench_{service}_{os.getpid()}_{int(time.time())}"
    admin = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, database=url.database
    )
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return DatabaseSettings(url=url.set(database=name).render_as_string(hide_password=False))


def service_env(
    service: str, port: int, nats_url: str, database: DatabaseSettings | None, pki: TestPki
) -> dict[str, str]:
    prefix = PREFIXES[service]
    env = {
        **os.environ,
        f"{prefix}HOST": "127.0.0.1",
        f"{prefix}PORT": str(port),
        f"{prefix}NATS__URL": nats_url,
        f"{prefix}NATS__REPLICAS": "3",
        f"{prefix}LOG_LEVEL": "WARNING",
    }
    if database is not None:
        env[f"{prefix}DATABASE__URL"] = database.url
    if service == "gateway":
        env |= {
            "GATEWAY_TLS__CERTFILE": str(pki.folder / "gateway.crt.pem"),
            "GATEWAY_TLS__KEYFILE": str(pki.folder / "gateway.key.pem"),
            "GATEWAY_TLS__CLIENT_CA_FILE": str(pki.chain),
        }
    return env


@contextmanager
def services(
    replicas: int, cluster: NatsCluster, databases: dict[str, DatabaseSettings], pki: TestPki, logs: Path
) -> Iterator[list[Process]]:
    processes: list[Process] = []
    try:
        for index in range(replicas):
            for service in ("bee", "sts", "supervision", "gateway"):
                port = free_port()
                url = cluster.urls[(index + len(processes)) % len(cluster.urls)]
                env = service_env(service, port, url, databases.get(service), pki)
                log = (logs / f"{service}-{replicas}-{index}.log").open("ab")
                command = [sys.executable, "-m", f"services.{service}"]
                popen = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
                processes.append(Process(service, port, popen))
        for process in processes:
            _wait_ready(process, pki)
        yield processes
    finally:
        for process in processes:
            process.popen.terminate()
        for process in processes:
            try:
                process.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait()


def _wait_ready(process: Process, pki: TestPki, timeout: float = 60) -> None:
    wait_for_port(process.port, timeout=timeout)
    scheme = "https" if process.service == "gateway" else "http"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            url = f"{scheme}://localhost:{process.port}/readyz"
            if httpx.get(url, verify=client_context(ca_file=pki.root)).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{process.service} on {process.port} not ready")


async def editor(pki: TestPki, gateway: int, uai: str, other: str, until: float, run: Run, seed: int) -> None:
    files = pki.clients[uai]
    context = client_context(ca_file=pki.root, cert_file=files.cert, key_file=files.key)
    choose = random.Random(seed)
    async with httpx.AsyncClient(
        base_url=f"https://localhost:{gateway}", verify=context, timeout=30
    ) as client:
        while time.monotonic() < until:
            draw = choose.random()
            if draw < 0.7:
                path = f"/v1/etablissements/{uai}/annees/{YEAR}/nomenclatures"
            elif draw < 0.9:
                path = "/v1/moi"
            else:
                path = f"/v1/etablissements/{other}/annees/{YEAR}/nomenclatures"
            started = time.perf_counter()
            response = await client.get(path)
            run.latencies.append(time.perf_counter() - started)
            run.statuses[response.status_code] = run.statuses.get(response.status_code, 0) + 1
            run.sync_ids += "Sync-Id" in response.headers


async def load(
    pki: TestPki, gateways: list[int], uais: list[str], editors: int, seconds: float
) -> tuple[Run, float]:
    run = Run()
    started = time.monotonic()
    until = started + seconds
    tasks = [
        editor(
            pki, gateways[i % len(gateways)], uais[i % len(uais)], uais[(i + 1) % len(uais)], until, run, i
        )
        for i in range(editors)
    ]
    await asyncio.gather(*tasks)
    return run, time.monotonic() - started


async def journal_lag(database: DatabaseSettings, expected: int, within: float = 120) -> float:
    """Seconds until supervision's journal holds ``expected`` syncs (counted from the load's end)."""
    engine = create_engine(database)
    started = time.monotonic()
    try:
        while time.monotonic() - started < within:
            async with engine.connect() as connection:
                count = (await connection.execute(text("SELECT count(*) FROM sync"))).scalar_one()
            if count >= expected:
                return time.monotonic() - started
            await asyncio.sleep(0.2)
        return float("nan")
    finally:
        await engine.dispose()


async def scenario(
    replicas: int, args: argparse.Namespace, folder: Path, pki: TestPki, uais: list[str]
) -> None:
    cluster = NatsCluster(folder / f"nats-{replicas}").start(log_dir=folder)
    try:
        databases = await prepare_databases(folder / f"db-{replicas}", uais)
        logs = folder / "logs"
        logs.mkdir(exist_ok=True)
        with services(replicas, cluster, databases, pki, logs) as processes:
            gateways = [p.port for p in processes if p.service == "gateway"]
            await load(pki, gateways, uais, args.editors, 2.0)  # warm-up: connections, caches
            journaled_before = await _count_syncs(databases["supervision"])
            cpu_before = _cpu(processes, cluster)
            run, elapsed = await load(pki, gateways, uais, args.editors, args.seconds)
            cpu = {kind: after - cpu_before[kind] for kind, after in _cpu(processes, cluster).items()}
            lag = await journal_lag(databases["supervision"], journaled_before + run.sync_ids)
        _report(replicas, run, elapsed, lag, cpu)
    finally:
        cluster.stop()


async def _count_syncs(database: DatabaseSettings) -> int:
    await asyncio.sleep(3)  # let the warm-up's events land
    engine = create_engine(database)
    try:
        async with engine.connect() as connection:
            count: int = (await connection.execute(text("SELECT count(*) FROM sync"))).scalar_one()
            return count
    finally:
        await engine.dispose()


def _cpu(processes: list[Process], cluster: NatsCluster) -> dict[str, float]:
    totals: dict[str, float] = {}
    for process in processes:
        totals[process.service] = totals.get(process.service, 0.0) + process.cpu_seconds()
    totals["nats (3 nodes)"] = sum(_cpu_of(node.process.pid) for node in cluster.nodes if node.process)
    totals["load generator"] = _cpu_of(os.getpid())
    return totals


def _report(replicas: int, run: Run, elapsed: float, lag: float, cpu: dict[str, float]) -> None:
    requests = len(run.latencies)
    quantiles = statistics.quantiles(run.latencies, n=100)
    print(
        f"| {replicas} | {requests / elapsed:,.0f} | {quantiles[49] * 1000:.1f} | {quantiles[98] * 1000:.1f} "
        f"| {lag:.1f} | {dict(sorted(run.statuses.items()))} | "
        + ", ".join(f"{kind} {1000 * seconds / requests:.2f}" for kind, seconds in cpu.items())
        + " |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--editors", type=int, default=24, help="concurrent kept-alive editor connections")
    parser.add_argument("--schools", type=int, default=12)
    args = parser.parse_args()
    if not SAMPLE.exists():
        print(f"skipped: {SAMPLE} is missing (the shared reference folder)")
        return
    database = "PostgreSQL" if postgres_reachable() else "SQLite"
    print(
        f"3-node JetStream cluster (R3), {database}, {args.editors} editors "
        f"of {args.schools} schools, {args.seconds:.0f} s\n"
    )
    print(
        "| replicas of each service | req/s | p50 ms | p99 ms | journal lag s | statuses "
        "| CPU ms per request |"
    )
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as scratch, ExitStack():
        folder = Path(scratch)
        pki = build_test_pki(folder / "pki")
        uais = schools(args.schools)
        for uai in uais:
            pki.issue(uai, uai, "pronote")
        for replicas in (1, 2):
            asyncio.run(scenario(replicas, args, folder, pki, uais))


if __name__ == "__main__":
    main()
