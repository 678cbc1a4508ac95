"""Every issuance, renewal, revocation and accreditation change as a sync event, so that supervision's
journal shows them next to the exchanges they explain (flow ``certificat`` or ``habilitation``)."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common import subjects
from services.common.events import Direction, SyncEvent, SyncState
from services.common.ids import new_sync_id
from services.ginweb.models import Certificate
from services.ginweb.outbox import enqueue

CERTIFICATE_FLOW = "certificat"
ACCREDITATION_FLOW = "habilitation"


def record_certificate(
    db: AsyncSession, certificate: Certificate, action: str, message: str, **details: Any
) -> None:
    """``action``: emission, renouvellement, revocation."""
    event = SyncEvent(
        sync_id=new_sync_id(),
        state=SyncState.APPLIED,
        uai=certificate.uai,
        flow=CERTIFICATE_FLOW,
        direction=Direction.NONE,
        editor=certificate.editor_id,
        product=certificate.product_id,
        certificate_serial=certificate.serial,
        message=message,
        details={"action": action, **details},
    )
    _enqueue(db, event)


def record_accreditation(db: AsyncSession, editor: str, action: str, message: str, actor: str) -> None:
    event = SyncEvent(
        sync_id=new_sync_id(),
        state=SyncState.APPLIED,
        flow=ACCREDITATION_FLOW,
        direction=Direction.NONE,
        editor=editor,
        message=message,
        details={"action": action, "par": actor},
    )
    _enqueue(db, event)


def _enqueue(db: AsyncSession, event: SyncEvent) -> None:
    subject = subjects.sync_event_subject(event.uai or "", event.state.value)
    enqueue(db, subject, event.model_dump(mode="json"), event.event_id)
