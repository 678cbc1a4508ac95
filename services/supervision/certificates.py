"""Editor certificates as supervision learns of them from sync events.

GIN-WEB emits an event of flow ``certificat`` when it issues, renews or revokes a certificate: the
serial in ``certificate_serial``, the school, editor and product in the event's own fields, and a
:class:`~services.common.contracts.CertificateAudit` in ``details`` (the action and ``not_after``).
Gateway events carry what the certificate presented says (serial, editor, product, school and
``certificate_not_after``), refused ones included.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.academies import academie_slug_of_uai
from services.common.contracts import CertificateAction, CertificateAudit
from services.common.events import SyncEvent
from services.supervision.models import CertificateRecord

CERTIFICATE_FLOW = "certificat"


async def note_certificates(session: AsyncSession, events: Sequence[SyncEvent]) -> None:
    """Create or update the certificates these events name."""
    serials = {serial for event in events if (serial := serial_of(event))}
    if not serials:
        return
    found = await session.exec(select(CertificateRecord).where(col(CertificateRecord.serial).in_(serials)))
    known = {record.serial: record for record in found.all()}
    for event in events:
        serial = serial_of(event)
        if serial is None:
            continue
        if serial not in known:
            known[serial] = CertificateRecord(serial=serial)
            session.add(known[serial])
        _fold(known[serial], event)


def serial_of(event: SyncEvent) -> str | None:
    return event.certificate_serial.lower() if event.certificate_serial else None


def _fold(record: CertificateRecord, event: SyncEvent) -> None:
    if event.uai:
        record.uai = event.uai
        record.academie = academie_slug_of_uai(record.uai)
    record.editor = event.editor or record.editor
    record.product = event.product or record.product
    audit = event.details if isinstance(event.details, CertificateAudit) else None
    not_after = audit.not_after if audit else event.certificate_not_after
    if not_after is not None:
        record.not_after = _utc(not_after)
    if audit is not None:
        if audit.action is CertificateAction.REVOKED:
            record.revoked_at = _utc(audit.revoked_at or event.occurred_at)
    elif event.flow != CERTIFICATE_FLOW and (
        record.last_used_at is None or event.occurred_at > record.last_used_at
    ):
        record.last_used_at = event.occurred_at


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
