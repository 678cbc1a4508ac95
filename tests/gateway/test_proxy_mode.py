"""The gateway behind a real nginx that terminates TLS and forwards the editor's certificate in a header:
the header is believed only from the proxy, and the same identity and revocation checks apply.

Both ways the proxy proves itself run every test: a shared secret header, and mTLS to the gateway."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from fastapi import FastAPI
from pydantic import SecretStr, ValidationError

from services.common.localnats import NatsProcess, free_port
from services.common.pki import CertificateAuthority, client_context, private_key_pem
from services.common.settings import NatsSettings
from services.gateway.app import create_app
from services.gateway.server import uvicorn_config
from services.gateway.settings import GatewaySettings, ProxySettings, TlsSettings
from tests.support.nginx import PROXY_ADDRESS, EdgeTls, ProxyProof, running_nginx
from tests.support.pki import SCHOOL_A, SCHOOL_B, TestPki
from tests.support.servers import serving

SECRET = "proxy-secret-for-tests"


@dataclass
class Proxied:
    pki: TestPki
    edge_url: str  # nginx, where editors connect
    gateway_port: int
    gateway: FastAPI
    proof: str

    def editor(self, client: str | None) -> httpx.AsyncClient:
        files = self.pki.clients.get(client or "")
        context = client_context(
            ca_file=self.pki.root,
            cert_file=files.cert if files else None,
            key_file=files.key if files else None,
        )
        return httpx.AsyncClient(base_url=self.edge_url, verify=context, timeout=10)

    def bypassing(self, source: str) -> httpx.AsyncClient:
        """A client that reaches the gateway's port directly, from ``source``."""
        transport = httpx.AsyncHTTPTransport(local_address=source, verify=self._direct_context())
        scheme = "https" if self.proof == "mtls" else "http"
        return httpx.AsyncClient(
            base_url=f"{scheme}://localhost:{self.gateway_port}", transport=transport, timeout=10
        )

    def _direct_context(self) -> ssl.SSLContext:
        return client_context(ca_file=self.pki.root)


def proxy_client_ca(folder: Path) -> tuple[Path, Path, Path]:
    """The proxy's own CA and client certificate (for mTLS from nginx to the gateway)."""
    ca = CertificateAuthority.generate(name="NetSynchro Proxy Test")
    ca.save(folder)
    issued = ca.issue_with_new_key(uai=SCHOOL_A, editor="ingress", product="nginx")
    cert, key = folder / "proxy.crt.pem", folder / "proxy.key.pem"
    cert.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in (issued.certificate, *issued.chain[:1])))
    key.write_bytes(private_key_pem(issued.key))
    return cert, key, folder / "ca-chain.pem"


def gateway_settings(pki: TestPki, nats_url: str, proxy: ProxySettings) -> GatewaySettings:
    return GatewaySettings(
        port=free_port(),
        nats=NatsSettings(url=nats_url),
        tls=TlsSettings(
            certfile=pki.folder / "gateway.crt.pem",
            keyfile=pki.folder / "gateway.key.pem",
            client_ca_file=pki.chain,
        ),
        mode="proxy",
        proxy=proxy,
    )


def proof_for(kind: str, folder: Path, pki: TestPki) -> tuple[ProxySettings, ProxyProof]:
    peers = [ip_network(f"{PROXY_ADDRESS}/32")]
    if kind == "secret":
        return ProxySettings(trusted_peers=peers, shared_secret=SecretStr(SECRET)), ProxyProof(SECRET)
    cert, key, chain = proxy_client_ca(folder)
    return (
        ProxySettings(trusted_peers=peers, client_ca_file=chain),
        ProxyProof(client_cert=cert, client_key=key, gateway_ca=pki.root),
    )


@pytest.fixture(params=["secret", "mtls"])
async def proxied(
    request: pytest.FixtureRequest, tmp_path: Path, nats_server: NatsProcess, test_pki: TestPki
) -> AsyncIterator[Proxied]:
    proxy, proof = proof_for(request.param, tmp_path / "proxy-ca", test_pki)
    settings = gateway_settings(test_pki, nats_server.url, proxy)
    gateway = create_app(settings)
    edge = EdgeTls(test_pki.folder / "gateway.crt.pem", test_pki.folder / "gateway.key.pem", test_pki.chain)
    async with serving(uvicorn_config(gateway, settings)):
        with running_nginx(tmp_path / "nginx", edge, settings.port, proof) as port:
            yield Proxied(test_pki, f"https://localhost:{port}", settings.port, gateway, request.param)


def escaped_pem(pki: TestPki, client: str) -> str:
    return quote(pki.clients[client].certificate.public_bytes(Encoding.PEM).decode())


async def test_valid_client_through_the_proxy_is_identified_by_its_certificate(proxied: Proxied) -> None:
    async with proxied.editor("school-a-edt") as client:
        response = await client.get("/v1/moi")
    assert response.status_code == 200, response.text
    assert (response.json()["uai"], response.json()["produit"]) == (SCHOOL_A, "edt")
    # TLS ended at the proxy: the gateway still says "https only" to the client.
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


async def test_certificate_header_sent_by_the_client_is_not_believed(proxied: Proxied) -> None:
    forged = {"ssl-client-cert": escaped_pem(proxied.pki, "school-b-pronote"), "ssl-client-verify": "SUCCESS"}
    async with proxied.editor("school-a-edt") as client:
        with_certificate = await client.get("/v1/moi", headers=forged)
    async with proxied.editor(None) as client:
        without_certificate = await client.get("/v1/moi", headers=forged)

    assert with_certificate.json()["uai"] == SCHOOL_A  # nginx replaced the header with the real one
    assert without_certificate.status_code == 401
    assert without_certificate.json()["code"] == "certificat-absent"
    assert SCHOOL_B not in without_certificate.text


async def test_request_bypassing_the_proxy_is_refused(proxied: Proxied) -> None:
    forged = {
        "ssl-client-cert": escaped_pem(proxied.pki, "school-a-edt"),
        "ssl-client-verify": "SUCCESS",
        "x-netsynchro-proxy-secret": SECRET if proxied.proof == "secret" else "",
    }
    if proxied.proof == "mtls":
        # The listener asks for a certificate without requiring one (for the kubelet's probes): a
        # client without the proxy's certificate gets through TLS and is refused by the app.
        async with proxied.bypassing(PROXY_ADDRESS) as client:
            response = await client.get("/v1/moi", headers=forged)
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "mandataire-non-reconnu"
        return
    async with proxied.bypassing("127.0.0.1") as client:  # knows the secret, wrong address
        wrong_peer = await client.get("/v1/moi", headers=forged)
    async with proxied.bypassing(PROXY_ADDRESS) as client:  # right address, no secret
        no_secret = await client.get("/v1/moi", headers={**forged, "x-netsynchro-proxy-secret": "guess"})
    for response in (wrong_peer, no_secret):
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "mandataire-non-reconnu"


async def test_probes_reach_the_gateway_without_the_proxy(proxied: Proxied) -> None:
    async with proxied.bypassing("127.0.0.1") as client:  # as the kubelet does: no certificate
        assert (await client.get("/readyz")).status_code == 200
        assert (await client.get("/healthz")).status_code == 200


async def test_a_revoked_certificate_is_refused_behind_the_proxy_too(proxied: Proxied) -> None:
    proxied.gateway.state.gateway.trust.revoke(
        proxied.pki.clients["school-a-pronote"].certificate.serial_number
    )
    async with proxied.editor("school-a-pronote") as client:
        response = await client.get("/v1/moi")
    assert response.status_code == 401
    assert response.json()["code"] == "certificat-revoque"


async def test_certificates_of_a_foreign_authority_stop_at_the_proxy(proxied: Proxied) -> None:
    async with proxied.editor("foreign") as client:
        response = await client.get("/v1/moi")
    assert response.status_code == 400  # nginx's own refusal: the request never reached the gateway


def test_proxy_mode_refuses_to_start_without_a_proof_of_the_proxy() -> None:
    with pytest.raises(ValidationError, match="proxy mode needs"):
        GatewaySettings(mode="proxy", proxy=ProxySettings(trusted_peers=[ip_network("10.0.0.0/8")]))
    with pytest.raises(ValidationError, match="proxy mode needs"):
        GatewaySettings(mode="proxy", proxy=ProxySettings(shared_secret=SecretStr(SECRET)))
