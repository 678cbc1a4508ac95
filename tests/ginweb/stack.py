"""Start GIN-WEB, BEE and gateways in the test's event loop, and act as a head or an editor."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from services.bee.app import create_app as create_bee
from services.bee.seed import seed as seed_bee
from services.bee.settings import BeeSettings
from services.common.auth import create_account
from services.common.localnats import free_port
from services.common.pki import client_context
from services.common.settings import NatsSettings
from services.gateway.app import create_app as create_gateway
from services.gateway.server import uvicorn_config
from services.gateway.settings import GatewaySettings, RevocationSettings, TlsSettings
from services.ginweb import registry
from services.ginweb.app import create_app as create_ginweb
from services.ginweb.deps import HEAD_ROLE, unit_of_work
from services.ginweb.settings import CaSettings, GinwebSettings
from services.ginweb.state import GinwebState
from services.sts.app import create_app as create_sts
from services.sts.settings import StsSettings
from tests.support.databases import fresh_database
from tests.support.pki import EDITOR, SCHOOL_A, SCHOOL_B, TestPki
from tests.support.servers import serving

YEAR = 2026
PASSWORD = "Rentree-2026-ok"
HEADS = {SCHOOL_A: "chef.a", SCHOOL_B: "chef.b"}
OTHER_EDITOR = "editeur-retire"
# Narrower than the embedded default table on purpose: the gateway must apply GIN-WEB's registry.
PRODUCT_FLOWS = {
    "edt": ["emploi-du-temps", "nomenclatures"],
    "pronote": ["eleves", "nomenclatures", "responsables"],
}


@dataclass
class Stack:
    pki: TestPki
    nats: NatsSettings
    ginweb_url: str
    gateway_url: str
    ginweb_app: FastAPI
    exits: AsyncExitStack
    extra_gateways: list[str] = field(default_factory=list)

    @property
    def ginweb(self) -> GinwebState:
        state: GinwebState = self.ginweb_app.state.ginweb
        return state

    def nomenclatures_path(self, uai: str = SCHOOL_A) -> str:
        return f"/v1/etablissements/{uai}/annees/{YEAR}/nomenclatures"

    def editor(self, cert: Path, key: Path, url: str | None = None, **options: Any) -> httpx.AsyncClient:
        context = client_context(ca_file=self.pki.root, cert_file=cert, key_file=key)
        return httpx.AsyncClient(base_url=url or self.gateway_url, verify=context, timeout=10, **options)

    @asynccontextmanager
    async def head(self, uai: str = SCHOOL_A) -> AsyncIterator[httpx.AsyncClient]:
        """A browser-like client signed in as the head of ``uai``."""
        async with httpx.AsyncClient(base_url=self.ginweb_url, timeout=10) as client:
            await sign_in(client, HEADS[uai])
            yield client

    async def start_gateway(self, *, crl: bool = True) -> str:
        """Another gateway replica, started now (it must catch up on everything before it)."""
        return await _start_gateway(self.exits, self.nats, self.pki, self.ginweb_url if crl else None)


async def sign_in(client: httpx.AsyncClient, username: str) -> None:
    token = await csrf_of(client, "/connexion")
    response = await client.post(
        "/connexion", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303, response.text


async def csrf_of(client: httpx.AsyncClient, path: str) -> str:
    """The CSRF token in the page's forms."""
    page = (await client.get(path)).text
    marker = 'name="csrf_token" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


@asynccontextmanager
async def running_stack(
    tmp_path: Path, nats_url: str, pki: TestPki, backend: str, *, school_data: bool = True
) -> AsyncIterator[Stack]:
    """``school_data`` false: BEE answers for the schools without data (revocation tests only need
    the gateway's verdict, not a document)."""
    nats = NatsSettings(url=nats_url, request_timeout=10)
    async with AsyncExitStack() as exits:
        ginweb_db = await exits.enter_async_context(fresh_database(backend, tmp_path, "ginweb"))
        bee_db = await exits.enter_async_context(fresh_database(backend, tmp_path, "bee"))
        sts_db = await exits.enter_async_context(fresh_database(backend, tmp_path, "sts"))
        settings = GinwebSettings(
            port=free_port(), nats=nats, database=ginweb_db, ca=CaSettings(folder=pki.folder),
            maintenance_interval_seconds=3600,
        )  # fmt: skip
        ginweb = create_ginweb(settings)
        await exits.enter_async_context(serving(_config(ginweb, settings.port)))
        await seed(ginweb.state.ginweb)
        await _start_bee(exits, BeeSettings(nats=nats, database=bee_db), school_data)
        sts = create_sts(StsSettings(nats=nats, database=sts_db))
        await exits.enter_async_context(serving(_config(sts, free_port())))
        ginweb_url = f"http://127.0.0.1:{settings.port}"
        gateway_url = await _start_gateway(exits, nats, pki, ginweb_url)
        yield Stack(pki, nats, ginweb_url, gateway_url, ginweb, exits)


async def seed(state: GinwebState) -> None:
    """The test PKI's editor with EDT and Pronote, another editor, and one head per school."""
    async with unit_of_work(state) as db:
        await registry.add_editor(db, EDITOR, "Index Éducation", actor="test")
        for product, flows in PRODUCT_FLOWS.items():
            await registry.add_product(db, EDITOR, product, product.upper(), flows, actor="test")
        await registry.add_editor(db, OTHER_EDITOR, "Éditeur retiré", actor="test")
        await registry.add_product(db, OTHER_EDITOR, "vie-scolaire", "Vie scolaire", ["eleves"], actor="test")
        for uai, username in HEADS.items():
            await create_account(db, username=username, role=HEAD_ROLE, scopes=[uai], password=PASSWORD)


async def _start_bee(exits: AsyncExitStack, settings: BeeSettings, school_data: bool) -> None:
    if school_data:
        # BEE's own demo loader (the one `make run` uses) gives schools A and B their nomenclatures.
        await seed_bee(settings, YEAR)
    bee = create_bee(settings)
    await exits.enter_async_context(serving(_config(bee, free_port())))


async def _start_gateway(
    exits: AsyncExitStack, nats: NatsSettings, pki: TestPki, ginweb_url: str | None
) -> str:
    settings = GatewaySettings(
        port=free_port(),
        nats=nats,
        tls=TlsSettings(
            certfile=pki.folder / "gateway.crt.pem", keyfile=pki.folder / "gateway.key.pem",
            client_ca_file=pki.chain,
        ),
        revocation=RevocationSettings(crl_url=f"{ginweb_url}/crl" if ginweb_url else None),
    )  # fmt: skip
    gateway = create_gateway(settings)
    await exits.enter_async_context(serving(uvicorn_config(gateway, settings)))
    return f"https://localhost:{settings.port}"


def _config(app: FastAPI, port: int) -> uvicorn.Config:
    return uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")


def tls_error_types() -> tuple[type[BaseException], ...]:
    return (httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError, ssl.SSLError)
