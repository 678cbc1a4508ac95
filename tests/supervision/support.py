"""Building blocks of supervision's tests: crafted sync events, a running supervision on a real
nats-server and a real database, supervisors of two académies and a national one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from services.common import subjects
from services.common.auth import create_account
from services.common.bus import Bus
from services.common.db import create_engine, session_factory, transaction
from services.common.events import Direction, SyncEvent, SyncState
from services.common.ids import new_ulid
from services.common.localnats import free_port
from services.common.settings import DatabaseSettings, NatsSettings
from services.supervision.app import create_app
from services.supervision.settings import AlertSettings, ApiClientSettings, SupervisionSettings
from tests.support.servers import serving

# Schools of three académies: Toulouse (31), Bordeaux (33), Corse (2A: UAI prefix 620).
TOULOUSE_SCHOOL = "0310053P"
TOULOUSE_OTHER = "0311234Y"
BORDEAUX_SCHOOL = "0332490C"
CORSE_SCHOOL = "6200001G"
PASSWORD = "correct horse battery staple"
TOKENS = {"national": "token-national", "toulouse": "token-toulouse", "bordeaux": "token-bordeaux"}


def event(
    uai: str | None = TOULOUSE_SCHOOL,
    state: SyncState = SyncState.SERVED,
    *,
    sync_id: str | None = None,
    flow: str = "nomenclatures",
    direction: Direction = Direction.EXPORT,
    editor: str | None = "index-education",
    product: str | None = "edt",
    at: datetime | None = None,
    **values: Any,
) -> SyncEvent:
    """A sync event as the gateway or a worker would send it."""
    return SyncEvent(
        sync_id=sync_id or new_ulid(),
        state=state,
        occurred_at=at or datetime.now(UTC),
        uai=uai,
        year=2026,
        flow=flow,
        direction=direction,
        editor=editor,
        product=product,
        **values,
    )


def minutes_ago(minutes: float) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=minutes)


async def publish(
    bus: Bus, events: Iterable[SyncEvent], *, msg_id: Callable[[SyncEvent], str] | None = None
) -> None:
    """Publish durably, as the gateway does (``msg_id`` overrides the JetStream dedup id)."""
    await bus.ensure_streams([subjects.SYNC_EVENTS])
    for sync_event in events:
        subject = subjects.sync_event_subject(sync_event.uai or "", sync_event.state.value)
        key = msg_id(sync_event) if msg_id else sync_event.event_id
        await bus.publish_durable(subject, sync_event.to_bytes(), msg_id=key)


async def eventually(
    check: Callable[[], Awaitable[bool]], *, within: float = 15.0, what: str = "condition"
) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{what} not reached within {within}s")
        await asyncio.sleep(0.05)


def supervision_settings(
    database: DatabaseSettings, nats_url: str, *, alerts: AlertSettings | None = None, batch: int = 256
) -> SupervisionSettings:
    clients = [
        ApiClientSettings.for_token("api-national", TOKENS["national"]),
        ApiClientSettings.for_token(
            "api-toulouse", TOKENS["toulouse"], role="superviseur-academique", academies=["toulouse"]
        ),
        ApiClientSettings.for_token(
            "api-bordeaux", TOKENS["bordeaux"], role="superviseur-academique", academies=["bordeaux"]
        ),
    ]
    return SupervisionSettings(
        port=free_port(),
        nats=NatsSettings(url=nats_url, request_timeout=5),
        database=database,
        api_clients=clients,
        alerts=alerts or AlertSettings(evaluate_every_seconds=3600),
        ingest_batch=batch,
        live_heartbeat_seconds=1.0,
    )


async def create_supervisors(database: DatabaseSettings) -> None:
    """People who sign in: one per académie, and a national supervisor."""
    engine = create_engine(database)
    try:
        async with transaction(session_factory(engine)) as session:
            await create_account(
                session, username="marie.toulouse", role="superviseur-academique", scopes=["toulouse"],
                password=PASSWORD, display_name="Marie Dupont",
            )  # fmt: skip
            await create_account(
                session, username="paul.bordeaux", role="superviseur-academique", scopes=["bordeaux"],
                password=PASSWORD, display_name="Paul Martin",
            )  # fmt: skip
            await create_account(
                session, username="nadia.national", role="superviseur-national", password=PASSWORD,
                display_name="Nadia Ben Ali",
            )  # fmt: skip
    finally:
        await engine.dispose()


@dataclass
class RunningSupervision:
    url: str
    settings: SupervisionSettings
    app: Any

    def api(self, who: str = "national") -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {TOKENS[who]}"}
        return httpx.AsyncClient(base_url=self.url, headers=headers, timeout=20)

    async def wait_for_syncs(self, count: int, *, within: float = 20.0, **filters: str) -> dict[str, Any]:
        page: dict[str, Any] = {}
        async with self.api() as client:

            async def enough() -> bool:
                nonlocal page
                page = (await client.get("/api/syncs", params={"limit": 500, **filters})).json()
                return int(page["total"]) >= count

            await eventually(enough, within=within, what=f"{count} syncs recorded")
        return page


@asynccontextmanager
async def running_supervision(settings: SupervisionSettings) -> AsyncIterator[RunningSupervision]:
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=settings.port, log_config=None, lifespan="on")
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(serving(config))
        yield RunningSupervision(f"http://127.0.0.1:{settings.port}", settings, app)


@asynccontextmanager
async def connected_bus(nats_url: str) -> AsyncIterator[Bus]:
    bus = Bus(NatsSettings(url=nats_url), name="test-publisher")
    await bus.connect()
    try:
        yield bus
    finally:
        await bus.close()


def database_path(tmp_path: Path) -> Path:
    return tmp_path / "supervision.db"
