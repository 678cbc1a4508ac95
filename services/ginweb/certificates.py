"""Issuing, renewing and revoking a school's editor certificates.

Every function takes the :class:`Head` acting (or the operator) and filters by its UAI, so a head can
neither see nor touch another school's certificates: another school's serial is "not found". Every change
is audited and, for revocations, announced to gateways, through the outbox in the same transaction.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common import subjects
from services.common.auth import check_strength
from services.common.contracts import CertificateAction
from services.common.identity import identity_from_certificate
from services.common.pki import CertificateAuthority, RevokedEntry, certificates_pem, pkcs12_bundle
from services.common.trustfeed import CertificateRevoked
from services.ginweb import audit
from services.ginweb.errors import AlreadyRevoked, CannotRenew, CertificateNotFound
from services.ginweb.models import Certificate, IssuanceMethod
from services.ginweb.outbox import enqueue
from services.ginweb.registry import accredited_product

REASONS: dict[str, str] = {
    "keyCompromise": "Clé privée perdue, volée ou divulguée",
    "cessationOfOperation": "Logiciel retiré de l'établissement",
    "affiliationChanged": "Changement d'éditeur ou de produit",
    "superseded": "Remplacé par un nouveau certificat",
    "unspecified": "Autre motif",
}
"""Revocation reasons a head may give (RFC 5280 names, as cryptography spells them) and their labels."""


@dataclass(frozen=True)
class Head:
    """Who acts: a head of school (or the operator, for one school)."""

    username: str
    uai: str


@dataclass(frozen=True)
class Policy:
    """Issuance rules from the settings."""

    validity_margin: timedelta = timedelta(days=30)
    renewal_grace: timedelta = timedelta(days=14)
    password_min_length: int = 12


class CertificateState(enum.StrEnum):
    VALID = "valide"
    IN_GRACE = "remplace"  # renewed: still valid until its grace period ends
    NOT_YET_VALID = "a-venir"
    EXPIRED = "expire"
    REVOKED = "revoque"


def state_of(certificate: Certificate, now: datetime) -> CertificateState:
    if certificate.revoked_at is not None:
        return CertificateState.REVOKED
    if now > certificate.not_after:
        return CertificateState.EXPIRED
    if now < certificate.not_before:
        return CertificateState.NOT_YET_VALID
    return CertificateState.IN_GRACE if certificate.superseded_by else CertificateState.VALID


async def school_certificates(db: AsyncSession, uai: str) -> list[Certificate]:
    statement = select(Certificate).where(col(Certificate.uai) == uai)
    return list((await db.exec(statement.order_by(col(Certificate.issued_at).desc()))).all())


async def school_certificate(db: AsyncSession, uai: str, serial: str) -> Certificate:
    certificate = await db.get(Certificate, serial.upper())
    if certificate is None or certificate.uai != uai:
        raise CertificateNotFound()
    return certificate


async def issue_from_csr(
    db: AsyncSession,
    ca: CertificateAuthority,
    head: Head,
    product_id: str,
    csr_pem: bytes,
    *,
    policy: Policy,
    now: datetime,
) -> Certificate:
    """Sign the editor's CSR (its key never leaves the editor) for ``head``'s school."""
    product = await accredited_product(db, product_id)
    issued = ca.issue_from_csr(
        csr_pem, uai=head.uai, editor=product.editor_id, product=product.id, now=now,
        margin=policy.validity_margin,
    )  # fmt: skip
    return await _record(db, ca, issued, IssuanceMethod.CSR, head, now)


async def issue_pkcs12(
    db: AsyncSession,
    ca: CertificateAuthority,
    head: Head,
    product_id: str,
    password: str,
    *,
    policy: Policy,
    now: datetime,
) -> tuple[Certificate, bytes]:
    """A new key and certificate in a PKCS#12 bundle protected by ``password`` (never stored)."""
    check_strength(password, min_length=policy.password_min_length)
    product = await accredited_product(db, product_id)
    issued = ca.issue_with_new_key(
        uai=head.uai, editor=product.editor_id, product=product.id, now=now, margin=policy.validity_margin
    )
    record = await _record(db, ca, issued.certificate, IssuanceMethod.PKCS12, head, now)
    name = f"{product.editor_id}-{product.id}-{head.uai}"
    bundle = pkcs12_bundle(
        issued.certificate, issued.key, issued.chain, password=password.encode(), friendly_name=name
    )
    return record, bundle


async def renewable(db: AsyncSession, head: Head, serial: str, now: datetime) -> Certificate:
    """The certificate to renew, if it is valid and not already renewed."""
    old = await school_certificate(db, head.uai, serial)
    if state_of(old, now) is not CertificateState.VALID:
        raise CannotRenew()
    return old


def mark_renewed(
    db: AsyncSession, old: Certificate, new: Certificate, *, policy: Policy, now: datetime
) -> None:
    """Link ``new`` to ``old``; ``old`` stays valid for the grace period so the editor can switch."""
    old.superseded_by, old.grace_until = new.serial, now + policy.renewal_grace
    new.replaces = old.serial
    db.add_all([old, new])
    audit.record_certificate(
        db, new, CertificateAction.RENEWED, f"Certificat {old.serial} renouvelé par {new.serial}",
        replaces=old.serial, overlap_until=old.grace_until,
    )  # fmt: skip


async def revoke(
    db: AsyncSession, certificate: Certificate, reason: str, *, actor: str, now: datetime
) -> Certificate:
    """Revoke now; gateways refuse it from their next request (event) or next CRL."""
    if reason not in REASONS:
        reason = "unspecified"
    if certificate.revoked_at is not None:
        raise AlreadyRevoked()
    certificate.revoked_at, certificate.revocation_reason, certificate.revoked_by = now, reason, actor
    db.add(certificate)
    event = CertificateRevoked(
        serial=certificate.serial, uai=certificate.uai, editor=certificate.editor_id,
        product=certificate.product_id, revoked_at=now, reason=reason,
    )  # fmt: skip
    enqueue(db, subjects.revocation_subject(certificate.serial), event.model_dump(mode="json"), event.msg_id)
    audit.record_certificate(
        db,
        certificate,
        CertificateAction.REVOKED,
        f"Certificat révoqué par {actor} : {REASONS[reason]}",
        reason=reason,
    )
    return certificate


async def end_grace_periods(db: AsyncSession, now: datetime) -> list[Certificate]:
    """Revoke, as superseded, every renewed certificate whose grace period is over."""
    statement = select(Certificate).where(
        col(Certificate.grace_until) <= now, col(Certificate.revoked_at).is_(None)
    )
    ended = list((await db.exec(statement)).all())
    for certificate in ended:
        await revoke(db, certificate, "superseded", actor="plateforme", now=now)
    return ended


async def revoked_entries(db: AsyncSession, now: datetime) -> list[RevokedEntry]:
    """What the CRL lists: revoked certificates not yet expired (RFC 5280 lets a CRL drop them after)."""
    statement = select(Certificate).where(
        col(Certificate.revoked_at).is_not(None), col(Certificate.not_after) > now
    )
    return [
        (int(row.serial, 16), row.revoked_at or now, _reason_flag(row.revocation_reason))
        for row in (await db.exec(statement)).all()
    ]


async def register(
    db: AsyncSession,
    ca: CertificateAuthority,
    certificate: x509.Certificate,
    method: IssuanceMethod,
    head: Head,
    now: datetime,
) -> Certificate:
    """Record a certificate issued outside the portal (operator command, development PKI)."""
    return await _record(db, ca, certificate, method, head, now)


async def _record(
    db: AsyncSession,
    ca: CertificateAuthority,
    certificate: x509.Certificate,
    method: IssuanceMethod,
    head: Head,
    now: datetime,
) -> Certificate:
    # Parsed with the gateway's own code: what is recorded is exactly what the gateway will see.
    identity = identity_from_certificate(certificate, now=certificate.not_valid_before_utc)
    if identity.uai != head.uai:
        raise CertificateNotFound(detail=f"certificat de {identity.uai}, pas de {head.uai}")
    record = Certificate(
        serial=identity.serial_hex,
        uai=identity.uai,
        editor_id=identity.editor,
        product_id=identity.product,
        method=method.value,
        pem=certificates_pem([certificate, ca.issuing.certificate]).decode(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        issued_at=now,
        issued_by=head.username,
    )
    db.add(record)
    await db.flush()
    label = "CSR" if method is IssuanceMethod.CSR else method.value
    audit.record_certificate(
        db, record, CertificateAction.ISSUED, f"Certificat délivré ({label}) par {head.username}"
    )
    return record


def _reason_flag(reason: str | None) -> x509.ReasonFlags | None:
    try:
        return x509.ReasonFlags(reason) if reason else None
    except ValueError:
        return None
