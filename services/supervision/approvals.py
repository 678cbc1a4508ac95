"""A supervisor's decision on a held import (the safety valve): approve it, or reject it.

The decision is a job of the import's own school queue (``imports.<service>.<uai>.<year>``), published
durably with ``Nats-Msg-Id`` = ``<sync id>.decision``: the importing service applies it in the school's
order (an import pushed meanwhile supersedes the held one, which then cannot be approved any more), and a
double click is one decision. The decision carries who took it and why; the importing service writes
both into the sync's final message, so the timeline says who approved or rejected it and for what
reason. Imports neither FastAPI nor nats.

:func:`held_view` is what the sync's page shows before the decision: how much the file would remove,
and which services, groups or links (the lists are those the importing service kept with the verdict).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from services.common.contracts import ImportDetails
from services.common.errors import Conflict, InvalidInput
from services.common.events import SyncEvent, SyncState
from services.common.imports import IMPORT_SERVICES, ImportJob, ImportKind
from services.supervision.labels import state_label
from services.supervision.models import SyncEventRecord, SyncRecord
from services.supervision.scope import Supervisor

MAX_REASON = 500


@dataclass(frozen=True)
class ChangeList:
    """One entity's keys for one kind of change (``SERVICE`` / ``removed``), as listed by the service."""

    entity: str
    kind: str
    keys: list[str]
    total: int  # the complete count (the list may be cut)


@dataclass(frozen=True)
class HeldView:
    message: str | None
    counts: dict[str, int]
    removals: list[ChangeList] = field(default_factory=list)
    others: list[ChangeList] = field(default_factory=list)


def held_view(record: SyncRecord, events: Sequence[SyncEventRecord]) -> HeldView | None:
    """What a held import would do, from its held event; None when the sync is not held."""
    if record.state != SyncState.HELD.value:
        return None
    held = [e for e in events if e.state == SyncState.HELD.value]
    details = SyncEvent.model_validate(held[-1].data).details if held else None
    changes = details.changes if isinstance(details, ImportDetails) else {}
    lists = [
        ChangeList(entity, kind, keys, record.counts.get(f"{entity}.{kind}", len(keys)))
        for entity, kinds in sorted(changes.items())
        for kind, keys in kinds.items()
        if keys
    ]
    return HeldView(
        message=record.message,
        counts=dict(record.counts),
        removals=[c for c in lists if c.kind == "removed"],
        others=[c for c in lists if c.kind != "removed"],
    )


def decision_for(
    record: SyncRecord, who: Supervisor, *, approve: bool, reason: str | None = None
) -> ImportJob:
    """The decision job on ``record``, which must be a held import."""
    if record.flow not in IMPORT_SERVICES or record.state != SyncState.HELD.value:
        raise Conflict(
            f"Cette synchronisation est « {state_label(record.state)} » : seul un import retenu peut être "
            "approuvé ou rejeté.",
            code="import-non-retenu",
        )
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        raise InvalidInput(f"Le motif dépasse {MAX_REASON} caractères.", code="motif-trop-long")
    return ImportJob(
        sync_id=record.sync_id,
        kind=ImportKind.DECISION,
        flow=record.flow,
        uai=record.uai or "",
        year=record.year or 0,
        approve=approve,
        decided_by=who.display_name,
        reason=reason,
    )


def decision_msg_id(sync_id: str) -> str:
    return f"{sync_id}.decision"
