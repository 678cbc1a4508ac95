"""Bus handlers of supervision: one per subject."""

from __future__ import annotations

from nats.aio.msg import Msg
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from services.common.bus import PoisonMessage, TransientFailure
from services.common.bus.client import MessageHandler
from services.common.db import SessionFactory, transaction
from services.common.events import SyncEvent
from services.supervision.service import record_event


def sync_event_handler(sessions: SessionFactory) -> MessageHandler:
    async def on_sync_event(msg: Msg) -> None:
        try:
            event = SyncEvent.from_bytes(msg.data)
        except ValidationError as error:
            raise PoisonMessage(f"unreadable sync event: {error}") from error
        try:
            async with transaction(sessions) as session:
                await record_event(session, event)
        except IntegrityError as error:
            # Another replica wrote the same sync or event concurrently: retry, and the retry sees it.
            raise TransientFailure(f"concurrent write for sync {event.sync_id}") from error

    return on_sync_event
