"""GIN-WEB's periodic work: end the grace periods of renewed certificates, forget expired sessions,
and publish outbox messages the bus refused earlier."""

from __future__ import annotations

import asyncio
import logging

from services.common.auth import purge_expired, utc_now
from services.common.db import transaction
from services.ginweb.certificates import end_grace_periods
from services.ginweb.outbox import flush
from services.ginweb.state import GinwebState

log = logging.getLogger(__name__)


async def run_once(state: GinwebState) -> int:
    """One pass; returns how many certificates it revoked as superseded."""
    now = utc_now()
    async with transaction(state.runtime.sessions) as db:
        ended = await end_grace_periods(db, now)
        await purge_expired(db, now)
    await flush(state.runtime.sessions, state.runtime.bus)
    if ended:
        log.info("revoked %d superseded certificates at the end of their grace period", len(ended))
    return len(ended)


async def run_forever(state: GinwebState) -> None:
    while True:
        try:
            await run_once(state)
        except Exception:  # the next pass retries; a lost pass must not stop the loop
            log.exception("maintenance pass failed")
        await asyncio.sleep(state.settings.maintenance_interval_seconds)
