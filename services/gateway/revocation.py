"""Keeping the gateway's trust store in step with GIN-WEB: the CRL, then the live stream.

At start-up the feed

1. fetches GIN-WEB's CRL from its stable URL and verifies its signature against the issuing CA the
   gateway already trusts for client certificates, then adds every listed serial;
2. replays the ``REVOCATIONS`` stream with two ephemeral ordered consumers, one per replica and subject
   family: accreditations from the first message (they are not in a CRL), revocations from a little
   before the CRL's ``lastUpdate`` (everything older is in the CRL), or from the first message when
   the CRL could not be had;
3. marks the store ready once both consumers have reached the end of the stream.

Afterwards every event is applied as it arrives. The CRL is fetched again periodically, and at once after
the NATS connection comes back, so a gateway cut off from the bus still converges. Applying anything twice
is harmless: serials go into a set, accreditation messages carry the editor's whole state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import httpx
from cryptography import x509
from nats.aio.msg import Msg
from nats.js.api import ConsumerConfig, DeliverPolicy
from pydantic import BaseModel, ValidationError

from services.common import subjects
from services.common.bus import Bus
from services.common.trustfeed import CertificateRevoked, EditorAccreditation
from services.gateway.settings import RevocationSettings
from services.gateway.trust import TrustStore

log = logging.getLogger(__name__)

_Event = TypeVar("_Event", bound=BaseModel)


class RevocationFeed:
    """The gateway's subscription to GIN-WEB's revocations and accreditations."""

    def __init__(self, bus: Bus, trust: TrustStore, settings: RevocationSettings, ca_file: Path) -> None:
        self.bus, self.trust, self.settings = bus, trust, settings
        self._issuers = x509.load_pem_x509_certificates(ca_file.read_bytes())
        self._caught_up: list[asyncio.Event] = []
        self._subscriptions: list[object] = []
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Catch up (CRL, then stream) and follow; the store is ready once caught up."""
        await self.bus.ensure_streams([subjects.REVOCATIONS])
        crl_time = await self.refresh_crl()
        margin = timedelta(seconds=self.settings.replay_margin_seconds)
        await self._follow(subjects.ACCREDITATION_SUBJECTS, self._on_accreditation, since=None)
        since = crl_time - margin if crl_time is not None else None
        await self._follow(subjects.REVOCATION_SUBJECTS, self._on_revocation, since=since)
        self._spawn(self._refresh_periodically())
        try:
            async with asyncio.timeout(self.settings.catch_up_timeout_seconds):
                await self._mark_ready_when_caught_up()
        except TimeoutError:
            # Start serving readyz (not ready) rather than hang the start-up; become ready later.
            log.error("revocation feed not caught up after %ss", self.settings.catch_up_timeout_seconds)
            self._spawn(self._mark_ready_when_caught_up())

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for subscription in self._subscriptions:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()  # type: ignore[attr-defined]

    async def refresh_crl(self) -> datetime | None:
        """Add the serials of GIN-WEB's current CRL; its ``lastUpdate``, or None when unavailable."""
        if not self.settings.crl_url:
            return None
        try:
            crl = await self._fetch_crl(self.settings.crl_url)
        except (httpx.HTTPError, ValueError) as error:
            log.warning("CRL unavailable at %s: %s", self.settings.crl_url, error)
            return None
        for entry in crl:
            self.trust.revoke(entry.serial_number)
        self.trust.crl_last_update = crl.last_update_utc
        return crl.last_update_utc

    async def _fetch_crl(self, url: str) -> x509.CertificateRevocationList:
        async with httpx.AsyncClient(timeout=self.settings.crl_timeout_seconds) as client:
            response = await client.get(url)
        response.raise_for_status()
        crl = x509.load_der_x509_crl(response.content)
        issuer = next((ca for ca in self._issuers if ca.subject == crl.issuer), None)
        if issuer is None or not crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]
            raise ValueError("CRL not signed by the platform's issuing CA")
        return crl

    async def _follow(self, subject: str, apply: Callable[[bytes], None], *, since: datetime | None) -> None:
        caught_up = asyncio.Event()
        self._caught_up.append(caught_up)

        async def on_message(msg: Msg) -> None:
            apply(msg.data)
            if msg.metadata.num_pending == 0:
                caught_up.set()

        config = ConsumerConfig(
            deliver_policy=DeliverPolicy.BY_START_TIME if since else DeliverPolicy.ALL,
            opt_start_time=since,
        )
        subscription = await self.bus.js.subscribe(
            subject, stream=subjects.REVOCATIONS.name, cb=on_message, ordered_consumer=True, config=config
        )
        self._subscriptions.append(subscription)
        info = await subscription.consumer_info()
        if info.num_pending == 0 and not (info.delivered and info.delivered.consumer_seq):
            caught_up.set()  # nothing to replay: no message will ever say so

    def _on_revocation(self, data: bytes) -> None:
        event = _parsed(CertificateRevoked, data)
        if event is not None:
            self.trust.apply_revocation(event)

    def _on_accreditation(self, data: bytes) -> None:
        event = _parsed(EditorAccreditation, data)
        if event is not None:
            self.trust.apply_accreditation(event)
            log.info("accreditation of %s: active=%s", event.editor, event.active)

    async def _mark_ready_when_caught_up(self) -> None:
        await asyncio.gather(*(event.wait() for event in self._caught_up))
        self.trust.ready = True
        log.info("revocation feed caught up")

    async def _refresh_periodically(self) -> None:
        """Fetch the CRL every ``crl_refresh_seconds``, and at once after a NATS reconnection."""
        reconnects, elapsed = self._reconnects(), 0.0
        while True:
            await asyncio.sleep(1.0)
            elapsed += 1.0
            if self._reconnects() != reconnects or elapsed >= self.settings.crl_refresh_seconds:
                reconnects, elapsed = self._reconnects(), 0.0
                await self.refresh_crl()

    def _reconnects(self) -> int:
        return int(self.bus.nc.stats["reconnects"])

    def _spawn(self, work: Coroutine[None, None, None]) -> None:
        task = asyncio.create_task(work)
        task.add_done_callback(_log_crash)
        self._tasks.append(task)


def _log_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("revocation feed task crashed", exc_info=task.exception())


def _parsed(model: type[_Event], data: bytes) -> _Event | None:
    try:
        return model.model_validate_json(data)
    except ValidationError:
        # One unreadable message must not stop the feed; it is a GIN-WEB bug worth a loud log line.
        log.error("unreadable %s message: %r", model.__name__, data[:200])
        return None
