"""The gateway's side of supervision: every request becomes a sync, and each of its steps an event."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

import nats.errors

from services.common import subjects
from services.common.bus import Bus
from services.common.errors import DomainError
from services.common.events import Direction, SyncEvent, SyncState
from services.common.identity import EditorIdentity, PresentedCertificate
from services.gateway.outbox import Kept, Outbox

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
    """Publishes sync events durably (JetStream, deduplicated by event id); what the bus cannot take
    goes to the :class:`Outbox`, published by :meth:`run_flusher` once NATS is back."""

    FLUSH_EVERY = 2.0  # seconds between attempts while events wait

    def __init__(self, bus: Bus, outbox: Outbox | None = None) -> None:
        self.bus = bus
        self.outbox = outbox or Outbox()
        # Whether the outbox may hold events: at start it may (a previous run's), until the flusher's
        # first pass, which starts at once, finds it empty.
        self._waiting = True
        self._kept = asyncio.Event()
        self._kept.set()

    async def record(self, event: SyncEvent) -> None:
        kept = Kept(
            event.event_id, subjects.sync_event_subject(event.uai or "", event.state.value), event.to_bytes()
        )
        # While events wait in the outbox, later ones queue behind them: a school's events keep their order.
        if self.bus.is_connected and not self._waiting:
            try:
                await self.bus.publish_durable(kept.subject, kept.payload, msg_id=kept.event_id)
                return
            except (DomainError, nats.errors.Error) as error:
                log.warning("sync event %s kept for later: %r", event.event_id, error)
        self._waiting = True
        await self.outbox.add(kept)
        self._kept.set()

    async def refused(self, exchange: Exchange, error: DomainError) -> None:
        state = SyncState.REFUSED if error.status < 500 else SyncState.FAILED
        event = exchange.event(state, http_status=error.status, problem_code=error.code, message=error.title)
        await self.record(event)

    async def flush(self) -> int:
        """Publish what the outbox keeps, oldest first, while the bus takes it; how many were sent."""
        sent = 0
        while self.bus.is_connected:
            batch = await self.outbox.pending()
            if not batch:
                self._waiting = False
                return sent
            for kept in batch:
                try:
                    await self.bus.publish_durable(kept.subject, kept.payload, msg_id=kept.event_id)
                except (DomainError, nats.errors.Error):
                    return sent
                await self.outbox.remove(kept.event_id)
                sent += 1
        return sent

    async def run_flusher(self) -> None:
        """Until cancelled: flush when an event was kept, and again every few seconds while some wait."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kept.wait(), self.FLUSH_EVERY)
            self._kept.clear()
            if await self.bus.wait_connected(self.FLUSH_EVERY):
                sent = await self.flush()
                if sent:
                    log.info("%d sync events kept during an outage published", sent)
