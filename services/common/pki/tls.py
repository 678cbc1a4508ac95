"""``ssl.SSLContext`` factories for the gateway (server) and for editors and tests (client).

How the gateway verifies an editor certificate, measured with real handshakes in
``tests/pki/test_tls_handshake.py`` (OpenSSL 3.0, Python 3.11):

- A certificate from a foreign CA, or one of ours without the clientAuth usage, is always refused by the
  TLS layer, whether client certificates are required or optional: OpenSSL aborts the handshake as soon
  as a presented certificate fails to verify (a server checks client certificates for the TLS-client
  purpose).
- With ``ClientCertificates.OPTIONAL`` a client that presents no certificate completes the handshake and
  the application sees no peer certificate; the gateway then answers a problem+json 401
  ``certificat-absent`` instead of a bare TLS alert the editor's software cannot explain.
- An expired (or not yet valid) certificate is also refused in the handshake; the editor's software
  sees a TLS alert or a reset connection, not a reason it can show to the school. Hence
  ``dates_checked_by_app``: it sets OpenSSL's ``X509_V_FLAG_NO_CHECK_TIME`` so the TLS layer still checks
  the chain, signatures and key usages but leaves dates to
  :func:`services.common.identity.identity_from_certificate`, which the gateway runs on every request
  anyway (next to the revocation check) and which answers ``certificat-expire`` or
  ``certificat-pas-encore-valide``. Turning verification off (``CERT_NONE``) and re-checking the chain
  in Python was the alternative; it moves the whole chain check out of OpenSSL for the sake of dates.
  The flag also skips the dates of the CA certificates: call
  :func:`services.common.identity.verify_chain` with ``now`` at start-up and on a timer.

So the gateway's embedded mode uses ``OPTIONAL`` with ``dates_checked_by_app=True``; the defaults here
(``REQUIRED``, dates checked by OpenSSL) are the strict ones for any other server.
"""

from __future__ import annotations

import enum
import ssl
from pathlib import Path

# OpenSSL's X509_V_FLAG_NO_CHECK_TIME (x509_vfy.h); Python's ssl module passes the bits through but has
# no name for this one. A handshake test guards its effect.
VERIFY_NO_CHECK_TIME = 0x200000


class ClientCertificates(enum.Enum):
    """Whether the server's TLS layer demands a client certificate."""

    REQUIRED = ssl.CERT_REQUIRED
    OPTIONAL = ssl.CERT_OPTIONAL


def server_context(
    *,
    cert_file: Path,
    key_file: Path,
    client_ca_file: Path,
    client_certificates: ClientCertificates = ClientCertificates.REQUIRED,
    dates_checked_by_app: bool = False,
    key_password: bytes | None = None,
) -> ssl.SSLContext:
    """A TLS ≥ 1.2 server context presenting ``cert_file`` (leaf then issuing CA) and verifying client
    certificates against ``client_ca_file`` (issuing CA and root)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    _harden(context)
    context.load_cert_chain(cert_file, key_file, password=key_password)
    context.load_verify_locations(cafile=client_ca_file)
    context.verify_mode = client_certificates.value
    if dates_checked_by_app:
        context.verify_flags |= VERIFY_NO_CHECK_TIME
    return context


def client_context(
    *,
    ca_file: Path,
    cert_file: Path | None = None,
    key_file: Path | None = None,
    key_password: bytes | None = None,
) -> ssl.SSLContext:
    """A TLS ≥ 1.2 client context trusting ``ca_file`` (the root) and checking the host name, presenting
    ``cert_file`` (leaf then issuing CA) with ``key_file`` when given."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    _harden(context)
    context.load_verify_locations(cafile=ca_file)
    if cert_file is not None:
        context.load_cert_chain(cert_file, key_file, password=key_password)
    return context


def _harden(context: ssl.SSLContext) -> None:
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # RFC 5280 conformance checks our own CA already meets; they catch a hand-made certificate early.
    context.verify_flags |= ssl.VERIFY_X509_STRICT
