"""Alert rules fire and resolve on crafted event sequences; webhooks deliver them with retries."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from pydantic import SecretStr
from sqlmodel import select

from services.common.db import SessionFactory, transaction
from services.common.errors import NotFound
from services.common.events import Direction, SyncEvent, SyncState
from services.common.localnats import free_port
from services.supervision.alerts import lifecycle
from services.supervision.alerts.engine import evaluate_rules
from services.supervision.alerts.rules import (
    ConsumerLagRule,
    FailureRateRule,
    HeldImportRule,
    RepeatedRejectionsRule,
    RevokedCertificateRule,
)
from services.supervision.alerts.webhooks import SIGNATURE_HEADER, deliver_due
from services.supervision.journal import record_events
from services.supervision.models import AlertRecord, WebhookDelivery
from services.supervision.scope import NATIONAL, Scope
from services.supervision.settings import AlertSettings, WebhookSettings
from tests.supervision.support import BORDEAUX_SCHOOL, TOULOUSE_SCHOOL, event
from tests.support.servers import serving

NOW = datetime.now(UTC).replace(microsecond=0)
SECRET = "secret-du-webhook"


class Receiver:
    """A local HTTP endpoint that refuses its first ``failures`` calls, then records what it gets."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0
        self.received: list[tuple[dict[str, str], bytes]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.calls += 1
        status = 503 if self.calls <= self.failures else 204
        if status == 204:
            self.received.append(({k.decode(): v.decode() for k, v in scope["headers"]}, body))
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def events(self) -> list[tuple[str, str]]:
        return [(p["event"], p["alert"]["rule"]) for p in (json.loads(body) for _, body in self.received)]


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    app = Receiver(failures=1)
    port = free_port()
    async with serving(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off")):
        yield app, f"http://127.0.0.1:{port}/alertes"


def settings(url: str = "http://127.0.0.1:9/none") -> AlertSettings:
    return AlertSettings(
        rules=[
            FailureRateRule(id="echecs-editeur", window_minutes=30, threshold=0.5, min_syncs=4),
            RepeatedRejectionsRule(id="rejets", window_minutes=30, count=3),
            RevokedCertificateRule(id="revoque", window_minutes=60),
            HeldImportRule(id="retenu"),
            ConsumerLagRule(id="retard", max_pending=100),
        ],
        webhooks=[WebhookSettings(name="astreinte", url=url, secret=SecretStr(SECRET))],
    )


async def record(sessions: SessionFactory, events: list[SyncEvent]) -> None:
    async with transaction(sessions) as session:
        await record_events(session, events)


async def active(sessions: SessionFactory, scope: Scope = NATIONAL) -> dict[str, AlertRecord]:
    async with sessions() as session:
        return {alert.rule: alert for alert in await lifecycle.list_alerts(session, scope)}


def crafted_trouble() -> list[SyncEvent]:
    at = NOW - timedelta(minutes=5)
    held = event(
        TOULOUSE_SCHOOL, SyncState.HELD, sync_id="01JHELD0000000000000000001", flow="emploi-du-temps",
        direction=Direction.IMPORT, at=at, message="Import retenu : 80 % des services supprimés.",
    )  # fmt: skip
    return [
        *[event(editor="alpha", state=SyncState.FAILED, at=at) for _ in range(3)],
        event(editor="alpha", at=at),
        *[event(BORDEAUX_SCHOOL, SyncState.REJECTED, editor="beta", at=at) for _ in range(3)],
        event(
            TOULOUSE_SCHOOL,
            SyncState.REFUSED,
            editor="alpha",
            certificate_serial="dead01",
            problem_code="certificat-revoque",
            at=at,
        ),
        held,
    ]


async def test_rules_fire_on_crafted_sequences_and_resolve_when_causes_go(sessions: SessionFactory) -> None:
    rules = settings()
    await record(sessions, crafted_trouble())
    opened = await evaluate_rules(sessions, rules, now=NOW, lag=150)
    alerts = await active(sessions)

    assert {a.rule for a in opened} == {"echecs-editeur", "rejets", "revoque", "retenu", "retard"}
    assert alerts["echecs-editeur"].key == "editor=alpha|academie=toulouse"
    assert alerts["echecs-editeur"].value == 0.8  # 3 failed and the revoked refusal, of 5 by alpha
    assert (alerts["rejets"].uai, alerts["rejets"].academie) == (BORDEAUX_SCHOOL, "bordeaux")
    assert alerts["revoque"].details["serial"] == "dead01"
    assert alerts["retard"].academie is None

    # Evaluating again with nothing new changes nothing: one alert per rule and key.
    assert await evaluate_rules(sessions, rules, now=NOW, lag=150) == []

    # The held import is applied, the lag is absorbed, and 31 minutes later the windows are clean.
    await record(
        sessions,
        [event(TOULOUSE_SCHOOL, SyncState.APPLIED, sync_id="01JHELD0000000000000000001",
               flow="emploi-du-temps", direction=Direction.IMPORT, at=NOW)],
    )  # fmt: skip
    resolved = await evaluate_rules(sessions, rules, now=NOW + timedelta(minutes=31), lag=0)
    assert {a.rule for a in resolved} == {"echecs-editeur", "rejets", "retenu", "retard"}
    assert set(await active(sessions)) == {"revoque"}  # a revoked certificate is remembered an hour


async def test_an_unknown_lag_neither_opens_nor_resolves_the_lag_alert(sessions: SessionFactory) -> None:
    rules = settings()
    await evaluate_rules(sessions, rules, now=NOW, lag=500)
    assert await evaluate_rules(sessions, rules, now=NOW, lag=None) == []
    assert set(await active(sessions)) == {"retard"}


async def test_supervisors_acknowledge_and_resolve_within_their_scope(sessions: SessionFactory) -> None:
    rules = settings()
    await record(sessions, crafted_trouble())
    await evaluate_rules(sessions, rules, now=NOW, lag=0)
    toulouse = Scope(national=False, academies=frozenset({"toulouse"}))
    alerts = await active(sessions, toulouse)
    assert set(alerts) == {"echecs-editeur", "revoque", "retenu"}  # not Bordeaux's, not the national lag

    async with transaction(sessions) as session:
        acknowledged = await lifecycle.acknowledge(
            session, alerts["retenu"].id or 0, toulouse, by="marie", now=NOW, webhooks=rules.webhooks
        )
    assert (acknowledged.status, acknowledged.acknowledged_by) == ("acknowledged", "marie")
    bordeaux_alert = (await active(sessions))["rejets"]
    async with transaction(sessions) as session:
        with pytest.raises(NotFound):
            await lifecycle.resolve(
                session, bordeaux_alert.id or 0, toulouse, by="marie", now=NOW, webhooks=[]
            )


async def test_webhook_receives_alerts_after_a_retry(
    sessions: SessionFactory, receiver: tuple[Receiver, str]
) -> None:
    app, url = receiver
    rules = settings(url)
    await record(sessions, crafted_trouble()[:4])  # only the failing editor
    await evaluate_rules(sessions, rules, now=NOW, lag=0)
    await evaluate_rules(sessions, rules, now=NOW + timedelta(minutes=31), lag=0)

    async with httpx.AsyncClient() as client:
        assert await deliver_due(sessions, client, rules.webhooks, now=NOW) == 0  # the receiver said 503
        assert await deliver_due(sessions, client, rules.webhooks, now=NOW) == 0  # not due again yet
        delivered = await deliver_due(sessions, client, rules.webhooks, now=NOW + timedelta(minutes=32))

    assert delivered == 2
    assert app.events() == [("alert.opened", "echecs-editeur"), ("alert.resolved", "echecs-editeur")]
    headers, body = app.received[0]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER.lower()] == expected
    async with sessions() as session:
        deliveries = (await session.exec(select(WebhookDelivery))).all()
    assert [(d.attempts, d.delivered_at is not None) for d in deliveries] == [(2, True), (1, True)]
