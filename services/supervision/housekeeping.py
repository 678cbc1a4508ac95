"""Periodic upkeep of the console's own tables: expired sign-in sessions are deleted."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from services.common.auth import purge_expired, utc_now
from services.common.db import SessionFactory, transaction

log = logging.getLogger(__name__)


async def purge_sessions_once(sessions: SessionFactory) -> int:
    async with transaction(sessions) as db:
        return await purge_expired(db, utc_now())


@contextlib.asynccontextmanager
async def session_purging(sessions: SessionFactory, every_seconds: float) -> AsyncIterator[None]:
    """While open, deletes expired sessions every ``every_seconds`` (a failed round is retried next time)."""

    async def loop() -> None:
        while True:
            await asyncio.sleep(every_seconds)
            try:
                purged = await purge_sessions_once(sessions)
            except Exception:  # the next round tries again; the console keeps working meanwhile
                log.exception("could not purge expired sessions")
                continue
            if purged:
                log.info("purged %d expired sessions", purged)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
