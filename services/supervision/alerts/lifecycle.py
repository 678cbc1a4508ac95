"""Alerts from open to resolved, and the webhook outbox written in the same transaction.

An alert is identified by its rule and key (``editor=x|academie=y``, ``uai=…``): while the rule keeps
finding that key, the one alert stays open (its figures updated); when the rule stops finding it, the
alert resolves itself. A supervisor may acknowledge an alert (it stays until its cause is gone) or
resolve it by hand (if the cause persists, the next evaluation opens a new one: the cause is real).
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.errors import Conflict, NotFound
from services.supervision.alerts.evaluation import Finding
from services.supervision.models import AlertRecord, WebhookDelivery
from services.supervision.scope import Scope
from services.supervision.settings import WebhookSettings

OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
ACTIVE = (OPEN, ACKNOWLEDGED)


class AlertAction(Protocol):
    """What a supervisor does to an alert: :func:`acknowledge` or :func:`resolve`."""

    def __call__(
        self,
        session: AsyncSession,
        alert_id: int,
        scope: Scope,
        *,
        by: str,
        now: datetime,
        webhooks: Sequence[WebhookSettings],
    ) -> Awaitable[AlertRecord]: ...


async def reconcile(
    session: AsyncSession,
    findings: dict[str, list[Finding]],
    *,
    now: datetime,
    webhooks: Sequence[WebhookSettings],
) -> list[AlertRecord]:
    """Open, update and resolve the alerts of the evaluated rules (``findings`` by rule id); returns the
    alerts that were opened or resolved."""
    active = await _active_alerts(session, findings)
    changed: list[AlertRecord] = []
    for rule_findings in findings.values():
        for finding in rule_findings:
            alert = active.pop((finding.rule, finding.key), None)
            if alert is None:
                changed.append(await _open(session, finding, now, webhooks))
            else:
                _refresh(alert, finding, now)
    for alert in active.values():
        _close(alert, now, by=None)
        _enqueue(session, alert, "alert.resolved", now, webhooks)
        changed.append(alert)
    return changed


async def _active_alerts(
    session: AsyncSession, findings: dict[str, list[Finding]]
) -> dict[tuple[str, str], AlertRecord]:
    found = await session.exec(
        select(AlertRecord).where(
            col(AlertRecord.rule).in_(list(findings)), col(AlertRecord.status).in_(ACTIVE)
        )
    )
    return {(alert.rule, alert.key): alert for alert in found.all()}


async def _open(
    session: AsyncSession, finding: Finding, now: datetime, webhooks: Sequence[WebhookSettings]
) -> AlertRecord:
    alert = AlertRecord(
        rule=finding.rule,
        kind=finding.kind,
        key=finding.key,
        status=OPEN,
        severity=finding.severity,
        academie=finding.academie,
        uai=finding.uai,
        title=finding.title,
        message=finding.message,
        value=finding.value,
        opened_at=now,
        updated_at=now,
        details=finding.details,
    )
    session.add(alert)
    await session.flush()  # the id goes into the webhook payload
    _enqueue(session, alert, "alert.opened", now, webhooks)
    return alert


def _refresh(alert: AlertRecord, finding: Finding, now: datetime) -> None:
    if (alert.message, alert.value) != (finding.message, finding.value):
        alert.message, alert.value, alert.details = finding.message, finding.value, finding.details
        alert.updated_at = now


def _close(alert: AlertRecord, now: datetime, *, by: str | None) -> None:
    alert.status, alert.resolved_at, alert.resolved_by, alert.updated_at = RESOLVED, now, by, now


async def acknowledge(
    session: AsyncSession,
    alert_id: int,
    scope: Scope,
    *,
    by: str,
    now: datetime,
    webhooks: Sequence[WebhookSettings],
) -> AlertRecord:
    alert = await get_alert(session, alert_id, scope)
    if alert.status != OPEN:
        raise Conflict("Seule une alerte ouverte peut être prise en compte.", code="alerte-non-ouverte")
    alert.status, alert.acknowledged_at, alert.acknowledged_by, alert.updated_at = ACKNOWLEDGED, now, by, now
    _enqueue(session, alert, "alert.acknowledged", now, webhooks)
    return alert


async def resolve(
    session: AsyncSession,
    alert_id: int,
    scope: Scope,
    *,
    by: str,
    now: datetime,
    webhooks: Sequence[WebhookSettings],
) -> AlertRecord:
    alert = await get_alert(session, alert_id, scope)
    if alert.status == RESOLVED:
        raise Conflict("Cette alerte est déjà résolue.", code="alerte-deja-resolue")
    _close(alert, now, by=by)
    _enqueue(session, alert, "alert.resolved", now, webhooks)
    return alert


async def get_alert(session: AsyncSession, alert_id: int, scope: Scope) -> AlertRecord:
    alert = await session.get(AlertRecord, alert_id)
    if alert is None or not scope.allows(alert.academie):
        raise NotFound(f"Aucune alerte n° {alert_id}.", code="alerte-introuvable")
    return alert


async def list_alerts(
    session: AsyncSession, scope: Scope, *, statuses: Iterable[str] = ACTIVE, limit: int = 200
) -> Sequence[AlertRecord]:
    statement = select(AlertRecord).where(col(AlertRecord.status).in_(list(statuses)))
    restriction = scope.condition(col(AlertRecord.academie))
    if restriction is not None:
        statement = statement.where(restriction)
    statement = statement.order_by(col(AlertRecord.opened_at).desc(), col(AlertRecord.id).desc()).limit(limit)
    return (await session.exec(statement)).all()


def alert_payload(alert: AlertRecord) -> dict[str, Any]:
    """The alert as JSON: in webhooks and on the live feed."""
    return alert.model_dump(mode="json")


def _enqueue(
    session: AsyncSession, alert: AlertRecord, event: str, now: datetime, webhooks: Sequence[WebhookSettings]
) -> None:
    payload = {"event": event, "alert": alert_payload(alert)}
    for webhook in webhooks:
        if webhook.receives(alert.academie):
            session.add(
                WebhookDelivery(
                    webhook=webhook.name,
                    alert_id=alert.id or 0,
                    payload=payload,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
