"""Supervision fixtures: a fresh database per test (SQLite and PostgreSQL), a running supervision."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.common.db import SessionFactory, create_engine, create_tables, session_factory
from services.common.localnats import NatsProcess
from services.common.settings import DatabaseSettings
from services.supervision.models import MODELS
from tests.supervision.support import (
    RunningSupervision,
    create_supervisors,
    running_supervision,
    supervision_settings,
)
from tests.support.databases import fresh_database


@pytest.fixture
async def database(tmp_path: Path, db_backend: str) -> AsyncIterator[DatabaseSettings]:
    async with fresh_database(db_backend, tmp_path, "supervision") as settings:
        yield settings


@pytest.fixture
async def sessions(database: DatabaseSettings) -> AsyncIterator[SessionFactory]:
    engine = create_engine(database)
    await create_tables(engine, MODELS)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def supervision(
    database: DatabaseSettings, fresh_nats: NatsProcess
) -> AsyncIterator[RunningSupervision]:
    settings = supervision_settings(database, fresh_nats.url)
    async with running_supervision(settings) as running:
        await create_supervisors(database)
        yield running
