"""Demo data for BEE: `python -m services.bee.seed` loads the demo schools into BEE's own database.

Nomenclatures come from the real `Nomenclature.xml` sample of the shared reference folder when it is
there (a fresh clone has it beside the repository), so editors pull the ministry's real codes.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from services.bee.models import MODELS
from services.bee.service import replace_nomenclatures
from services.bee.settings import BeeSettings
from services.common.db import create_engine, create_tables, session_factory, transaction
from services.common.formats.bee_nomenclatures import read_bee_nomenclatures

DEMO_SCHOOLS = ("0310053P", "0332490C", "0750702F")
SAMPLE = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "reference"
    / "formats"
    / "Progress"
    / "Nomenclature.xml"
)


async def seed(settings: BeeSettings, year: int, nomenclature_xml: bytes) -> int:
    """Load the demo schools' data for ``year``; returns the number of nomenclature items per school."""
    engine = create_engine(settings.database)
    try:
        await create_tables(engine, MODELS)
        nomenclatures = read_bee_nomenclatures(nomenclature_xml, filename=SAMPLE.name)
        count = 0
        async with transaction(session_factory(engine)) as session:
            for uai in DEMO_SCHOOLS:
                count = await replace_nomenclatures(session, uai, year, nomenclatures)
        return count
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--year", type=int, required=True, help="starting year of the school year (2026 = 2026-2027)"
    )
    args = parser.parse_args()
    count = asyncio.run(seed(BeeSettings(), args.year, SAMPLE.read_bytes()))
    print(f"bee: {len(DEMO_SCHOOLS)} établissements, {count} éléments de nomenclature chacun")


if __name__ == "__main__":
    main()
