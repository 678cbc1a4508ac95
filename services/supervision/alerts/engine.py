"""Running the rules: after each ingested batch (coalesced) and on a timer, and delivering webhooks.

Both loops run as tasks owned by the app's lifespan; an iteration that fails is logged and the loop
goes on (a database briefly unavailable must not stop alerting for good).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

import httpx
from sqlalchemy.exc import IntegrityError

from services.common.db import SessionFactory, transaction
from services.supervision.alerts.evaluation import Finding, evaluate
from services.supervision.alerts.lifecycle import reconcile
from services.supervision.alerts.webhooks import deliver_due
from services.supervision.models import AlertRecord
from services.supervision.settings import AlertSettings

log = logging.getLogger(__name__)

LagProbe = Callable[[], Awaitable[int | None]]
AlertsChanged = Callable[[Sequence[AlertRecord]], Awaitable[None]]


def utc_now() -> datetime:
    return datetime.now(UTC)


async def evaluate_rules(
    sessions: SessionFactory, settings: AlertSettings, *, now: datetime, lag: int | None
) -> list[AlertRecord]:
    """Evaluate every enabled rule and reconcile the alerts, in one transaction."""
    async with transaction(sessions) as session:
        findings: dict[str, list[Finding]] = {}
        for rule in settings.rules:
            if rule.enabled and (found := await evaluate(session, rule, now=now, lag=lag)) is not None:
                findings[rule.id] = found
        return await reconcile(session, findings, now=now, webhooks=settings.webhooks)


class AlertEngine:
    def __init__(
        self,
        sessions: SessionFactory,
        settings: AlertSettings,
        *,
        lag_probe: LagProbe,
        on_changed: AlertsChanged,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.lag_probe = lag_probe
        self.on_changed = on_changed
        self._poked = asyncio.Event()
        self._outbox = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def poke(self) -> None:
        """Something was ingested: evaluate soon (many pokes in a row make one evaluation)."""
        self._poked.set()

    def outbox_changed(self) -> None:
        """An alert changed outside the engine (a supervisor's action): deliver its webhooks now."""
        self._outbox.set()

    def start(self, client: httpx.AsyncClient) -> None:
        self._tasks = [
            asyncio.create_task(
                self._loop(
                    self._poked,
                    self.settings.evaluate_every_seconds,
                    self.run_once,
                    # A burst of ingested batches makes one evaluation, not one per batch.
                    gap=self.settings.evaluate_at_most_every_seconds,
                )
            ),
            asyncio.create_task(
                self._loop(self._outbox, self.settings.deliver_every_seconds, lambda: self.deliver(client))
            ),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run_once(self) -> None:
        try:
            changed = await evaluate_rules(
                self.sessions, self.settings, now=utc_now(), lag=await self.lag_probe()
            )
        except IntegrityError:
            # Another replica opened the same alert at the same moment: its version stands.
            log.info("alert evaluation raced with another replica; next round will reconcile")
            return
        if changed:
            self._outbox.set()
            await self.on_changed(changed)

    async def deliver(self, client: httpx.AsyncClient) -> None:
        if self.settings.webhooks:
            await deliver_due(self.sessions, client, self.settings.webhooks, now=utc_now())

    async def _loop(
        self, wake: asyncio.Event, interval: float, work: Callable[[], Awaitable[None]], *, gap: float = 0.0
    ) -> None:
        while True:
            await asyncio.sleep(gap)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=interval)
            wake.clear()
            try:
                await work()
            except Exception:
                log.exception("supervision background work failed; it will run again")
