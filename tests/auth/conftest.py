"""A database with the auth tables, on each backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.common.auth import AUTH_MODELS
from services.common.db import SessionFactory, create_engine, create_tables, session_factory
from tests.support.databases import fresh_database


@pytest.fixture
async def sessions(tmp_path: Path, db_backend: str) -> AsyncIterator[SessionFactory]:
    async with fresh_database(db_backend, tmp_path, "auth") as settings:
        engine = create_engine(settings)
        await create_tables(engine, AUTH_MODELS)
        yield session_factory(engine)
        await engine.dispose()
