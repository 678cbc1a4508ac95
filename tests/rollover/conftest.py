"""One running platform per database backend for the rollover tests; each test takes schools of its own.

The académie's nomenclatures of the next year are the demo catalogue (the real sample Nomenclature.xml
completed with the codes the demo uses). Commands go through the real operator CLIs, run in a thread
(they run their own event loop) against the package's nats-server.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from services.bee import bascule as bee_cli
from services.common.demo import DemoSchool, SchoolKind, generate_school
from services.common.demo.catalogue import nomenclature
from services.common.formats.bee_nomenclatures import write_bee_nomenclatures
from services.common.localnats import NatsProcess
from services.sts import bascule as sts_cli
from tests.push.pushing import load_school
from tests.support.databases import backends
from tests.support.pki import TestPki
from tests.support.platform import Platform, running_platform

YEAR = 2026  # N: the year schools live; N + 1 opens
NEXT = YEAR + 1
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_NUMBERS = itertools.count(1)


def fresh_uai(departement: str = "031") -> str:
    """A valid UAI of its own for one test (031: académie de Toulouse, 033: Bordeaux)."""
    digits = f"{departement}9{next(_NUMBERS):03d}"
    return digits + _LETTERS[int(digits) % 23]


@pytest.fixture(scope="package", params=backends())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="package")
def package_nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsProcess]:
    server = NatsProcess(store_dir=tmp_path_factory.mktemp("rollover-jetstream")).start()
    yield server
    server.stop()


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def platform(
    tmp_path_factory: pytest.TempPathFactory, package_nats: NatsProcess, test_pki: TestPki, backend: str
) -> AsyncIterator[Platform]:
    folder = tmp_path_factory.mktemp(f"rollover-{backend}")
    async with running_platform(folder, package_nats.url, test_pki, backend) as running:
        yield running


@pytest.fixture(scope="package")
def nomenclature_data() -> bytes:
    """The académie's Nomenclature.xml of the next year."""
    return write_bee_nomenclatures(nomenclature())


@pytest.fixture(scope="package")
def nomenclature_file(tmp_path_factory: pytest.TempPathFactory, nomenclature_data: bytes) -> Path:
    path = tmp_path_factory.mktemp("academie") / "Nomenclature.xml"
    path.write_bytes(nomenclature_data)
    return path


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, package_nats: NatsProcess) -> None:
    """The operator commands read NATS from the environment, as in production."""
    for prefix in ("BEE", "STS"):
        monkeypatch.setenv(f"{prefix}_NATS__URL", package_nats.url)
        monkeypatch.setenv(f"{prefix}_NATS__REQUEST_TIMEOUT", "20")


async def sts_command(*argv: str) -> int:
    return await asyncio.to_thread(sts_cli.main, list(argv))


async def bee_command(*argv: str) -> int:
    return await asyncio.to_thread(bee_cli.main, list(argv))


async def new_school(platform: Platform, *, departement: str = "031", pupils: int = 60) -> DemoSchool:
    """A small collège loaded for N in BEE and STS, with its certificates (``<uai>-edt``,
    ``<uai>-pronote``)."""
    uai = fresh_uai(departement)
    school = generate_school(SchoolKind.COLLEGE, uai=uai, year=YEAR, seed=5, pupils=pupils)
    await load_school(platform, school)
    return school
