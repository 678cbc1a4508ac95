"""The running platform, with the nomenclatures of the real sample loaded for schools A and B."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.bee.service import replace_nomenclatures
from services.common.db import transaction
from services.common.formats.bee_nomenclatures import read_bee_nomenclatures
from services.common.localnats import NatsProcess
from services.common.pull.journal import Scope
from tests.conftest import FORMATS
from tests.support.pki import SCHOOL_A, SCHOOL_B, TestPki
from tests.support.platform import Platform, running_platform

YEAR = 2026


@pytest.fixture
async def platform(
    tmp_path: Path, fresh_nats: NatsProcess, test_pki: TestPki, db_backend: str
) -> AsyncIterator[Platform]:
    async with running_platform(tmp_path, fresh_nats.url, test_pki, db_backend) as running:
        nomenclatures = read_bee_nomenclatures((FORMATS / "Progress" / "Nomenclature.xml").read_bytes())
        bee = running.bee_app.state
        async with transaction(bee.runtime.sessions) as session:
            for uai in (SCHOOL_A, SCHOOL_B):
                await replace_nomenclatures(session, bee.journal, Scope(uai, YEAR), nomenclatures)
        yield running
