"""Every service of the platform, running for real (SQLite is enough: these tests are about HTTP)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI

from services.bee.app import create_app as create_bee
from services.bee.settings import BeeSettings
from services.common.localnats import NatsProcess
from services.gateway.app import create_app as create_gateway
from services.gateway.settings import GatewaySettings, TlsSettings
from services.sts.app import create_app as create_sts
from services.sts.settings import StsSettings
from tests.ginweb.stack import Stack, running_stack
from tests.supervision.support import (
    RunningSupervision,
    create_supervisors,
    running_supervision,
    supervision_settings,
)
from tests.support.databases import fresh_database
from tests.support.pki import TestPki


@dataclass
class Platform:
    stack: Stack  # GIN-WEB, BEE, STS and a gateway on real TLS
    supervision: RunningSupervision
    bee: FastAPI  # BEE and STS serve no page and no API of their own: their apps, unstarted, are enough
    sts: FastAPI
    gateway_routes: FastAPI  # an unstarted gateway app: the same routes as the running one


@pytest.fixture
async def platform(tmp_path: Path, fresh_nats: NatsProcess, test_pki: TestPki) -> AsyncIterator[Platform]:
    async with AsyncExitStack() as stack:
        running = await stack.enter_async_context(
            running_stack(tmp_path, fresh_nats.url, test_pki, "sqlite", school_data=False)
        )
        database = await stack.enter_async_context(fresh_database("sqlite", tmp_path, "supervision"))
        supervision = await stack.enter_async_context(
            running_supervision(supervision_settings(database, fresh_nats.url))
        )
        await create_supervisors(database)
        tls = TlsSettings(
            certfile=test_pki.folder / "gateway.crt.pem",
            keyfile=test_pki.folder / "gateway.key.pem",
            client_ca_file=test_pki.chain,
        )
        yield Platform(
            running,
            supervision,
            create_bee(BeeSettings()),
            create_sts(StsSettings()),
            create_gateway(GatewaySettings(tls=tls)),
        )
