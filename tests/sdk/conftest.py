"""One running platform for the SDK and command tests, with the demo schools loaded (SQLite: these tests
are about the client, not the databases, which the services' own tests run on both)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from services.common.demo import DemoSchool, demo_schools
from services.common.localnats import NatsProcess
from services.common.pull.seeding import DEMO_SEED
from tests.support.pki import SCHOOL_A, TestPki
from tests.support.platform import Platform, running_platform

YEAR = 2026


@pytest.fixture(scope="package")
def sdk_nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsProcess]:
    server = NatsProcess(store_dir=tmp_path_factory.mktemp("sdk-jetstream")).start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def school() -> DemoSchool:
    """The vocational lycée `make run` seeds, so the demo sequence runs here as it does there."""
    return next(s for s in demo_schools(YEAR, seed=DEMO_SEED) if s.uai == SCHOOL_A)


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def platform(
    tmp_path_factory: pytest.TempPathFactory, sdk_nats: NatsProcess, test_pki: TestPki, school: DemoSchool
) -> AsyncIterator[Platform]:
    folder: Path = tmp_path_factory.mktemp("sdk-platform")
    async with running_platform(folder, sdk_nats.url, test_pki, "sqlite") as running:
        await running.load_school(school)
        yield running
