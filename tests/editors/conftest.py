"""One running platform (real mTLS gateway, bee, sts, supervision, nats-server) for the editors' journeys:
the offline docs, the sandbox school, the conformance kit and the curl guide (SQLite: these tests are
about what an editor sees, not the databases)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from services.common.localnats import NatsProcess
from tests.support.pki import TestPki
from tests.support.platform import Platform, running_platform


@pytest.fixture(scope="package")
def editors_nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsProcess]:
    server = NatsProcess(store_dir=tmp_path_factory.mktemp("editors-jetstream")).start()
    yield server
    server.stop()


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def platform(
    tmp_path_factory: pytest.TempPathFactory, editors_nats: NatsProcess, test_pki: TestPki
) -> AsyncIterator[Platform]:
    folder: Path = tmp_path_factory.mktemp("editors-platform")
    async with running_platform(folder, editors_nats.url, test_pki, "sqlite") as running:
        yield running
