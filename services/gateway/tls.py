"""mTLS termination inside uvicorn, with the verified client certificate handed to the app.

uvicorn (pinned in pyproject.toml) does not pass the peer certificate to ASGI apps. This protocol
subclass does the TLS handshake itself with ``loop.start_tls`` on a plain connection, then:

- on success, fills ``scope["extensions"]["tls"]`` (the ASGI TLS extension) with the client certificate
  for every request on that connection, so the app re-checks identity and revocation per request even
  on a kept-alive connection;
- on failure (a certificate from a foreign CA, a broken chain), reports the refusal through a callback,
  so that it becomes a sync event instead of vanishing in asyncio's debug log.

The server context asks for a certificate without requiring one, so "no certificate" reaches the app and
gets a clear problem+json; and it skips OpenSSL's validity-date check, because the app checks dates
itself to answer ``certificat-expire`` instead of an opaque TLS alert. Chain verification stays in OpenSSL.
``tests/gateway/test_tls_extension.py`` fails if the certificate stops reaching the app.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from services.common.pki import ClientCertificates, server_context
from services.gateway.settings import TlsSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HandshakeFailure:
    peer: tuple[str, int] | None
    verify_code: int | None
    reason: str


HandshakeFailureReporter = Callable[[HandshakeFailure], None]


def server_ssl_context(settings: TlsSettings) -> ssl.SSLContext:
    return server_context(
        cert_file=settings.certfile,
        key_file=settings.keyfile,
        client_ca_file=settings.client_ca_file,
        client_certificates=ClientCertificates.OPTIONAL,
        dates_checked_by_app=True,
    )


class MtlsHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol behind our own TLS handshake. Configure with :func:`configure`."""

    ssl_context: ssl.SSLContext | None = None
    handshake_timeout: float = 10.0
    on_handshake_failure: HandshakeFailureReporter | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tls_extension: dict[str, Any] = {}
        self._upgrade: asyncio.Task[None] | None = None
        # The TLS layer may hand us the first request before start_tls() has returned to us:
        # hold it until uvicorn's connection_made has set up flow control.
        self._early_data: list[bytes] | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        if self.ssl_context is None:
            super().connection_made(transport)
            return
        transport.pause_reading()  # the ClientHello is for the TLS layer, not for the HTTP parser
        self._early_data = []
        self._upgrade = self.loop.create_task(self._handshake(transport))

    async def _handshake(self, transport: asyncio.Transport) -> None:
        assert self.ssl_context is not None
        peer = transport.get_extra_info("peername")
        try:
            tls_transport = await self.loop.start_tls(
                transport,
                self,
                self.ssl_context,
                server_side=True,
                ssl_handshake_timeout=self.handshake_timeout,
            )
        except ssl.SSLCertVerificationError as error:
            self._report_failure(peer, error)
            transport.close()
            return
        except (ssl.SSLError, ConnectionError, TimeoutError) as error:
            # Not a certificate refusal: a port probe, a plain-HTTP client, a peer that went away.
            log.debug("TLS handshake failed from %s: %s", peer, error)
            transport.close()
            return
        if tls_transport is None:  # the peer went away during the handshake
            return
        self._tls_extension = _tls_extension(tls_transport)
        super().connection_made(tls_transport)
        early, self._early_data = self._early_data or [], None
        for data in early:
            super().data_received(data)

    def data_received(self, data: bytes) -> None:
        if self._early_data is not None:
            self._early_data.append(data)
            return
        super().data_received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._early_data is not None:
            return  # lost during the handshake: uvicorn never saw this connection
        super().connection_lost(exc)

    def _report_failure(self, peer: Any, error: BaseException) -> None:
        failure = HandshakeFailure(
            peer=tuple(peer[:2]) if peer else None,
            verify_code=getattr(error, "verify_code", None),
            reason=getattr(error, "verify_message", None) or getattr(error, "reason", None) or str(error),
        )
        log.info("TLS handshake refused from %s: %s", failure.peer, failure.reason)
        if self.on_handshake_failure is not None:
            self.on_handshake_failure(failure)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope["extensions"] = {"tls": self._tls_extension}  # type: ignore[dict-item]


def _tls_extension(transport: asyncio.BaseTransport) -> dict[str, Any]:
    """The ASGI TLS extension: ``client_cert_chain`` holds the verified leaf as PEM (empty if none)."""
    ssl_object: ssl.SSLObject | None = transport.get_extra_info("ssl_object")
    if ssl_object is None:
        return {}
    der = ssl_object.getpeercert(binary_form=True)
    cipher = ssl_object.cipher()
    return {
        "server_cert": None,
        "client_cert_chain": [ssl.DER_cert_to_PEM_cert(der)] if der else [],
        "client_cert_der": der,  # non-standard shortcut: saves a PEM round trip per request
        "client_cert_name": None,
        "client_cert_error": None,
        "tls_version": ssl_object.version(),
        "cipher_suite": cipher[0] if cipher else None,
    }


def configure(
    settings: TlsSettings, on_handshake_failure: HandshakeFailureReporter | None = None
) -> type[MtlsHttpProtocol]:
    """A protocol class bound to this gateway's TLS settings (uvicorn instantiates it per connection)."""
    return type(
        "ConfiguredMtlsHttpProtocol",
        (MtlsHttpProtocol,),
        {
            "ssl_context": server_ssl_context(settings),
            "handshake_timeout": settings.handshake_timeout,
            "on_handshake_failure": staticmethod(on_handshake_failure) if on_handshake_failure else None,
        },
    )
