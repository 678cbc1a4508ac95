"""A supervisor's decision on a held import (the safety valve): approve it, or reject it.

The decision is a job of the import's own school queue (``imports.<service>.<uai>.<year>``), published
durably with ``Nats-Msg-Id`` = ``<sync id>.decision``: the importing service applies it in the school's
order (an import pushed meanwhile supersedes the held one, which then cannot be approved any more), and a
double click is one decision. Imports neither FastAPI nor nats.
"""

from __future__ import annotations

from services.common.errors import Conflict
from services.common.events import SyncState
from services.common.imports import IMPORT_SERVICES, ImportJob, ImportKind
from services.supervision.models import SyncRecord
from services.supervision.scope import Supervisor


def decision_for(record: SyncRecord, who: Supervisor, *, approve: bool) -> ImportJob:
    """The decision job on ``record``, which must be a held import."""
    if record.flow not in IMPORT_SERVICES or record.state != SyncState.HELD.value:
        raise Conflict(
            f"Cette synchronisation est « {record.state} » : seule un import retenu peut être approuvé "
            "ou refusé.",
            code="import-non-retenu",
        )
    return ImportJob(
        sync_id=record.sync_id,
        kind=ImportKind.DECISION,
        flow=record.flow,
        uai=record.uai or "",
        year=record.year or 0,
        approve=approve,
        decided_by=who.display_name,
    )


def decision_msg_id(sync_id: str) -> str:
    return f"{sync_id}.decision"
