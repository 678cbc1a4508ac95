"""Editor certificates as GIN-WEB records them: list, show, revoke by serial."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.errors import Conflict, InvalidInput, NotFound
from services.ginweb import certificates
from services.ginweb.models import Certificate
from services.ginweb.operator import OPERATOR


class UnknownSerial(NotFound):
    default_code = "certificat-inconnu"
    default_title = "Aucun certificat de GIN-WEB ne porte ce numéro de série."


@dataclass(frozen=True)
class CertificateLine:
    serial: str
    uai: str
    editor: str
    product: str
    state: str
    not_after: datetime

    def __str__(self) -> str:
        return (
            f"{self.serial}  {self.uai}  {self.editor}/{self.product}  {self.state:8}  "
            f"expire le {self.not_after:%d/%m/%Y %H:%M} UTC"
        )


def normalized_serial(serial: str) -> str:
    """As OpenSSL prints it (upper-case hex, whole bytes), whatever separators the operator typed."""
    digits = serial.replace(":", "").replace(" ", "").upper()
    if not digits or any(c not in "0123456789ABCDEF" for c in digits):
        raise InvalidInput(f"« {serial} » n'est pas un numéro de série hexadécimal.", code="serie-invalide")
    return digits if len(digits) % 2 == 0 else "0" + digits


async def listed(
    db: AsyncSession, *, uai: str | None, expiring_within_days: int | None, every: bool
) -> list[CertificateLine]:
    now = datetime.now(UTC)
    statement = select(Certificate).order_by(col(Certificate.not_after))
    if uai:
        statement = statement.where(Certificate.uai == uai.upper())
    if expiring_within_days is not None:
        statement = statement.where(col(Certificate.not_after) <= now + timedelta(days=expiring_within_days))
    lines = [_line(c, now) for c in (await db.exec(statement)).all()]
    if every:
        return lines
    return [line for line in lines if line.state in ("valide", "remplace", "a-venir")]


async def found(db: AsyncSession, serial: str) -> Certificate:
    certificate = await db.get(Certificate, normalized_serial(serial))
    if certificate is None:
        raise UnknownSerial(f"Aucun certificat « {normalized_serial(serial)} » dans GIN-WEB.")
    return certificate


def details(certificate: Certificate) -> list[str]:
    now = datetime.now(UTC)
    state = certificates.state_of(certificate, now).value
    lines = [
        f"numéro de série : {certificate.serial}",
        f"établissement   : {certificate.uai}",
        f"éditeur/produit : {certificate.editor_id}/{certificate.product_id}",
        f"état            : {state}",
        f"valide du       : {certificate.not_before:%d/%m/%Y %H:%M} UTC",
        f"au              : {certificate.not_after:%d/%m/%Y %H:%M} UTC",
    ]
    if certificate.revoked_at is not None:
        reason = certificates.REASONS.get(certificate.revocation_reason or "", certificate.revocation_reason)
        lines.append(
            f"révoqué le      : {certificate.revoked_at:%d/%m/%Y %H:%M} UTC par {certificate.revoked_by}"
        )
        lines.append(f"motif           : {reason}")
    return lines


async def revoke(db: AsyncSession, serial: str, reason: str) -> Certificate:
    """Revoke now (audited, and published to the gateways through GIN-WEB's outbox)."""
    certificate = await found(db, serial)
    if certificate.revoked_at is not None:
        raise Conflict(
            f"Le certificat {certificate.serial} est déjà révoqué depuis le "
            f"{certificate.revoked_at:%d/%m/%Y %H:%M} UTC.",
            code="certificat-deja-revoque",
        )
    return await certificates.revoke(db, certificate, reason, actor=OPERATOR, now=datetime.now(UTC))


def _line(certificate: Certificate, now: datetime) -> CertificateLine:
    return CertificateLine(
        certificate.serial,
        certificate.uai,
        certificate.editor_id,
        certificate.product_id,
        certificates.state_of(certificate, now).value,
        certificate.not_after,
    )
