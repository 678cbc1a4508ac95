"""Loading the demo schools into a service's database (`python -m services.<svc>.seed --year 2026`).

Each school goes through the service's own journaled write path, as an operator import would, one
transaction per school; running it again changes nothing and journals nothing.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.db import create_engine, create_tables, session_factory, transaction
from services.common.demo import DemoSchool, demo_schools
from services.common.pull.journal import Scope
from services.common.pull.store import Tally
from services.common.settings import DatabaseSettings

SchoolLoader = Callable[[AsyncSession, Scope, DemoSchool], Awaitable[Tally]]
DEMO_SEED = 1  # bee and sts load the same schools


async def seed_demo_schools(
    database: DatabaseSettings,
    models: Sequence[type[SQLModel]],
    year: int,
    load: SchoolLoader,
    demo_seed: int,
) -> dict[str, Tally]:
    """What changed per school."""
    engine = create_engine(database)
    try:
        await create_tables(engine, models)
        loaded = {}
        for school in demo_schools(year, demo_seed):
            async with transaction(session_factory(engine)) as session:
                loaded[school.uai] = await load(session, Scope(school.uai, year), school)
        return loaded
    finally:
        await engine.dispose()


def seed_command(
    service: str, seed: Callable[[int], Coroutine[Any, Any, dict[str, Tally]]], doc: str | None
) -> None:
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument(
        "--year", type=int, required=True, help="starting year of the school year (2026 = 2026-2027)"
    )
    args = parser.parse_args()
    for uai, tally in asyncio.run(seed(args.year)).items():
        changes = f"{tally.added} ajouts, {tally.changed} modifications, {tally.removed} suppressions"
        print(f"{service} {uai}: {changes}")
