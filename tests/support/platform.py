"""The whole platform in the test's event loop: gateway (real mTLS), bee, sts, supervision on free ports,
talking through a real `nats-server`, each with its own real database."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from services.bee.app import create_app as create_bee
from services.bee.seed import bee_files
from services.bee.service import load_files
from services.bee.settings import BeeSettings
from services.common.db import transaction
from services.common.demo import DemoSchool
from services.common.imports import ImportSettings
from services.common.localnats import free_port
from services.common.pki import client_context
from services.common.pull.journal import Scope
from services.common.settings import DatabaseSettings, NatsSettings
from services.gateway.app import create_app as create_gateway
from services.gateway.server import uvicorn_config
from services.gateway.settings import GatewaySettings, TlsSettings
from services.sts.app import create_app as create_sts
from services.sts.service import load_sts_edt
from services.sts.settings import StsSettings
from services.supervision.app import create_app as create_supervision
from services.supervision.settings import ApiClientSettings, SupervisionSettings
from tests.support.databases import fresh_database
from tests.support.pki import TestPki
from tests.support.servers import serving

SUPERVISION_TOKEN = "harness-national-token"


@dataclass
class Platform:
    pki: TestPki
    gateway_url: str
    supervision_url: str
    bee_app: Any
    sts_app: Any = None
    nats_url: str = ""
    databases: dict[str, DatabaseSettings] = field(default_factory=dict)  # by service
    gateway_app: Any = None

    def ssl_context(self, client: str | None) -> ssl.SSLContext:
        if client is None:
            return client_context(ca_file=self.pki.root)
        files = self.pki.clients[client]
        return client_context(ca_file=self.pki.root, cert_file=files.cert, key_file=files.key)

    def editor(self, client: str | None) -> httpx.AsyncClient:
        """An editor's client: mTLS with the named certificate (None: no certificate)."""
        return httpx.AsyncClient(base_url=self.gateway_url, verify=self.ssl_context(client), timeout=20)

    def supervision(self) -> httpx.AsyncClient:
        """A national API client of supervision (bearer token configured by :func:`running_platform`)."""
        headers = {"Authorization": f"Bearer {SUPERVISION_TOKEN}"}
        return httpx.AsyncClient(base_url=self.supervision_url, timeout=20, headers=headers)

    async def load_school(self, school: DemoSchool) -> None:
        """Every BEE and STS file of ``school``, through the services' own write paths."""
        scope = Scope(school.uai, school.year)
        bee, sts = self.bee_app.state, self.sts_app.state
        async with transaction(bee.runtime.sessions) as session:
            await load_files(session, bee.journal, scope, bee_files(school))
        async with transaction(sts.runtime.sessions) as session:
            await load_sts_edt(session, sts.journal, scope, school.sts_edt)

    async def wait_for_sync(self, sync_id: str, state: str, within: float = 10.0) -> dict[str, Any]:
        """Supervision records asynchronously: poll its API until the sync reaches ``state``."""
        async with self.supervision() as client:
            deadline = asyncio.get_running_loop().time() + within
            while True:
                response = await client.get(f"/api/syncs/{sync_id}")
                if response.status_code == 200 and response.json()["state"] == state:
                    body: dict[str, Any] = response.json()
                    return body
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(
                        f"sync {sync_id} not {state}: {response.status_code} {response.text}"
                    )
                await asyncio.sleep(0.05)


@asynccontextmanager
async def running_platform(
    tmp_path: Path,
    nats_url: str,
    pki: TestPki,
    backend: str,
    *,
    sts_imports: ImportSettings | None = None,
    bee_imports: ImportSettings | None = None,
    sts_in_process: bool = True,
    supervision_in_process: bool = True,
) -> AsyncIterator[Platform]:
    """``sts_imports`` / ``bee_imports``: the services' push-flow settings (safety valve, test pauses).
    ``sts_in_process=False``: no STS app here (a test runs it as a process of its own, on
    ``Platform.databases["sts"]``, to kill it). ``supervision_in_process=False``: likewise for
    supervision, which the test then runs on ``Platform.supervision_url``'s port."""
    nats = NatsSettings(url=nats_url, request_timeout=10)
    async with AsyncExitStack() as stack:
        bee_db = await stack.enter_async_context(fresh_database(backend, tmp_path, "bee"))
        sts_db = await stack.enter_async_context(fresh_database(backend, tmp_path, "sts"))
        supervision_db = await stack.enter_async_context(fresh_database(backend, tmp_path, "supervision"))
        bee = create_bee(BeeSettings(nats=nats, database=bee_db, imports=bee_imports or ImportSettings()))
        supervision_port = free_port()
        sts = create_sts(StsSettings(nats=nats, database=sts_db, imports=sts_imports or ImportSettings()))
        apps = [
            bee,
            sts,
            create_supervision(
                SupervisionSettings(
                    nats=nats,
                    database=supervision_db,
                    api_clients=[ApiClientSettings.for_token("harness", SUPERVISION_TOKEN)],
                )
            ),
        ]
        ports = [free_port(), free_port(), supervision_port]
        if not supervision_in_process:
            del apps[2], ports[2]
        if not sts_in_process:
            del apps[1], ports[1]
        for app, port in zip(apps, ports, strict=True):
            config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
            await stack.enter_async_context(serving(config))
        gateway_settings = GatewaySettings(
            port=free_port(),
            nats=nats,
            tls=TlsSettings(
                certfile=pki.folder / "gateway.crt.pem",
                keyfile=pki.folder / "gateway.key.pem",
                client_ca_file=pki.chain,
            ),
        )
        gateway = create_gateway(gateway_settings)
        await stack.enter_async_context(serving(uvicorn_config(gateway, gateway_settings)))
        yield Platform(
            pki=pki,
            gateway_url=f"https://localhost:{gateway_settings.port}",
            supervision_url=f"http://127.0.0.1:{supervision_port}",
            bee_app=bee,
            sts_app=sts if sts_in_process else None,
            nats_url=nats_url,
            databases={"bee": bee_db, "sts": sts_db, "supervision": supervision_db},
            gateway_app=gateway,
        )
