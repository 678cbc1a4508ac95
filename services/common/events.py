"""The sync event: what every step of every exchange tells supervision.

The gateway emits them for requests it serves or refuses; workers emit them as imports progress. Each
event has its own id, used as the JetStream ``Nats-Msg-Id`` and as a unique key in the supervision
journal, so a retried publish or a redelivery is recorded once.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from services.common.ids import new_event_id


class Direction(enum.StrEnum):
    EXPORT = "export"  # platform → editor (pull)
    IMPORT = "import"  # editor → platform (push)
    NONE = "none"  # not an exchange of data (identity checks, "what can I run")


class SyncState(enum.StrEnum):
    RECEIVED = "received"
    VALIDATED = "validated"
    QUEUED = "queued"
    WAITING = "waiting"
    HELD = "held"
    SERVED = "served"
    APPLIED = "applied"
    PARTIALLY_APPLIED = "partially_applied"
    REFUSED = "refused"
    REJECTED = "rejected"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in _FINAL_STATES


_FINAL_STATES = {
    SyncState.SERVED,
    SyncState.APPLIED,
    SyncState.PARTIALLY_APPLIED,
    SyncState.REFUSED,
    SyncState.REJECTED,
    SyncState.FAILED,
}


class SyncEvent(BaseModel):
    """One step of one exchange."""

    event_id: str = Field(default_factory=new_event_id)
    sync_id: str
    state: SyncState
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    uai: str | None = None
    year: int | None = None
    flow: str
    direction: Direction
    editor: str | None = None
    product: str | None = None
    certificate_serial: str | None = None
    http_status: int | None = None
    problem_code: str | None = None
    message: str | None = None
    duration_ms: float | None = None
    payload_bytes: int | None = None
    payload_sha256: str | None = None
    counts: dict[str, int] = Field(default_factory=dict)
    cursor: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> SyncEvent:
        return cls.model_validate_json(data)
