"""Schema migrations per service (Alembic), configured in code: there is no ``alembic.ini``.

::

    python -m services.common.migrate bee upgrade head     # what the Kubernetes init container runs
    python -m services.common.migrate bee current
    python -m services.common.migrate bee check            # fails if the models and migrations differ
    python -m services.common.migrate bee revision --autogenerate -m "add the pupils' birth place"

Each service's revisions live in ``services/<service>/migrations/versions/`` and all run in the one
environment of ``services/common/migrations/``. The database is the service's own setting
(``BEE_DATABASE__URL``…) unless ``--url`` is given; ``revision --autogenerate`` without ``--url``
compares the models with a scratch SQLite database brought to head, so writing a migration needs no
server. The target schema is the service's ``MODELS`` only: every service's models share SQLModel's
metadata in one process, and a service must never create another's tables.

On PostgreSQL each run holds a transaction-level advisory lock (on SQLite, the database's write lock), so
that the init containers of several replicas starting together migrate once and the others find the
schema at head.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import shutil
import sys
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, MetaData, TypeDecorator, text

from services.common.db import create_engine
from services.common.settings import DatabaseSettings, sqlite_url

SERVICES_ROOT = Path(__file__).resolve().parents[1]
ENVIRONMENT = Path(__file__).resolve().parent / "migrations"
Action = Callable[[Config], object]
_SUMMARY = "Schema migrations per service (Alembic)."


@dataclass(frozen=True)
class ServiceSchema:
    """Where a service's models, settings and revisions are."""

    name: str
    settings_class: str

    @property
    def versions(self) -> Path:
        return SERVICES_ROOT / self.name / "migrations" / "versions"

    def metadata(self) -> MetaData:
        """A metadata holding this service's tables only."""
        models = importlib.import_module(f"services.{self.name}.models").MODELS
        metadata = MetaData()
        for model in models:
            model.__table__.to_metadata(metadata)
        return metadata

    def database(self) -> DatabaseSettings:
        """The database the service itself would use, from its environment (``BEE_DATABASE__URL``…)."""
        settings = getattr(importlib.import_module(f"services.{self.name}.settings"), self.settings_class)
        database: DatabaseSettings = settings().database
        return database


SCHEMAS: dict[str, ServiceSchema] = {
    schema.name: schema
    for schema in (
        ServiceSchema("bee", "BeeSettings"),
        ServiceSchema("sts", "StsSettings"),
        ServiceSchema("supervision", "SupervisionSettings"),
        ServiceSchema("ginweb", "GinwebSettings"),
    )
}


def schema_of(service: str) -> ServiceSchema:
    try:
        return SCHEMAS[service]
    except KeyError:
        raise ValueError(f"no migrations for {service!r}: one of {', '.join(SCHEMAS)}") from None


async def upgrade(service: str, database: DatabaseSettings, revision: str = "head") -> None:
    """Bring ``database`` to ``revision`` (what start-up in Kubernetes and the tests call)."""
    await run(schema_of(service), database, lambda config: command.upgrade(config, revision))


async def downgrade(service: str, database: DatabaseSettings, revision: str = "base") -> None:
    await run(schema_of(service), database, lambda config: command.downgrade(config, revision))


async def differences(service: str, database: DatabaseSettings) -> list[Any]:
    """What autogenerate would write: the differences between the database and the models."""
    schema = schema_of(service)

    def compare(connection: Connection) -> list[Any]:
        return list(compare_metadata(MigrationContext.configure(connection), schema.metadata()))

    engine = create_engine(database)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(compare)
    finally:
        await engine.dispose()


async def run(schema: ServiceSchema, database: DatabaseSettings, action: Action) -> None:
    """Run an Alembic command on ``database``, in one transaction, under the service's advisory lock."""
    engine = create_engine(database)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_locked, schema, action)
            await connection.commit()
    finally:
        await engine.dispose()


def _locked(connection: Connection, schema: ServiceSchema, action: Action) -> None:
    if connection.dialect.name == "postgresql":
        # Released by the commit: a second replica then reads the version the first one wrote.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": advisory_key(schema.name)})
    elif connection.dialect.name == "sqlite":
        # SQLite's write lock, taken before Alembic reads the version: two processes migrate in turn.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    action(alembic_config(schema, connection))


def advisory_key(service: str) -> int:
    return zlib.crc32(f"netsynchro-migrations-{service}".encode())


def alembic_config(schema: ServiceSchema, connection: Connection | None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ENVIRONMENT))
    config.set_main_option("version_locations", str(schema.versions))
    config.set_main_option("path_separator", "os")
    config.attributes.update(connection=connection, metadata=schema.metadata())
    _format_new_revisions_with_ruff(config)
    return config


def _format_new_revisions_with_ruff(config: Config) -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:  # the production image has no ruff, and never writes revisions
        return
    config.set_section_option("post_write_hooks", "hooks", "ruff_fix, ruff_format")
    for hook, options in (("ruff_fix", "check --fix --quiet"), ("ruff_format", "format --quiet")):
        config.set_section_option("post_write_hooks", f"{hook}.type", "exec")
        config.set_section_option("post_write_hooks", f"{hook}.executable", ruff)
        config.set_section_option(
            "post_write_hooks", f"{hook}.options", f"{options} REVISION_SCRIPT_FILENAME"
        )


def run_in_context(context: EnvironmentContext) -> None:
    """The body of ``env.py``: migrate on the connection :func:`run` opened."""
    connection: Connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=context.config.attributes["metadata"],
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by copying it
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def _render_item(kind: str, item: Any, _context: AutogenContext) -> str | Literal[False]:
    # A migration must not import application code that will change after it was written: a decorated
    # type (UtcDateTime, sqlmodel's AutoString) is written as the SQLAlchemy type it stores.
    if kind == "type" and isinstance(item, TypeDecorator):
        return f"sa.{item.impl!r}"
    return False


# --- command line -------------------------------------------------------------------------------------
def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(prog="python -m services.common.migrate", description=_SUMMARY)
    cli.add_argument("service", choices=sorted(SCHEMAS))
    cli.add_argument("--url", help="database URL (default: the service's own DATABASE__URL setting)")
    actions = cli.add_subparsers(dest="action", required=True)
    for name in ("upgrade", "downgrade", "stamp"):
        actions.add_parser(name).add_argument("revision")
    actions.add_parser("current")
    actions.add_parser("check")
    revision = actions.add_parser("revision")
    revision.add_argument("-m", "--message", required=True)
    revision.add_argument("--autogenerate", action="store_true")
    return cli


def action_of(args: argparse.Namespace) -> Action:
    actions: dict[str, Action] = {
        "upgrade": lambda config: command.upgrade(config, args.revision),
        "downgrade": lambda config: command.downgrade(config, args.revision),
        "stamp": lambda config: command.stamp(config, args.revision),
        "current": lambda config: command.current(config, verbose=True),
        "check": command.check,
        "revision": lambda config: command.revision(
            config, message=args.message, autogenerate=args.autogenerate
        ),
    }
    return actions[args.action]


async def execute(args: argparse.Namespace) -> None:
    schema = schema_of(args.service)
    if args.url:
        await run(schema, DatabaseSettings(url=args.url), action_of(args))
    elif args.action == "revision":
        await _revision_on_scratch_database(schema, action_of(args))
    else:
        await run(schema, schema.database(), action_of(args))


async def _revision_on_scratch_database(schema: ServiceSchema, action: Action) -> None:
    with tempfile.TemporaryDirectory(prefix=f"migrate-{schema.name}-") as folder:
        scratch = DatabaseSettings(url=sqlite_url(Path(folder) / "scratch.db"))
        await run(schema, scratch, lambda config: command.upgrade(config, "head"))
        await run(schema, scratch, action)


def main(argv: list[str] | None = None) -> None:
    asyncio.run(execute(parser().parse_args(argv)))


if __name__ == "__main__":
    main()
