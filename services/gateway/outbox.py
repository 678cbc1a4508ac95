"""Sync events the bus could not take, kept by the gateway until it can.

While NATS is away, every refusal the gateway answers (503 ``bus-indisponible`` included) is still a sync
supervision must see. :class:`SyncRecorder` puts the event here instead of losing it, and
:meth:`Outbox.flush` publishes what is kept once NATS is back. Nothing is lost (a SQLite file when
``GATEWAY_OUTBOX_PATH`` is set, as ``make run`` does; memory otherwise, which outlives outages but not the
process), nothing is recorded twice (each event is published with its own id as ``Nats-Msg-Id`` and
supervision skips an event it already holds), and an event leaves the outbox only once JetStream acked it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Kept:
    event_id: str
    subject: str
    payload: bytes


class Outbox:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._memory: dict[str, Kept] = {}
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as db, db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS outbox (position INTEGER PRIMARY KEY AUTOINCREMENT, "
                    "event_id TEXT UNIQUE NOT NULL, subject TEXT NOT NULL, payload BLOB NOT NULL)"
                )

    def _connect(self) -> sqlite3.Connection:
        assert self.path is not None
        return sqlite3.connect(self.path, timeout=10)

    async def add(self, kept: Kept) -> None:
        if self.path is None:
            self._memory.setdefault(kept.event_id, kept)
            return
        await asyncio.to_thread(self._insert, kept)

    async def pending(self, limit: int = 500) -> list[Kept]:
        """The oldest events kept, in the order they were kept."""
        if self.path is None:
            return list(self._memory.values())[:limit]
        return await asyncio.to_thread(self._select, limit)

    async def remove(self, event_id: str) -> None:
        if self.path is None:
            self._memory.pop(event_id, None)
            return
        await asyncio.to_thread(self._delete, event_id)

    def _insert(self, kept: Kept) -> None:
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT OR IGNORE INTO outbox (event_id, subject, payload) VALUES (?, ?, ?)",
                (kept.event_id, kept.subject, kept.payload),
            )

    def _select(self, limit: int) -> list[Kept]:
        with closing(self._connect()) as db, db:
            rows = db.execute(
                "SELECT event_id, subject, payload FROM outbox ORDER BY position LIMIT ?", (limit,)
            ).fetchall()
        return [Kept(str(event_id), str(subject), bytes(payload)) for event_id, subject, payload in rows]

    def _delete(self, event_id: str) -> None:
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM outbox WHERE event_id = ?", (event_id,))
