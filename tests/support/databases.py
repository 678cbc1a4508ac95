"""Database backends for tests: SQLite always, PostgreSQL when reachable (and always in CI)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from services.common.settings import DatabaseSettings, sqlite_url

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def postgres_reachable() -> bool:
    url = make_url(POSTGRES_URL)
    try:
        with socket.create_connection((url.host or "127.0.0.1", url.port or 5432), timeout=1):
            return True
    except OSError:
        return False


def backends() -> list[str]:
    """`sqlite`, plus `postgresql` when reachable. In CI a missing PostgreSQL is a failure, not a skip."""
    if postgres_reachable():
        return ["sqlite", "postgresql"]
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"CI=true but PostgreSQL is not reachable at {POSTGRES_URL}")
    return ["sqlite"]


@asynccontextmanager
async def fresh_database(backend: str, tmp_path: Path, name: str = "db") -> AsyncIterator[DatabaseSettings]:
    """An empty database for one test: a SQLite file, or a PostgreSQL database created and dropped."""
    if backend == "sqlite":
        yield DatabaseSettings(url=sqlite_url(tmp_path / f"{name}.db"))
        return
    url = make_url(POSTGRES_URL)
    database = f"nsp_{name}_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, database=url.database
    )
    try:
        await admin.execute(f'CREATE DATABASE "{database}"')
        yield DatabaseSettings(url=url.set(database=database).render_as_string(hide_password=False))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.close()
