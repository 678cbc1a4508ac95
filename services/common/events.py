"""The sync event (declared in :mod:`services.common.contracts.events`), re-exported where it always was."""

from services.common.contracts.events import SyncEvent
from services.common.contracts.states import Direction, SyncState

__all__ = ["Direction", "SyncEvent", "SyncState"]
