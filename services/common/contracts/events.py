"""The sync event: what every step of every exchange tells supervision (``sync.events.<uai>.<state>``).

The gateway emits them for requests it serves or refuses; workers emit them as imports progress; GIN-WEB
for its certificates and accreditations; sts and bee for rollover steps. Each event has its own id, used
as the JetStream ``Nats-Msg-Id`` and as a unique key in the supervision journal, so a retried publish or
a redelivery is recorded once. What an event says beyond the common fields is a typed
:data:`~services.common.contracts.details.EventDetails`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import Field

from services.common.contracts.base import Contract
from services.common.contracts.details import EventDetails
from services.common.contracts.states import Direction, SyncState
from services.common.ids import new_event_id


class SyncEvent(Contract):
    """One step of one exchange."""

    event_id: str = Field(default_factory=new_event_id)
    sync_id: str
    state: SyncState
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    uai: str | None = None
    year: int | None = None
    flow: str
    direction: Direction
    # What the presented certificate says, even when it was refused (revoked, expired, another school's).
    editor: str | None = None
    product: str | None = None
    certificate_serial: str | None = None
    certificate_not_after: datetime | None = None
    http_status: int | None = None
    problem_code: str | None = None
    message: str | None = None
    duration_ms: float | None = None
    payload_bytes: int | None = None
    payload_sha256: str | None = None
    counts: dict[str, int] = Field(default_factory=dict)
    cursor: str | None = None
    details: EventDetails | None = None

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> SyncEvent:
        return cls.model_validate_json(data)
