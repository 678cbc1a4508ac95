"""Demo data for BEE: `python -m services.bee.seed --year 2026` loads the demo schools into BEE's database.

The schools are those of the deterministic demo generator (:func:`services.common.demo.demo_schools`):
every SIECLE file of each, loaded through the same write path as an operator import, so the change
journal starts with them. Running it again changes nothing (and journals nothing).
"""

from __future__ import annotations

import argparse
import asyncio

from services.bee.models import MODELS
from services.bee.service import bee_journal, load_files
from services.bee.settings import BeeSettings
from services.common.db import create_engine, create_tables, session_factory, transaction
from services.common.demo import DemoSchool, demo_schools
from services.common.pull.journal import Scope
from services.common.pull.store import Tally

DEMO_SEED = 1


def bee_files(school: DemoSchool) -> list[object]:
    return [school.nomenclatures, school.commun, school.structures, school.eleves, school.responsables]


async def seed(settings: BeeSettings, year: int, demo_seed: int = DEMO_SEED) -> dict[str, Tally]:
    """Load the demo schools' files for ``year``; returns what changed per school."""
    engine = create_engine(settings.database)
    journal = bee_journal(settings.journal_retention)
    try:
        await create_tables(engine, MODELS)
        loaded = {}
        for school in demo_schools(year, demo_seed):
            async with transaction(session_factory(engine)) as session:
                loaded[school.uai] = await load_files(
                    session, journal, Scope(school.uai, year), bee_files(school)
                )
        return loaded
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--year", type=int, required=True, help="starting year of the school year (2026 = 2026-2027)"
    )
    args = parser.parse_args()
    for uai, tally in asyncio.run(seed(BeeSettings(), args.year)).items():
        print(f"bee {uai}: {tally.added} ajouts, {tally.changed} modifications, {tally.removed} suppressions")


if __name__ == "__main__":
    main()
