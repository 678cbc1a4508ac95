"""Editor certificates as supervision learns of them from sync events.

GIN-WEB emits an event of flow ``certificat`` when it issues, renews or revokes a certificate (fields
in ``docs/supervision.md``): the serial in ``certificate_serial`` (or ``details.serial``), the school,
editor and product in the event's own fields, and in ``details`` the ``action`` (``issued``,
``renewed``, ``revoked``) and ``not_after`` (ISO 8601). Gateway events carry the serial of the
certificate used, and ``details.certificate_not_after`` when the gateway sends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import AwareDatetime, TypeAdapter, ValidationError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.academies import academie_slug_of_uai
from services.common.events import SyncEvent
from services.supervision.models import CertificateRecord

CERTIFICATE_FLOW = "certificat"
_MOMENT: TypeAdapter[AwareDatetime] = TypeAdapter(AwareDatetime)


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
    serial = event.certificate_serial or event.details.get("serial")
    return str(serial).lower() if serial else None


def _fold(record: CertificateRecord, event: SyncEvent) -> None:
    uai = event.uai or event.details.get("uai")
    if uai:
        record.uai = str(uai)
        record.academie = academie_slug_of_uai(record.uai)
    record.editor = event.editor or event.details.get("editor") or record.editor
    record.product = event.product or event.details.get("product") or record.product
    not_after = _moment(event.details.get("not_after") or event.details.get("certificate_not_after"))
    if not_after is not None:
        record.not_after = not_after
    if event.flow == CERTIFICATE_FLOW:
        if event.details.get("action") == "revoked":
            record.revoked_at = _moment(event.details.get("revoked_at")) or event.occurred_at
    elif record.last_used_at is None or event.occurred_at > record.last_used_at:
        record.last_used_at = event.occurred_at


def _moment(value: object) -> datetime | None:
    if value is None:
        return None
    try:
        return _MOMENT.validate_python(value).astimezone(UTC)
    except ValidationError:
        return None
