"""The direction and the states of a sync, shared by every producer of sync events and by supervision."""

from __future__ import annotations

import enum


class Direction(enum.StrEnum):
    EXPORT = "export"  # platform → editor (pull)
    IMPORT = "import"  # editor → platform (push)
    NONE = "none"  # not an exchange of data (identity checks, "what can I run", audit events)


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
