"""The gateway's side of supervision: every request becomes a sync, and each of its steps an event."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from services.common import subjects
from services.common.bus import Bus
from services.common.errors import DomainError
from services.common.events import Direction, SyncEvent, SyncState
from services.common.identity import EditorIdentity, PresentedCertificate

log = logging.getLogger(__name__)


@dataclass
class Exchange:
    """One editor request being served: who asks, for what, and since when."""

    sync_id: str
    flow: str
    direction: Direction
    uai: str | None
    year: int | None
    identity: EditorIdentity | None = None
    # What the certificate says, known before it is accepted: a refused request still names it.
    presented: PresentedCertificate | None = None
    started: float = field(default_factory=time.perf_counter)

    def event(self, state: SyncState, **values: Any) -> SyncEvent:
        identity, presented = self.identity, self.presented
        if identity is not None:
            who = _Who(
                identity.uai, identity.editor, identity.product, identity.serial_hex, identity.not_after
            )
        elif presented is not None:
            who = _Who(
                presented.uai or self.uai,
                presented.editor,
                presented.product,
                presented.serial_hex,
                presented.not_after,
            )
        else:
            who = _Who(self.uai, None, None, None, None)
        return SyncEvent(
            sync_id=self.sync_id,
            state=state,
            uai=who.uai,
            year=self.year,
            flow=self.flow,
            direction=self.direction,
            editor=who.editor,
            product=who.product,
            certificate_serial=who.serial,
            certificate_not_after=who.not_after,
            duration_ms=round((time.perf_counter() - self.started) * 1000, 3),
            **values,
        )


class _Who(NamedTuple):
    uai: str | None
    editor: str | None
    product: str | None
    serial: str | None
    not_after: datetime | None


class SyncRecorder:
    """Publishes sync events durably (JetStream, deduplicated by event id)."""

    def __init__(self, bus: Bus) -> None:
        self.bus = bus

    async def record(self, event: SyncEvent) -> None:
        subject = subjects.sync_event_subject(event.uai or "", event.state.value)
        await self.bus.publish_durable(subject, event.to_bytes(), msg_id=event.event_id)

    async def refused(self, exchange: Exchange, error: DomainError) -> None:
        state = SyncState.REFUSED if error.status < 500 else SyncState.FAILED
        event = exchange.event(state, http_status=error.status, problem_code=error.code, message=error.title)
        try:
            await self.record(event)
        except DomainError:
            # The refusal still reaches the client; the lost event is at least in the log.
            log.exception("could not record refusal of sync %s", exchange.sync_id)
