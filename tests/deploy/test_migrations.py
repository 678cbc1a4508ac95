"""Each service's migrations, applied to an empty database, build exactly the schema of its models."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import Connection, inspect

from services.common import migrate
from services.common.db import create_engine
from services.common.settings import DatabaseSettings
from tests.support.databases import fresh_database

SERVICES = sorted(migrate.SCHEMAS)


async def table_names(database: DatabaseSettings) -> set[str]:
    def names(connection: Connection) -> set[str]:
        return set(inspect(connection).get_table_names())

    engine = create_engine(database)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(names)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("service", SERVICES)
async def test_migrations_build_exactly_the_models_schema(
    service: str, db_backend: str, tmp_path: Path
) -> None:
    async with fresh_database(db_backend, tmp_path, service) as database:
        await migrate.upgrade(service, database)

        assert await migrate.differences(service, database) == []
        expected = set(migrate.schema_of(service).metadata().tables)
        assert await table_names(database) == expected | {"alembic_version"}


@pytest.mark.parametrize("service", SERVICES)
async def test_downgrade_to_base_leaves_no_table_of_the_service(
    service: str, db_backend: str, tmp_path: Path
) -> None:
    async with fresh_database(db_backend, tmp_path, service) as database:
        await migrate.upgrade(service, database)
        await migrate.downgrade(service, database, "base")

        assert await table_names(database) == {"alembic_version"}


async def test_an_empty_database_differs_from_the_models(tmp_path: Path) -> None:
    # The guard of the two tests above: compare_metadata must see a missing schema.
    async with fresh_database("sqlite", tmp_path, "empty") as database:
        assert await migrate.differences("sts", database) != []


async def test_replicas_migrating_at_once_migrate_once(db_backend: str, tmp_path: Path) -> None:
    """Every replica's init container runs `upgrade head` when a Deployment rolls out."""
    async with fresh_database(db_backend, tmp_path, "concurrent") as database:
        await asyncio.gather(*(migrate.upgrade("supervision", database) for _ in range(3)))

        assert await migrate.differences("supervision", database) == []


def test_the_command_line_names_every_service_with_models() -> None:
    models = {path.parent.name for path in Path(migrate.SERVICES_ROOT).glob("*/models.py")}
    assert models - {"common"} == set(SERVICES)
    assert all(migrate.schema_of(service).versions.is_dir() for service in SERVICES)
