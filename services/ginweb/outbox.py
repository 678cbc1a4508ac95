"""The outbox: bus messages committed with the change they announce, published after the commit.

``enqueue`` runs inside the business transaction; ``flush`` publishes what is pending (oldest first)
and deletes each row once JetStream acknowledged it. A crash between the two leaves the rows for the next
flush; the ``Nats-Msg-Id`` makes a second publication of the same row a no-op on the server.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.bus import Bus
from services.common.db import SessionFactory, transaction
from services.common.errors import DomainError
from services.ginweb.models import OutboxMessage

log = logging.getLogger(__name__)
_BATCH = 500


def enqueue(db: AsyncSession, subject: str, payload: dict[str, Any], msg_id: str) -> None:
    db.add(OutboxMessage(msg_id=msg_id, subject=subject, payload=payload))


async def flush(sessions: SessionFactory, bus: Bus) -> int:
    """Publish every pending message; returns how many were published. Stops at the first failure
    (the bus is down: the rest would fail too) and leaves the rows for the next call."""
    published = 0
    while True:
        async with transaction(sessions) as db:
            statement = select(OutboxMessage).order_by(
                col(OutboxMessage.created_at), col(OutboxMessage.msg_id)
            )
            pending = list((await db.exec(statement.limit(_BATCH))).all())
        if not pending:
            return published
        for message in pending:
            if not await _publish(bus, message):
                return published
            async with transaction(sessions) as db:
                row = await db.get(OutboxMessage, message.msg_id)
                if row is not None:
                    await db.delete(row)
            published += 1


async def _publish(bus: Bus, message: OutboxMessage) -> bool:
    try:
        await bus.publish_durable(
            message.subject, json.dumps(message.payload).encode(), msg_id=message.msg_id
        )
    except DomainError:
        log.warning("outbox: %s not published yet (bus unavailable)", message.msg_id)
        return False
    return True
