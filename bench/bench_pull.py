"""Pull flows through the gateway: throughput against a bare endpoint, and ElevesAvecAdresses times.

    python -m bench pull [--seconds 5] [--concurrency 8] [--runs 5]

1. ``structures`` of a 2,000-pupil lycée pulled through the whole platform (mTLS, keep-alive, gateway →
   NATS → BEE → SQLite and back, a sync event per request to supervision), against a bare FastAPI
   endpoint under the same uvicorn and mTLS protocol serving the same bytes from memory: requests/s,
   p50, p99, and the ratio (goal: at least 0.5). The load comes from a separate process (httpx, one
   keep-alive connection per concurrent client).
2. ``eleves`` (ElevesAvecAdresses) of the same lycée: a full export, and a delta after one pupil changed.

Everything is real and in this run, as ``make run`` starts it: a nats-server, BEE, STS, supervision and
the gateway each in its own process on SQLite files, a PKI generated for the run. The school is loaded
beforehand through the services' own write path.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.responses import Response

from services.bee import pupils, tables
from services.bee.models import MODELS as BEE_MODELS
from services.bee.seed import bee_files
from services.bee.service import bee_journal, load_files
from services.common.db import create_engine, create_tables, session_factory, transaction
from services.common.demo import large_lycee
from services.common.localnats import NatsProcess, free_port, wait_for_port
from services.common.pki import client_context
from services.common.pull.journal import Scope
from services.common.settings import DatabaseSettings, sqlite_url
from services.gateway.settings import TlsSettings
from services.gateway.tls import configure
from services.sts.models import MODELS as STS_MODELS
from services.sts.service import load_sts_edt, sts_journal
from tests.support.pki import TestPki, build_test_pki
from tests.support.servers import serving

UAI, YEAR, SEED = "0750702F", 2026, 1
STRUCTURES = f"/v1/etablissements/{UAI}/annees/{YEAR}/structures"
ELEVES = f"/v1/etablissements/{UAI}/annees/{YEAR}/eleves"
RETENTION = timedelta(days=60)


@dataclass(frozen=True)
class Target:
    url: str
    path: str
    ca: str
    cert: str
    key: str


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def _client_process(target: Target, seconds: float, concurrency: int, out: Any) -> None:
    out.put(asyncio.run(_hammer(target, seconds, concurrency)))


async def _hammer(target: Target, seconds: float, concurrency: int) -> tuple[int, float, list[float]]:
    context = client_context(ca_file=Path(target.ca), cert_file=Path(target.cert), key_file=Path(target.key))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=target.url, verify=context, limits=limits, timeout=30) as client:
        for _ in range(concurrency * 5):  # warm-up: connections open, caches hot
            (await client.get(target.path)).raise_for_status()
        latencies: list[float] = []
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()

        async def worker() -> None:
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                (await client.get(target.path)).raise_for_status()
                latencies.append((time.perf_counter() - sent) * 1000)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return len(latencies), time.perf_counter() - started, latencies


async def measure(target: Target, seconds: float, concurrency: int) -> Load:
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    process = context.Process(target=_client_process, args=(target, seconds, concurrency, out))
    process.start()
    requests, elapsed, latencies = await asyncio.to_thread(out.get)
    await asyncio.to_thread(process.join)
    return Load(requests, elapsed, latencies)


def bare_app(path: str, body: bytes, media_type: str) -> FastAPI:
    app = FastAPI()

    @app.get(path)
    async def export() -> Response:
        return Response(body, media_type=media_type)

    return app


SERVICES = (("bee", "BEE_"), ("sts", "STS_"), ("supervision", "SUPERVISION_"), ("gateway", "GATEWAY_"))


@dataclass(frozen=True)
class Platform:
    folder: Path
    gateway_url: str

    def database(self, service: str) -> DatabaseSettings:
        return DatabaseSettings(url=sqlite_url(self.folder / f"{service}.db"))


async def load_lycee(folder: Path) -> None:
    """The lycée's BEE and STS files into the services' databases, through their write paths."""
    school = large_lycee(YEAR, SEED, uai=UAI)
    scope = Scope(UAI, YEAR)
    bee = create_engine(DatabaseSettings(url=sqlite_url(folder / "bee.db")))
    await create_tables(bee, BEE_MODELS)
    async with transaction(session_factory(bee)) as session:
        await load_files(session, bee_journal(RETENTION), scope, bee_files(school))
    await bee.dispose()
    sts = create_engine(DatabaseSettings(url=sqlite_url(folder / "sts.db")))
    await create_tables(sts, STS_MODELS)
    async with transaction(session_factory(sts)) as session:
        await load_sts_edt(session, sts_journal(RETENTION), scope, school.sts_edt)
    await sts.dispose()


def service_env(
    service: str, prefix: str, port: int, folder: Path, nats_url: str, pki: TestPki
) -> dict[str, str]:
    env = {
        **os.environ,
        f"{prefix}PORT": str(port),
        f"{prefix}NATS__URL": nats_url,
        f"{prefix}LOG_LEVEL": "WARNING",
    }
    if service == "gateway":
        env.update(
            GATEWAY_TLS__CERTFILE=str(pki.folder / "gateway.crt.pem"),
            GATEWAY_TLS__KEYFILE=str(pki.folder / "gateway.key.pem"),
            GATEWAY_TLS__CLIENT_CA_FILE=str(pki.chain),
        )
    else:
        env[f"{prefix}DATABASE__URL"] = sqlite_url(folder / f"{service}.db")
    return env


@asynccontextmanager
async def platform_processes(folder: Path, nats_url: str, pki: TestPki) -> AsyncIterator[Platform]:
    ports = {service: free_port() for service, _ in SERVICES}
    processes = []
    try:
        for service, prefix in SERVICES:
            env = service_env(service, prefix, ports[service], folder, nats_url, pki)
            log = (folder / f"{service}.log").open("ab")
            command = [sys.executable, "-m", f"services.{service}"]
            processes.append(subprocess.Popen(command, env=env, stdout=log, stderr=log))  # noqa: ASYNC220
            await asyncio.to_thread(wait_for_port, ports[service], timeout=30)
        await asyncio.sleep(1)  # subscriptions and streams set up after the port opens
        yield Platform(folder, f"https://localhost:{ports['gateway']}")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            await asyncio.to_thread(process.wait)


async def timed_get(client: httpx.AsyncClient, path: str, runs: int, **params: str) -> tuple[float, int]:
    """Median seconds of ``runs`` pulls, and the body's size."""
    times, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        response = await client.get(path, params=params)
        response.raise_for_status()
        times.append(time.perf_counter() - started)
        size = len(response.content)
    return statistics.median(times), size


async def eleves_times(platform: Platform, client: httpx.AsyncClient, runs: int) -> None:
    full, size = await timed_get(client, ELEVES, runs)
    cursor = (await client.get(ELEVES)).headers["Curseur-Suivant"]
    engine = create_engine(platform.database("bee"))
    async with transaction(session_factory(engine)) as session:
        scope = Scope(UAI, YEAR)
        eleve = await tables.ELEVES.get(session, scope, (await tables.ELEVES.keys(session, scope))[0])
        assert eleve is not None
        await pupils.put_eleves(session, bee_journal(RETENTION), scope, [replace(eleve, nom_usage="CHANGE")])
    await engine.dispose()
    delta, delta_size = await timed_get(client, ELEVES, runs, depuis=cursor)
    print(f"ElevesAvecAdresses, lycée de 2 000 élèves : complet {full * 1000:.0f} ms ({size / 1e6:.1f} Mo)")
    print(f"  différentiel après un élève modifié : {delta * 1000:.1f} ms ({delta_size / 1e3:.1f} ko)")


def report(name: str, load: Load) -> None:
    p50, p99 = load.percentile(0.5), load.percentile(0.99)
    print(
        f"{name:<34} {load.per_second:8.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   ({load.requests})"
    )


async def compare(target: Target, tls: TlsSettings, args: argparse.Namespace) -> None:
    """``structures`` through the gateway, then the same bytes from a bare endpoint."""
    context = client_context(ca_file=Path(target.ca), cert_file=Path(target.cert), key_file=Path(target.key))
    async with httpx.AsyncClient(base_url=target.url, verify=context) as client:
        sample = await client.get(STRUCTURES)
    through_gateway = await measure(target, args.seconds, args.concurrency)
    port = free_port()
    app = bare_app(STRUCTURES, sample.content, sample.headers["content-type"])
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, http=configure(tls), timeout_keep_alive=75, log_config=None
    )
    async with serving(config):
        from_memory = await measure(
            replace(target, url=f"https://localhost:{port}"), args.seconds, args.concurrency
        )
    size = len(sample.content) / 1e3
    print(f"structures ({size:.0f} ko), {args.concurrency} clients keep-alive, {args.seconds:.0f} s chacun :")
    report("  passerelle (NATS, BEE, SQLite)", through_gateway)
    report("  FastAPI nu, mêmes octets", from_memory)
    ratio = through_gateway.per_second / from_memory.per_second
    print(f"  rapport passerelle / nu : {ratio:.2f} (objectif ≥ 0,5)")


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pki = build_test_pki(folder / "pki")
        files = pki.issue("lycee-pronote", UAI, "pronote")
        target = Target("", STRUCTURES, str(pki.root), str(files.cert), str(files.key))
        tls = TlsSettings(
            certfile=pki.folder / "gateway.crt.pem",
            keyfile=pki.folder / "gateway.key.pem",
            client_ca_file=pki.chain,
        )
        nats = NatsProcess(store_dir=folder / "nats").start()
        try:
            await load_lycee(folder)
            async with platform_processes(folder, nats.url, pki) as platform:
                await compare(replace(target, url=platform.gateway_url), tls, args)
                context = client_context(ca_file=pki.root, cert_file=files.cert, key_file=files.key)
                async with httpx.AsyncClient(
                    base_url=platform.gateway_url, verify=context, timeout=60
                ) as client:
                    await eleves_times(platform, client, args.runs)
        finally:
            nats.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
