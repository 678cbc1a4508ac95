"""Demo data for BEE: `python -m services.bee.seed --year 2026` loads the demo schools into BEE's database.

The schools are those of the deterministic demo generator (:func:`services.common.demo.demo_schools`):
every SIECLE file of each, loaded through the same write path as an operator import, so the change
journal starts with them. Running it again changes nothing (and journals nothing).
"""

from __future__ import annotations

from services.bee.models import MODELS
from services.bee.service import bee_journal, load_files
from services.bee.settings import BeeSettings
from services.common.demo import DemoSchool
from services.common.pull.seeding import DEMO_SEED, seed_command, seed_demo_schools
from services.common.pull.store import Tally


def bee_files(school: DemoSchool) -> list[object]:
    return [school.nomenclatures, school.commun, school.structures, school.eleves, school.responsables]


async def seed(settings: BeeSettings, year: int, demo_seed: int = DEMO_SEED) -> dict[str, Tally]:
    """Load the demo schools' files for ``year``; returns what changed per school."""
    journal = bee_journal(settings.journal_retention)
    return await seed_demo_schools(
        settings.database,
        MODELS,
        year,
        lambda session, scope, school: load_files(session, journal, scope, bee_files(school)),
        demo_seed,
    )


def main() -> None:
    seed_command("bee", lambda year: seed(BeeSettings(), year), __doc__)


if __name__ == "__main__":
    main()
