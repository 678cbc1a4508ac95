"""What a worker service opens at start-up and closes at shutdown: its database and the bus."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from services.common.bus import Bus
from services.common.db import SessionFactory, create_engine, create_tables, ping, session_factory
from services.common.settings import DatabaseSettings, NatsSettings
from services.common.web import ReadinessCheck


@dataclass
class Runtime:
    engine: AsyncEngine
    sessions: SessionFactory
    bus: Bus
    owns_bus: bool

    def readiness(self) -> list[ReadinessCheck]:
        async def database() -> None:
            await ping(self.engine)

        async def nats() -> None:
            if not self.bus.is_connected:
                raise RuntimeError("NATS non connecté")

        return [database, nats]

    async def close(self) -> None:
        if self.owns_bus:
            await self.bus.close()
        await self.engine.dispose()


async def open_runtime(
    name: str,
    database: DatabaseSettings,
    nats: NatsSettings,
    models: Sequence[type[SQLModel]],
    *,
    bus: Bus | None = None,
) -> Runtime:
    """Open the database (creating this service's tables) and connect to NATS unless a bus is given."""
    engine = create_engine(database)
    if database.create_tables:
        await create_tables(engine, models)
    owns_bus = bus is None
    the_bus = bus or Bus(nats, name=name)
    if owns_bus:
        await the_bus.connect()
    return Runtime(engine=engine, sessions=session_factory(engine), bus=the_bus, owns_bus=owns_bus)


def readiness_of(holder: Callable[[], Runtime | None]) -> Callable[[], list[ReadinessCheck]]:
    """Readiness checks resolved lazily: the runtime exists only once the lifespan has started."""

    def checks() -> list[ReadinessCheck]:
        runtime = holder()
        if runtime is None:
            return [_not_started]
        return runtime.readiness()

    return checks


async def _not_started() -> None:
    raise RuntimeError("service en cours de démarrage")
