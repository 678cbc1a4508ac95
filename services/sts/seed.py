"""Demo data for STS: `python -m services.sts.seed --year 2026` loads the demo schools into STS's database.

Each demo school's ``sts_emp`` (:func:`services.common.demo.demo_schools`) goes through the same journaled
write path as an operator import; running it again changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio

from services.common.db import create_engine, create_tables, session_factory, transaction
from services.common.demo import demo_schools
from services.common.pull.journal import Scope
from services.common.pull.store import Tally
from services.sts.models import MODELS
from services.sts.service import load_sts_edt, sts_journal
from services.sts.settings import StsSettings

DEMO_SEED = 1  # the same schools as services.bee.seed


async def seed(settings: StsSettings, year: int, demo_seed: int = DEMO_SEED) -> dict[str, Tally]:
    engine = create_engine(settings.database)
    journal = sts_journal(settings.journal_retention)
    try:
        await create_tables(engine, MODELS)
        loaded = {}
        for school in demo_schools(year, demo_seed):
            async with transaction(session_factory(engine)) as session:
                scope = Scope(school.uai, year)
                loaded[school.uai] = await load_sts_edt(session, journal, scope, school.sts_edt)
        return loaded
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--year", type=int, required=True, help="starting year of the school year (2026 = 2026-2027)"
    )
    args = parser.parse_args()
    for uai, tally in asyncio.run(seed(StsSettings(), args.year)).items():
        print(f"sts {uai}: {tally.added} ajouts, {tally.changed} modifications, {tally.removed} suppressions")


if __name__ == "__main__":
    main()
