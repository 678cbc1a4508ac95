"""Certificate revocation lists signed by the issuing CA.

The CRL is one of two revocation feeds (the other is the bus's live revocation events); a short
nextUpdate bounds how long a consumer that only reads CRLs may trust a stale list.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from services.common.pki.issuance import Issuer

DEFAULT_NEXT_UPDATE = timedelta(hours=1)

RevokedEntry = tuple[int, datetime, x509.ReasonFlags | None]
"""(serial, revocation date, reason or None when no reason is recorded)."""


def build_crl(
    issuer: Issuer,
    revoked: Iterable[RevokedEntry],
    *,
    now: datetime,
    number: int,
    next_update: timedelta = DEFAULT_NEXT_UPDATE,
) -> x509.CertificateRevocationList:
    """A CRL listing ``revoked``, valid from ``now`` to ``now + next_update``, numbered ``number``."""
    aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key())
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now)
        .next_update(now + next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(aki, critical=False)
    )
    for serial, revoked_at, reason in revoked:
        builder = builder.add_revoked_certificate(_entry(serial, revoked_at, reason))
    return builder.sign(issuer.key, hashes.SHA256())


def _entry(serial: int, revoked_at: datetime, reason: x509.ReasonFlags | None) -> x509.RevokedCertificate:
    entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(revoked_at)
    # RFC 5280 §5.3.1: omit the reason rather than write "unspecified".
    if reason is not None and reason is not x509.ReasonFlags.unspecified:
        entry = entry.add_extension(x509.CRLReason(reason), critical=False)
    return entry.build()
