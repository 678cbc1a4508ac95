"""Bus handlers of supervision: one per subject, typed message in, service call, nothing else."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from nats.aio.msg import Msg
from pydantic import ValidationError
from sqlalchemy.exc import DataError, IntegrityError

from services.common.bus import PoisonMessage, TransientFailure
from services.common.bus.consumers import BatchHandler
from services.common.db import SessionFactory, transaction
from services.common.events import SyncEvent
from services.supervision.journal import SyncChange, record_events

AfterCommit = Callable[[Sequence[SyncChange]], Awaitable[None]]


def sync_events_handler(sessions: SessionFactory, after_commit: AfterCommit) -> BatchHandler:
    """``sync.events.>``: a fetched batch is recorded in one transaction; if that fails, each event is
    retried in a transaction of its own so that one bad event cannot hold back the others."""

    async def on_sync_events(messages: Sequence[Msg]) -> Sequence[BaseException | None]:
        errors: list[BaseException | None] = [None] * len(messages)
        events: dict[int, SyncEvent] = {}
        for index, msg in enumerate(messages):
            try:
                events[index] = SyncEvent.from_bytes(msg.data)
            except ValidationError as error:
                errors[index] = PoisonMessage(f"unreadable sync event: {error}")
        try:
            await _record(sessions, list(events.values()), after_commit)
        except (IntegrityError, DataError):
            for index, event in events.items():
                errors[index] = await _record_alone(sessions, event, after_commit)
        return errors

    return on_sync_events


async def _record(sessions: SessionFactory, events: list[SyncEvent], after_commit: AfterCommit) -> None:
    if not events:
        return
    async with transaction(sessions) as session:
        changes = await record_events(session, events)
    await after_commit(changes)


async def _record_alone(
    sessions: SessionFactory, event: SyncEvent, after_commit: AfterCommit
) -> BaseException | None:
    try:
        await _record(sessions, [event], after_commit)
    except IntegrityError as error:
        # Another replica wrote the same sync or event meanwhile: a retry will find it recorded.
        return TransientFailure(f"concurrent write for sync {event.sync_id}: {error}")
    except DataError as error:
        return PoisonMessage(f"sync event {event.event_id} does not fit the journal: {error}")
    return None
