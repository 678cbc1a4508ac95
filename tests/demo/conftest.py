"""One generated set of demo schools per test session: generation is deterministic and read-only here."""

from __future__ import annotations

import pytest

from services.common.demo import DemoSchool, demo_schools

YEAR, SEED = 2024, 7


@pytest.fixture(scope="session")
def schools() -> list[DemoSchool]:
    return demo_schools(YEAR, SEED)
