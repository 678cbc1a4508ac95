"""The platform on a 3-node NATS JetStream cluster on loopback: several replicas of each worker, each
with its own NATS connection (to a different seed node), its own engine and pool, its own uvicorn server;
replicas of a service share that service's database, migrated first as the Kubernetes init container
does. Streams are created with 3 replicas.

The harness is flow-agnostic: a test drives editors through the gateway, kills and restarts nodes with
:class:`~services.common.localnats.NatsCluster`, and checks what supervision recorded. The push flows
(imports) will plug in the same way: their workers are more replicas here, and their checks (applied once,
per-school order) read the workers' databases, reachable through :attr:`ClusterPlatform.runtimes`.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import nats
import uvicorn
from fastapi import FastAPI

from services.bee.app import create_app as create_bee
from services.bee.settings import BeeSettings
from services.common import migrate
from services.common.localnats import NatsCluster, free_port
from services.common.pki import client_context
from services.common.settings import DatabaseSettings, NatsSettings
from services.gateway.app import create_app as create_gateway
from services.gateway.server import uvicorn_config
from services.gateway.settings import GatewaySettings, TlsSettings
from services.sts.app import create_app as create_sts
from services.sts.settings import StsSettings
from services.supervision.app import create_app as create_supervision
from services.supervision.settings import ApiClientSettings, SupervisionSettings
from tests.support.databases import fresh_database
from tests.support.pki import TestPki
from tests.support.servers import serving

SUPERVISION_TOKEN = "cluster-national-token"


@dataclass
class ClusterPlatform:
    cluster: NatsCluster
    pki: TestPki
    gateway_url: str
    supervision_urls: list[str]
    apps: dict[str, list[FastAPI]] = field(default_factory=dict)

    def editor(self, client: str) -> httpx.AsyncClient:
        files = self.pki.clients[client]
        context: ssl.SSLContext = client_context(
            ca_file=self.pki.root, cert_file=files.cert, key_file=files.key
        )
        return httpx.AsyncClient(base_url=self.gateway_url, verify=context, timeout=30)

    def supervision(self, replica: int = 0) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {SUPERVISION_TOKEN}"}
        return httpx.AsyncClient(base_url=self.supervision_urls[replica], timeout=20, headers=headers)

    def runtimes(self, service: str) -> list[Any]:
        """Each replica's runtime (engine, sessions, bus) once its lifespan has started."""
        return [app.state.runtime for app in self.apps[service]]

    async def stream_leader(self, stream: str) -> str:
        """The name of the node leading ``stream`` (asked of any node still up)."""
        living = [node.url for node in self.cluster.nodes if node.process and node.process.poll() is None]
        connection = await nats.connect(servers=living, connect_timeout=5, allow_reconnect=False)
        try:
            info = await connection.jetstream(timeout=10).stream_info(stream)
            if info.cluster is None or info.cluster.leader is None:
                raise RuntimeError(f"{stream} has no leader")
            return info.cluster.leader
        finally:
            await connection.close()


def nats_for(cluster: NatsCluster, replica: int) -> NatsSettings:
    """Replica i seeds its connection with node i: killing a node cuts some replicas' connections."""
    url = cluster.urls[replica % len(cluster.urls)]
    return NatsSettings(url=url, replicas=len(cluster.urls), request_timeout=15)


@asynccontextmanager
async def migrated_database(backend: str, tmp_path: Path, service: str) -> AsyncIterator[DatabaseSettings]:
    async with fresh_database(backend, tmp_path, service) as database:
        await migrate.upgrade(service, database)  # the Kubernetes init container's step
        yield database


@asynccontextmanager
async def running_cluster_platform(
    tmp_path: Path, cluster: NatsCluster, pki: TestPki, backend: str, *, replicas: int = 2
) -> AsyncIterator[ClusterPlatform]:
    async with AsyncExitStack() as stack:
        databases = {
            service: await stack.enter_async_context(migrated_database(backend, tmp_path, service))
            for service in ("bee", "sts", "supervision")
        }
        factories: dict[str, Callable[[int], FastAPI]] = {
            "bee": lambda i: create_bee(BeeSettings(nats=nats_for(cluster, i), database=databases["bee"])),
            "sts": lambda i: create_sts(StsSettings(nats=nats_for(cluster, i), database=databases["sts"])),
            "supervision": lambda i: create_supervision(
                SupervisionSettings(
                    nats=nats_for(cluster, i),
                    database=databases["supervision"],
                    api_clients=[ApiClientSettings.for_token("cluster", SUPERVISION_TOKEN)],
                )
            ),
        }
        platform = ClusterPlatform(cluster, pki, gateway_url="", supervision_urls=[])
        for service, factory in factories.items():
            platform.apps[service] = [factory(i) for i in range(replicas)]
            for app in platform.apps[service]:
                port = free_port()
                config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
                await stack.enter_async_context(serving(config))
                if service == "supervision":
                    platform.supervision_urls.append(f"http://127.0.0.1:{port}")
        platform.gateway_url = await _start_gateway(stack, cluster, pki)
        yield platform


async def _start_gateway(stack: AsyncExitStack, cluster: NatsCluster, pki: TestPki) -> str:
    settings = GatewaySettings(
        port=free_port(),
        nats=nats_for(cluster, 2),
        tls=TlsSettings(
            certfile=pki.folder / "gateway.crt.pem",
            keyfile=pki.folder / "gateway.key.pem",
            client_ca_file=pki.chain,
        ),
    )
    await stack.enter_async_context(serving(uvicorn_config(create_gateway(settings), settings)))
    return f"https://localhost:{settings.port}"


async def eventually(check: Callable[[], Any], *, within: float, every: float = 0.2) -> Any:
    """Poll an async ``check`` until it returns a truthy value; its last value otherwise."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(every)
