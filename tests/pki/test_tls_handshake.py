"""Real TLS handshakes on 127.0.0.1 with the gateway's server context: who gets through, who does not.

These tests are the measurements behind the choice documented in services/common/pki/tls.py.
Certificates are issued at the real current time: OpenSSL checks dates against the wall clock.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from services.common.errors import AuthenticationFailed
from services.common.identity import identity_from_certificate
from services.common.pki import (
    CHAIN_FILE,
    ROOT_CERT_FILE,
    CertificateAuthority,
    ClientCertificates,
    IssuedCertificate,
    client_context,
    server_context,
)
from tests.pki.support import write_pair

REQUIRED, OPTIONAL = ClientCertificates.REQUIRED, ClientCertificates.OPTIONAL


@dataclass(frozen=True)
class Exchange:
    reply: bytes
    peer_certificates: list[bytes | None]
    """What the server application saw, one entry per connection that reached it."""


@pytest.fixture
def certs(tmp_path: Path, ca: CertificateAuthority, foreign_ca: CertificateAuthority) -> Path:
    ca.save(tmp_path)
    now = datetime.now(UTC)

    def bound(not_before: datetime | None = None, not_after: datetime | None = None) -> IssuedCertificate:
        return ca.issue_with_new_key(
            uai="0310053P",
            editor="index-education",
            product="edt",
            not_before=not_before,
            not_after=not_after,
        )

    day = timedelta(days=1)
    issued: dict[str, IssuedCertificate] = {
        "server": ca.issue_server_certificate(),
        "editor": bound(),
        "expired": bound(now - 60 * day, now - day),
        "future": bound(now + day, now + 60 * day),
        "foreign": foreign_ca.issue_with_new_key(uai="0310053P", editor="index-education", product="edt"),
        # Our CA, but serverAuth only: a stolen server certificate must not open the editors' API.
        "server-as-client": ca.issue_server_certificate(dns_names=["pirate.example"]),
    }
    for name, certificate in issued.items():
        write_pair(tmp_path, name, certificate)
    return tmp_path


def gateway(certs: Path, mode: ClientCertificates, *, dates_checked_by_app: bool = False) -> ssl.SSLContext:
    return server_context(
        cert_file=certs / "server.crt.pem",
        key_file=certs / "server.key.pem",
        client_ca_file=certs / CHAIN_FILE,
        client_certificates=mode,
        dates_checked_by_app=dates_checked_by_app,
    )


def editor(certs: Path, name: str | None) -> ssl.SSLContext:
    if name is None:
        return client_context(ca_file=certs / ROOT_CERT_FILE)
    return client_context(
        ca_file=certs / ROOT_CERT_FILE,
        cert_file=certs / f"{name}.crt.pem",
        key_file=certs / f"{name}.key.pem",
    )


async def exchange(server_ssl: ssl.SSLContext, client_ssl: ssl.SSLContext) -> Exchange:
    """Connect once; the server answers ``ok`` after recording the peer certificate it was given."""
    seen: list[bytes | None] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(writer.get_extra_info("ssl_object").getpeercert(binary_form=True))
        writer.write(b"ok\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_ssl)
    async with server, asyncio.timeout(10):
        port = server.sockets[0].getsockname()[1]
        reply = await _read_reply(port, client_ssl)
    return Exchange(reply, seen)


async def _read_reply(port: int, client_ssl: ssl.SSLContext) -> bytes:
    # With TLS 1.3 the client finishes its handshake before the server has judged its certificate:
    # a refusal shows up on the first read, as an alert or a closed connection.
    try:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, ssl=client_ssl, server_hostname="localhost"
        )
    except (ssl.SSLError, ConnectionError):
        return b""
    try:
        return await reader.readline()
    except (ssl.SSLError, ConnectionError):
        return b""
    finally:
        writer.close()


@pytest.mark.parametrize("mode", [REQUIRED, OPTIONAL])
async def test_editor_certificate_reaches_the_application(certs: Path, mode: ClientCertificates) -> None:
    result = await exchange(gateway(certs, mode), editor(certs, "editor"))

    assert result.reply == b"ok\n"
    [peer] = result.peer_certificates
    expected = x509.load_pem_x509_certificate((certs / "editor.crt.pem").read_bytes())
    assert peer == expected.public_bytes(Encoding.DER)
    assert identity_from_certificate(peer, now=datetime.now(UTC)).uai == "0310053P"


@pytest.mark.parametrize("dates_checked_by_app", [False, True])
@pytest.mark.parametrize("mode", [REQUIRED, OPTIONAL])
@pytest.mark.parametrize("name", ["foreign", "server-as-client"])
async def test_certificate_outside_our_trust_is_refused_by_tls(
    certs: Path, mode: ClientCertificates, name: str, dates_checked_by_app: bool
) -> None:
    result = await exchange(
        gateway(certs, mode, dates_checked_by_app=dates_checked_by_app), editor(certs, name)
    )

    assert result.reply == b""
    assert result.peer_certificates == []


async def test_without_certificate_optional_mode_lets_the_application_answer(certs: Path) -> None:
    result = await exchange(gateway(certs, OPTIONAL), editor(certs, None))

    assert result.reply == b"ok\n"
    assert result.peer_certificates == [None]
    with pytest.raises(AuthenticationFailed, match="certificat-absent"):
        identity_from_certificate(result.peer_certificates[0], now=datetime.now(UTC))


async def test_without_certificate_required_mode_refuses_the_handshake(certs: Path) -> None:
    result = await exchange(gateway(certs, REQUIRED), editor(certs, None))
    assert (result.reply, result.peer_certificates) == (b"", [])


@pytest.mark.parametrize("name", ["expired", "future"])
async def test_openssl_refuses_out_of_date_certificates_by_default(certs: Path, name: str) -> None:
    result = await exchange(gateway(certs, OPTIONAL), editor(certs, name))
    assert (result.reply, result.peer_certificates) == (b"", [])


@pytest.mark.parametrize(
    ("name", "code"), [("expired", "certificat-expire"), ("future", "certificat-pas-encore-valide")]
)
async def test_dates_checked_by_app_turns_out_of_date_into_a_clear_refusal(
    certs: Path, name: str, code: str
) -> None:
    result = await exchange(gateway(certs, OPTIONAL, dates_checked_by_app=True), editor(certs, name))

    assert result.reply == b"ok\n"
    with pytest.raises(AuthenticationFailed) as caught:
        identity_from_certificate(result.peer_certificates[0], now=datetime.now(UTC))
    assert caught.value.code == code
