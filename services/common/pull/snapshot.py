"""The read transaction an export runs in: one consistent snapshot from the journal head to the last byte.

PostgreSQL: ``REPEATABLE READ, READ ONLY``; every statement of the transaction sees the database as of its
first statement. SQLite (WAL): the driver opens no transaction for a ``SELECT`` on its own, so each read
would see the latest commit; an explicit ``BEGIN`` makes the first read fix the snapshot until the end.
Writers are never blocked by either.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.db import SessionFactory


@asynccontextmanager
async def read_snapshot(sessions: SessionFactory) -> AsyncIterator[AsyncSession]:
    async with sessions() as session, session.begin():
        connection = await session.connection()
        if connection.dialect.name == "postgresql":
            await connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        elif connection.dialect.name == "sqlite":
            await connection.exec_driver_sql("BEGIN")
        yield session
