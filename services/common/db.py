"""Async database helpers: SQLite (WAL) by default, PostgreSQL through the same settings.

A service owns one database. It builds its engine with :func:`create_engine`, creates its own tables
(never another service's) with :func:`create_tables`, and runs each unit of work inside
:func:`transaction`, which commits on success and rolls back on any exception.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.settings import DatabaseSettings

SessionFactory = async_sessionmaker[AsyncSession]


def create_engine(settings: DatabaseSettings) -> AsyncEngine:
    """An engine for the service's database; SQLite gets WAL and a busy timeout."""
    url = make_url(settings.url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=settings.echo, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        return engine
    return create_async_engine(
        url,
        echo=settings.echo,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_pre_ping=True,
    )


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (exports) run while a writer (an import) holds the write lock. The busy timeout
    # comes first: switching to WAL needs a moment alone with the file, and another process (a replica
    # migrating at start-up) may hold it; SQLite does not always wait on its own for that switch.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    _switch_to_wal(cursor)
    for pragma in ("PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"):
        cursor.execute(pragma)
    cursor.close()


def _switch_to_wal(cursor: Any, attempts: int = 100) -> None:
    for _ in range(attempts):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as error:  # the driver's OperationalError: "database is locked"
            if "locked" not in str(error):
                raise
            time.sleep(0.1)  # runs in the driver's own thread, not on the event loop
    cursor.execute("PRAGMA journal_mode=WAL")


def session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def create_tables(engine: AsyncEngine, models: Sequence[type[SQLModel]]) -> None:
    """Create this service's tables only (all services share SQLModel's metadata in one process)."""
    tables: list[Table] = [model.__table__ for model in models]  # type: ignore[attr-defined]
    async with engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all, tables=tables)


@asynccontextmanager
async def transaction(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any exception."""
    async with factory() as session, session.begin():
        yield session


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
