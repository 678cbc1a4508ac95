"""Guard for the uvicorn subclass: the verified client certificate must reach the app on every request.

uvicorn is pinned because `MtlsHttpProtocol` subclasses its httptools protocol; if an upgrade changes
what the subclass relies on, these tests fail instead of the gateway silently seeing no certificate.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import Coroutine
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from cryptography import x509

from services.common.localnats import free_port
from services.common.pki import client_context
from services.gateway.settings import TlsSettings
from services.gateway.tls import HandshakeFailure, configure
from tests.support.pki import TestPki
from tests.support.servers import serving


def test_uvicorn_is_the_pinned_version() -> None:
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert f'"uvicorn=={version("uvicorn")}"' in pyproject


class CertificateEcho:
    """A bare ASGI app answering with the serial of the certificate found in the TLS extension."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        tls = scope.get("extensions", {}).get("tls", {})
        pem = (tls.get("client_cert_chain") or [""])[0]
        serial = str(x509.load_pem_x509_certificate(pem.encode()).serial_number) if pem else "none"
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
        )
        await send({"type": "http.response.body", "body": serial.encode()})


def tls_settings(pki: TestPki) -> TlsSettings:
    return TlsSettings(
        certfile=pki.folder / "gateway.crt.pem",
        keyfile=pki.folder / "gateway.key.pem",
        client_ca_file=pki.chain,
    )


async def test_client_certificate_reaches_the_app_on_every_request_of_a_connection(test_pki: TestPki) -> None:
    port = free_port()
    protocol = configure(tls_settings(test_pki))
    config = uvicorn.Config(CertificateEcho(), host="127.0.0.1", port=port, http=protocol, log_config=None)
    client = test_pki.clients["school-a-edt"]
    context = client_context(ca_file=test_pki.root, cert_file=client.cert, key_file=client.key)
    async with serving(config), httpx.AsyncClient(verify=context) as http:
        answers = [(await http.get(f"https://localhost:{port}/")).text for _ in range(3)]
    assert answers == [str(client.certificate.serial_number)] * 3


async def test_connection_without_certificate_reaches_the_app_with_none(test_pki: TestPki) -> None:
    port = free_port()
    config = uvicorn.Config(
        CertificateEcho(),
        host="127.0.0.1",
        port=port,
        http=configure(tls_settings(test_pki)),
        log_config=None,
    )
    async with serving(config), httpx.AsyncClient(verify=client_context(ca_file=test_pki.root)) as http:
        assert (await http.get(f"https://localhost:{port}/")).text == "none"


async def test_foreign_certificate_never_reaches_the_app_and_is_reported(test_pki: TestPki) -> None:
    port = free_port()
    failures: list[HandshakeFailure] = []
    protocol = configure(tls_settings(test_pki), failures.append)
    config = uvicorn.Config(CertificateEcho(), host="127.0.0.1", port=port, http=protocol, log_config=None)
    foreign = test_pki.clients["foreign"]
    context = client_context(ca_file=test_pki.root, cert_file=foreign.cert, key_file=foreign.key)
    async with serving(config), httpx.AsyncClient(verify=context) as http:
        try:
            response = await http.get(f"https://localhost:{port}/")
        except httpx.HTTPError:
            response = None
    assert response is None
    assert len(failures) == 1
    assert failures[0].verify_code == 20  # unable to get local issuer certificate


def _request_right_after_handshake(port: int, context: ssl.SSLContext) -> bytes:
    """Blocking client sending its request in the same flight as the end of the TLS 1.3 handshake."""
    with (
        socket.create_connection(("127.0.0.1", port)) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        tls.settimeout(5)  # a server that lost the request must fail the test, not hang it
        tls.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := tls.recv(65536):
            answer += chunk
        return answer


async def test_request_arriving_with_the_handshake_is_served(test_pki: TestPki) -> None:
    port = free_port()
    config = uvicorn.Config(
        CertificateEcho(),
        host="127.0.0.1",
        port=port,
        http=configure(tls_settings(test_pki)),
        log_config=None,
    )
    client = test_pki.clients["school-a-edt"]
    context = client_context(ca_file=test_pki.root, cert_file=client.cert, key_file=client.key)
    async with serving(config):
        answers = [
            await _with_busy_loop(asyncio.to_thread(_request_right_after_handshake, port, context))
            for _ in range(5)
        ]
    assert all(answer.startswith(b"HTTP/1.1 200") for answer in answers), answers


async def _with_busy_loop(client: Coroutine[Any, Any, bytes]) -> bytes:
    """Keep the server's loop busy in short bursts, so the end of the handshake and the request are
    read together, as happens on a loaded gateway."""
    task = asyncio.ensure_future(client)
    while not task.done():
        time.sleep(0.005)  # noqa: ASYNC251 - blocking on purpose
        await asyncio.sleep(0)
    return await task
