"""The gateway's verdict for every (certificate state, target school, product, flow) of a certificate of
school A, over real mTLS against a gateway that follows a real GIN-WEB.

The expected verdict is written as the rules read (first failing rule wins): the certificate's
dates, then revocation and accreditation, then the school in the URL, then the flows GIN-WEB's registry
allows the product (deliberately narrower than the embedded default table). "passes" means the gateway
let the request through to the owning service, whatever that service then answered.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from services.common.auth import utc_now
from services.common.localnats import NatsProcess
from services.common.pki import CertificateAuthority
from services.gateway.flows import EXPORTS
from services.ginweb import certificates, registry
from services.ginweb.deps import unit_of_work
from services.ginweb.models import IssuanceMethod
from tests.ginweb.stack import PRODUCT_FLOWS, YEAR, Stack, running_stack
from tests.support.pki import EDITOR, SCHOOL_A, SCHOOL_B, ClientFiles, TestPki

STATES = ("valide", "expire", "pas-encore-valide", "revoque", "autorite-etrangere", "editeur-retire")
PASSES, HANDSHAKE = "passe", "refus-tls"
GATEWAY_CODES = {
    "expire": "certificat-expire",
    "pas-encore-valide": "certificat-pas-encore-valide",
    "revoque": "certificat-revoque",
    "editeur-retire": "editeur-non-habilite",
}


def expected(state: str, target: str, product: str, flow: str) -> str:
    if state == "autorite-etrangere":
        return HANDSHAKE
    if state in GATEWAY_CODES:
        return GATEWAY_CODES[state]
    if target != SCHOOL_A:
        return "etablissement-non-autorise"
    if flow not in PRODUCT_FLOWS[product]:
        return "flux-non-autorise"
    return PASSES


@pytest.fixture
async def stack(tmp_path: Path, fresh_nats: NatsProcess, test_pki: TestPki) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path, fresh_nats.url, test_pki, "sqlite", school_data=False) as running:
        yield running


async def certificate_in_state(stack: Stack, state: str, product: str) -> ClientFiles:
    now = datetime.now(UTC)
    name = f"matrice-{state}-{product}"
    if state == "autorite-etrangere":
        foreign = CertificateAuthority.generate(name="Autre Autorite")
        return stack.pki.write_client(
            name, foreign.issue_with_new_key(uai=SCHOOL_A, editor=EDITOR, product=product)
        )
    start, end = {
        "expire": (now - timedelta(days=400), now - timedelta(days=1)),
        "pas-encore-valide": (now + timedelta(days=1), now + timedelta(days=30)),
    }.get(state, (None, None))
    issued = stack.pki.ca.issue_with_new_key(
        uai=SCHOOL_A, editor=EDITOR, product=product, not_before=start, not_after=end
    )
    files = stack.pki.write_client(name, issued)
    async with unit_of_work(stack.ginweb) as db:
        head = certificates.Head("operateur", SCHOOL_A)
        record = await certificates.register(
            db, stack.ginweb.ca, issued.certificate, IssuanceMethod.OPERATOR, head, utc_now()
        )
        if state == "revoque":
            await certificates.revoke(db, record, "keyCompromise", actor="chef.a", now=utc_now())
    return files


async def verdict(stack: Stack, client: ClientFiles, target: str, flow: str) -> str:
    try:
        async with stack.editor(client.cert, client.key) as editor:
            response = await editor.get(f"/v1/etablissements/{target}/annees/{YEAR}/{flow}")
    except (httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError, ssl.SSLError):
        return HANDSHAKE
    if response.status_code in (401, 403):
        code: str = response.json()["code"]
        return code
    return PASSES


async def settled(stack: Stack, client: ClientFiles, want: str) -> None:
    """Revocations and withdrawals reach the gateway asynchronously (in milliseconds, measured in
    test_revocation.py); the matrix is about verdicts, so wait for the change to land first."""
    for _ in range(200):
        if await verdict(stack, client, SCHOOL_A, "nomenclatures") == want:
            return
        await asyncio.sleep(0.01)


@pytest.mark.parametrize("state", STATES)
async def test_every_combination_gets_the_right_verdict(stack: Stack, state: str) -> None:
    clients = {product: await certificate_in_state(stack, state, product) for product in PRODUCT_FLOWS}
    if state == "editeur-retire":
        async with unit_of_work(stack.ginweb) as db:
            await registry.set_accreditation(db, EDITOR, active=False, actor="operateur")
    await settled(stack, clients["edt"], expected(state, SCHOOL_A, "edt", "nomenclatures"))

    wrong = []
    for product, client in clients.items():
        for target in (SCHOOL_A, SCHOOL_B):
            for flow in (flow.name for flow in EXPORTS):
                want = expected(state, target, product, flow)
                got = await verdict(stack, client, target, flow)
                if got != want:
                    wrong.append(f"{product} → {target}/{flow}: {got}, attendu {want}")

    assert not wrong, "\n".join(wrong)
