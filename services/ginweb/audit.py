"""Every issuance, renewal, revocation and accreditation change as a sync event, so that supervision's
journal shows them next to the exchanges they explain (flow ``certificat`` or ``habilitation``).

What they say beyond the event's own fields is :class:`~services.common.contracts.CertificateAudit` or
:class:`~services.common.contracts.AccreditationAudit`, the models supervision reads."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common import subjects
from services.common.contracts import (
    AccreditationAction,
    AccreditationAudit,
    CertificateAction,
    CertificateAudit,
)
from services.common.events import Direction, SyncEvent, SyncState
from services.common.ids import new_sync_id
from services.ginweb.models import Certificate
from services.ginweb.outbox import enqueue

CERTIFICATE_FLOW = "certificat"
ACCREDITATION_FLOW = "habilitation"


def record_certificate(
    db: AsyncSession,
    certificate: Certificate,
    action: CertificateAction,
    message: str,
    *,
    replaces: str | None = None,
    overlap_until: datetime | None = None,
    reason: str | None = None,
) -> None:
    revoked_at = certificate.revoked_at if action is CertificateAction.REVOKED else None
    details = CertificateAudit(
        action=action,
        not_after=_aware(certificate.not_after),
        replaces=replaces,
        overlap_until=_aware(overlap_until) if overlap_until else None,
        revoked_at=_aware(revoked_at) if revoked_at else None,
        reason=reason,
    )
    event = SyncEvent(
        sync_id=new_sync_id(),
        state=SyncState.APPLIED,
        uai=certificate.uai,
        flow=CERTIFICATE_FLOW,
        direction=Direction.NONE,
        editor=certificate.editor_id,
        product=certificate.product_id,
        certificate_serial=certificate.serial,
        certificate_not_after=details.not_after,
        message=message,
        details=details,
    )
    _enqueue(db, event)


def record_accreditation(
    db: AsyncSession, editor: str, action: AccreditationAction, message: str, actor: str
) -> None:
    event = SyncEvent(
        sync_id=new_sync_id(),
        state=SyncState.APPLIED,
        flow=ACCREDITATION_FLOW,
        direction=Direction.NONE,
        editor=editor,
        message=message,
        details=AccreditationAudit(action=action, by=actor),
    )
    _enqueue(db, event)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive times; GIN-WEB stores UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _enqueue(db: AsyncSession, event: SyncEvent) -> None:
    subject = subjects.sync_event_subject(event.uai or "", event.state.value)
    enqueue(db, subject, event.model_dump(mode="json"), event.event_id)
