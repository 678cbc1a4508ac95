"""Supervision's business metrics: the journal's lag behind the bus and the imports under way."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import col, func, select

from services.common.bus import ConsumerSpec
from services.common.db import transaction
from services.common.events import Direction, SyncState
from services.common.metrics import HttpMetrics
from services.common.runtime import Runtime
from services.supervision.models import SyncRecord

# Imports still under way; a finished one is in the journal's history, counted by its final state on the
# gateway (netsynchro_exchanges_total) — counting all of history here would grow with every scrape.
_OPEN_STATES = [state.value for state in SyncState if not state.is_final]


def watch_journal(
    metrics: HttpMetrics, runtime_of: Callable[[], Runtime | None], journal: ConsumerSpec
) -> None:
    lag = metrics.gauge(
        "netsynchro_journal_lag_messages",
        "Sync events on the SYNC_EVENTS stream not yet written to the supervision journal",
    )
    imports = metrics.gauge("netsynchro_imports", "Imports under way in the journal, by state", ("state",))
    held = metrics.gauge("netsynchro_imports_held", "Imports held for a supervisor's decision")

    async def journal_lag() -> None:
        runtime = runtime_of()
        if runtime is None or not runtime.bus.is_connected:
            return
        lag.set(await runtime.bus.pending(journal.stream, journal.durable))

    async def imports_by_state() -> None:
        runtime = runtime_of()
        if runtime is None:
            return
        statement = (
            select(SyncRecord.state, func.count())
            .where(col(SyncRecord.state).in_(_OPEN_STATES), SyncRecord.direction == Direction.IMPORT.value)
            .group_by(SyncRecord.state)
        )
        async with transaction(runtime.sessions) as db:
            counts = dict((await db.exec(statement)).all())
        for state in _OPEN_STATES:
            imports.labels(state).set(counts.get(state, 0))
        held.set(counts.get(SyncState.HELD.value, 0))

    metrics.add_sampler(journal_lag)
    metrics.add_sampler(imports_by_state)
