"""Delivering the webhook outbox: POST each due delivery, retry with back-off, give up after a while.

A delivery is first *claimed* by moving its next attempt past the request's timeout, with a guarded
update (``WHERE next_attempt_at = <the value read>``): two replicas reading the same row cannot both
claim it, on SQLite as on PostgreSQL, with no lock held during the HTTP call. A replica that dies after
claiming leaves the row due again once the claim expires, so nothing is lost (a receiver may get the
same delivery twice in that case: the ``Netsynchro-Delivery`` header lets it deduplicate).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

import httpx
from sqlalchemy import update
from sqlmodel import col, select

from services.common.db import SessionFactory, transaction
from services.supervision.models import WebhookDelivery
from services.supervision.settings import WebhookSettings

log = logging.getLogger(__name__)

BACKOFF_SECONDS = (1, 5, 30, 120, 600, 1800, 3600)
MAX_ATTEMPTS = 12
SIGNATURE_HEADER = "Netsynchro-Signature"
DELIVERY_HEADER = "Netsynchro-Delivery"


def next_delay(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1])


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def deliver_due(
    sessions: SessionFactory,
    client: httpx.AsyncClient,
    webhooks: Sequence[WebhookSettings],
    *,
    now: datetime,
    batch: int = 20,
) -> int:
    """Attempt every due delivery once; returns how many were delivered."""
    targets = {webhook.name: webhook for webhook in webhooks}
    delivered = 0
    for delivery in await _claim_due(sessions, now, batch, claim_for=timedelta(seconds=60)):
        target = targets.get(delivery.webhook)
        error = (
            "webhook retiré de la configuration" if target is None else await _post(client, target, delivery)
        )
        await _settle(sessions, delivery, error, now)
        delivered += error is None
    return delivered


async def _claim_due(
    sessions: SessionFactory, now: datetime, batch: int, *, claim_for: timedelta
) -> list[WebhookDelivery]:
    async with transaction(sessions) as session:
        due = await session.exec(
            select(WebhookDelivery)
            .where(col(WebhookDelivery.delivered_at).is_(None), col(WebhookDelivery.abandoned).is_(False))
            .where(col(WebhookDelivery.next_attempt_at) <= now)
            .order_by(col(WebhookDelivery.id))
            .limit(batch)
        )
        claimed = []
        for delivery in due.all():
            result = await session.exec(
                update(WebhookDelivery)
                .where(col(WebhookDelivery.id) == delivery.id)
                .where(col(WebhookDelivery.next_attempt_at) == delivery.next_attempt_at)
                .values(next_attempt_at=now + claim_for)
            )
            if result.rowcount == 1:
                claimed.append(delivery)
        return claimed


async def _post(client: httpx.AsyncClient, target: WebhookSettings, delivery: WebhookDelivery) -> str | None:
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {"Content-Type": "application/json", DELIVERY_HEADER: str(delivery.id)}
    if target.secret is not None:
        headers[SIGNATURE_HEADER] = signature(target.secret.get_secret_value(), body)
    try:
        response = await client.post(
            target.url, content=body, headers=headers, timeout=target.timeout_seconds
        )
    except httpx.HTTPError as error:
        return f"{type(error).__name__}: {error}"
    if response.is_success:
        return None
    return f"HTTP {response.status_code}"


async def _settle(
    sessions: SessionFactory, delivery: WebhookDelivery, error: str | None, now: datetime
) -> None:
    async with transaction(sessions) as session:
        row = await session.get(WebhookDelivery, delivery.id)
        if row is None:
            return
        row.attempts += 1
        if error is None:
            row.delivered_at, row.last_error = now, None
            return
        row.last_error = error[:500]
        if row.attempts >= MAX_ATTEMPTS:
            row.abandoned = True
            log.error("webhook %s abandoned after %d attempts: %s", row.webhook, row.attempts, error)
        else:
            row.next_attempt_at = now + next_delay(row.attempts)
            log.warning("webhook %s failed (attempt %d): %s", row.webhook, row.attempts, error)
