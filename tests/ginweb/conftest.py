"""GIN-WEB with its registry seeded, a gateway following it, and BEE serving school A, all real: a
nats-server of the test's own, real databases, real TLS."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.common.localnats import NatsProcess
from tests.ginweb.stack import Stack, running_stack
from tests.support.pki import TestPki


@pytest.fixture
async def stack(
    tmp_path: Path, fresh_nats: NatsProcess, test_pki: TestPki, db_backend: str
) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path, fresh_nats.url, test_pki, db_backend, school_data=False) as running:
        yield running


@pytest.fixture
async def stack_with_data(
    tmp_path: Path, fresh_nats: NatsProcess, test_pki: TestPki, db_backend: str
) -> AsyncIterator[Stack]:
    """The same, with BEE's demo schools loaded (a few seconds): for tests that need a real export."""
    async with running_stack(tmp_path, fresh_nats.url, test_pki, db_backend, school_data=True) as running:
        yield running
