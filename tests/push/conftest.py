"""One running platform per database backend for the push tests, with demo schools loaded.

Starting the platform costs seconds, so the package shares it; each test module pushes to schools of
its own (a fresh UAI, loaded by :func:`load_school`), so the modules never see each other's imports.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from services.common.demo import DemoSchool, SchoolKind, generate_school
from services.common.imports import ImportSettings
from services.common.localnats import NatsProcess
from tests.push.pushing import load_school
from tests.support.databases import backends
from tests.support.pki import TestPki
from tests.support.platform import Platform, running_platform

YEAR = 2026


@pytest.fixture(scope="package", params=backends())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="package")
def package_nats(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Iterator[NatsProcess]:
    """A server per backend: each platform is a deployment of its own (its sts numbers its structure
    versions from 1, and the other's identical snapshots would be deduplicated)."""
    server = NatsProcess(store_dir=tmp_path_factory.mktemp(f"push-jetstream-{backend}")).start()
    yield server
    server.stop()


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def platform(
    tmp_path_factory: pytest.TempPathFactory, package_nats: NatsProcess, test_pki: TestPki, backend: str
) -> AsyncIterator[Platform]:
    folder = tmp_path_factory.mktemp(f"push-{backend}")
    # Every timetable import lingers in its transaction, so that a links push made right after it
    # deterministically finds it running (tests/push/test_sequencing.py).
    sts = ImportSettings(pause_at="transaction", pause_seconds=0.5)
    async with running_platform(folder, package_nats.url, test_pki, backend, sts_imports=sts) as running:
        yield running


def school(uai: str, *, pupils: int = 240, seed: int = 11) -> DemoSchool:
    """A small collège of its own for one test module (UAIs with a valid check letter)."""
    return generate_school(SchoolKind.COLLEGE, uai=uai, year=YEAR, seed=seed, pupils=pupils)


@pytest_asyncio.fixture(loop_scope="package")
async def loaded(platform: Platform, request: pytest.FixtureRequest) -> AsyncIterator[DemoSchool]:
    """The school named by the test module's ``UAI``, loaded in BEE and STS."""
    demo = school(request.module.UAI)
    await load_school(platform, demo)
    yield demo
