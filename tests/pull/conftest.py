"""One running platform per database backend for the whole package, with demo schools loaded.

Starting the platform costs seconds, so it is shared by every module of ``tests/pull`` (package scope,
one event loop for the package). Schools divide the work so that sharing is safe:

- ``SCHOOL_A`` (a vocational lycée) is only read: exports, variants, refusals;
- ``SCHOOL_B`` (a collège) is changed by the delta tests, and only by them;
- each other module that needs a school of its own loads one with its own UAI.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from services.common.demo import DemoSchool, SchoolKind, generate_school
from services.common.localnats import NatsProcess
from tests.support.databases import backends
from tests.support.pki import SCHOOL_A, SCHOOL_B, TestPki
from tests.support.platform import Platform, running_platform

YEAR = 2026
SEED = 7


@pytest.fixture(scope="package", params=backends())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="package")
def package_nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsProcess]:
    server = NatsProcess(store_dir=tmp_path_factory.mktemp("pull-jetstream")).start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def school_a() -> DemoSchool:
    return generate_school(SchoolKind.LYCEE_PRO, uai=SCHOOL_A, year=YEAR, seed=SEED)


@pytest.fixture(scope="package")
def school_b() -> DemoSchool:
    return generate_school(SchoolKind.COLLEGE, uai=SCHOOL_B, year=YEAR, seed=SEED, pupils=240)


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def platform(
    tmp_path_factory: pytest.TempPathFactory,
    package_nats: NatsProcess,
    test_pki: TestPki,
    backend: str,
    school_a: DemoSchool,
    school_b: DemoSchool,
) -> AsyncIterator[Platform]:
    test_pki.issue("school-b-edt", SCHOOL_B, "edt")
    folder: Path = tmp_path_factory.mktemp(f"pull-{backend}")
    async with running_platform(folder, package_nats.url, test_pki, backend) as running:
        for school in (school_a, school_b):
            await load_school(running, school)
        yield running


async def load_school(platform: Platform, school: DemoSchool) -> None:
    await platform.load_school(school)


def export_path(uai: str, flow: str, year: int = YEAR) -> str:
    return f"/v1/etablissements/{uai}/annees/{year}/{flow}"
