"""Demo data for STS: `python -m services.sts.seed --year 2026` loads the demo schools into STS's database.

Each demo school's ``sts_emp`` (:func:`services.common.demo.demo_schools`) goes through the same journaled
write path as an operator import; running it again changes nothing.
"""

from __future__ import annotations

from services.common.pull.seeding import DEMO_SEED, seed_command, seed_demo_schools
from services.common.pull.store import Tally
from services.sts.models import MODELS
from services.sts.service import load_sts_edt, sts_journal
from services.sts.settings import StsSettings


async def seed(settings: StsSettings, year: int, demo_seed: int = DEMO_SEED) -> dict[str, Tally]:
    journal = sts_journal(settings.journal_retention)
    return await seed_demo_schools(
        settings.database,
        MODELS,
        year,
        lambda session, scope, school: load_sts_edt(session, journal, scope, school.sts_edt),
        demo_seed,
    )


def main() -> None:
    seed_command("sts", lambda year: seed(StsSettings(), year), __doc__)


if __name__ == "__main__":
    main()
