"""The gateway's side of supervision: every request becomes a sync, and each of its steps an event."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from services.common import subjects
from services.common.bus import Bus
from services.common.errors import DomainError
from services.common.events import Direction, SyncEvent, SyncState
from services.common.identity import EditorIdentity

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
    started: float = field(default_factory=time.perf_counter)

    def event(self, state: SyncState, **values: object) -> SyncEvent:
        identity = self.identity
        return SyncEvent(
            sync_id=self.sync_id,
            state=state,
            uai=identity.uai if identity else self.uai,
            year=self.year,
            flow=self.flow,
            direction=self.direction,
            editor=identity.editor if identity else None,
            product=identity.product if identity else None,
            certificate_serial=identity.serial_hex if identity else None,
            duration_ms=round((time.perf_counter() - self.started) * 1000, 3),
            **values,
        )


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
