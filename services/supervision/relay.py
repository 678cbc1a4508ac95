"""The live feed across replicas: each committed change goes out on core NATS, and every replica
(including the one that wrote it) relays what it hears to its own watchers.

Core NATS rather than JetStream because the feed is a notification, not a record: the journal is the
record, and a page that missed a message re-reads the API (it is told to by ``resync``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from services.common import subjects
from services.common.bus import Bus
from services.supervision.alerts.lifecycle import alert_payload
from services.supervision.journal import SyncChange
from services.supervision.live import Broadcaster
from services.supervision.models import AlertRecord
from services.supervision.schemas import LiveSync, SyncRead

log = logging.getLogger(__name__)

KIND_HEADER = "Live-Kind"


class LiveRelay:
    def __init__(self, bus: Bus, broadcaster: Broadcaster) -> None:
        self.bus = bus
        self.broadcaster = broadcaster

    async def start(self) -> None:
        await self.bus.listen(subjects.supervision_live("*"), self._on_message)

    async def publish_syncs(self, changes: Sequence[SyncChange]) -> None:
        for change in changes:
            if not change.state_changed:
                continue
            summary = SyncRead.model_validate(change.record).model_dump()
            live = LiveSync(**summary, created=change.created, previous_state=change.previous_state)
            await self._publish("sync", change.record.academie, live.model_dump_json().encode())

    async def publish_alerts(self, alerts: Sequence[AlertRecord]) -> None:
        for alert in alerts:
            await self._publish("alert", alert.academie, json.dumps(alert_payload(alert)).encode())

    async def _publish(self, kind: str, academie: str | None, body: bytes) -> None:
        await self.bus.broadcast(subjects.supervision_live(academie), body, headers={KIND_HEADER: kind})

    async def _on_message(self, subject: str, body: bytes, headers: dict[str, str]) -> None:
        kind = headers.get(KIND_HEADER, "sync")
        try:
            # A sync is read with its contract (LiveSync): what another replica sends is what pages expect.
            data = (
                LiveSync.model_validate_json(body).model_dump(mode="json")
                if kind == "sync"
                else json.loads(body)
            )
        except ValueError:
            log.warning("unreadable live message on %s", subject)
            return
        academie = subject.rsplit(".", 1)[-1]
        self.broadcaster.publish(kind, None if academie == "aucune" else academie, data)
