"""What each rule finds in the journal now: one :class:`Finding` per key that is in breach.

Every rule is re-evaluated as a whole (on ingestion and on a timer) rather than updated event by event:
a window that slides past old failures resolves its alert with no new event at all, and a replica that
restarts needs no in-memory state to carry on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, case, cast
from sqlalchemy import select as select_columns
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.events import SyncState
from services.supervision.activity import ERROR_STATES
from services.supervision.alerts.rules import (
    AlertRule,
    ConsumerLagRule,
    FailureRateRule,
    HeldImportRule,
    RepeatedRejectionsRule,
    RevokedCertificateRule,
)
from services.supervision.models import SyncRecord
from services.supervision.sql import fetch_rows

REVOKED_CODE = "certificat-revoque"
_ERRORS = sorted(state.value for state in ERROR_STATES)
_REJECTIONS = [SyncState.REJECTED.value, SyncState.REFUSED.value]
_DIMENSION_LABELS = {"editor": "l'éditeur", "flow": "le flux", "product": "le produit"}


@dataclass(frozen=True)
class Finding:
    rule: str
    kind: str
    key: str
    severity: str
    title: str
    message: str
    academie: str | None = None
    uai: str | None = None
    value: float | None = None
    details: dict[str, Any] = field(default_factory=dict)


async def evaluate(
    session: AsyncSession, rule: AlertRule, *, now: datetime, lag: int | None
) -> list[Finding] | None:
    """The rule's findings, or None when it cannot be evaluated now (the lag is unknown)."""
    if isinstance(rule, FailureRateRule):
        return await _failure_rate(session, rule, now)
    if isinstance(rule, RepeatedRejectionsRule):
        return await _repeated_rejections(session, rule, now)
    if isinstance(rule, RevokedCertificateRule):
        return await _revoked_certificates(session, rule, now)
    if isinstance(rule, HeldImportRule):
        return await _held_imports(session, rule, now)
    return _consumer_lag(rule, lag)


async def _failure_rate(session: AsyncSession, rule: FailureRateRule, now: datetime) -> list[Finding]:
    dimension = col(getattr(SyncRecord, rule.dimension))
    academie = col(SyncRecord.academie)
    errors = func.sum(cast(case((col(SyncRecord.state).in_(_ERRORS), 1), else_=0), Integer))
    groups = [dimension, academie] if rule.per_academie else [dimension]
    statement = (
        select_columns(*groups, func.count(), errors)
        .where(col(SyncRecord.started_at) >= now - timedelta(minutes=rule.window_minutes))
        .where(dimension.is_not(None))
        .group_by(*groups)
    )
    findings = []
    for row in await fetch_rows(session, statement):
        value, where = row[0], row[1] if rule.per_academie else None
        total, failed = row[-2], row[-1] or 0
        if total >= rule.min_syncs and failed / total >= rule.threshold:
            findings.append(_failure_finding(rule, value, where, total, failed))
    return findings


def _failure_finding(
    rule: FailureRateRule, value: str, academie: str | None, total: int, failed: int
) -> Finding:
    label = _DIMENSION_LABELS[rule.dimension]
    where = f" (académie {academie})" if academie else ""
    return Finding(
        rule=rule.id,
        kind=rule.kind,
        key=f"{rule.dimension}={value}|academie={academie or '*'}",
        severity=rule.severity,
        title=f"Taux d'échec élevé pour {label} {value}{where}",
        message=(
            f"{failed} échanges en erreur sur {total} ({failed / total:.0%}) "
            f"dans les {rule.window_minutes} dernières minutes."
        ),
        academie=academie,
        value=round(failed / total, 4),
        details={rule.dimension: value, "total": total, "errors": failed},
    )


async def _repeated_rejections(
    session: AsyncSession, rule: RepeatedRejectionsRule, now: datetime
) -> list[Finding]:
    statement = (
        select(col(SyncRecord.uai), col(SyncRecord.academie), func.count())
        .where(col(SyncRecord.started_at) >= now - timedelta(minutes=rule.window_minutes))
        .where(col(SyncRecord.state).in_(_REJECTIONS), col(SyncRecord.uai).is_not(None))
        .group_by(col(SyncRecord.uai), col(SyncRecord.academie))
        .having(func.count() >= rule.count)
    )
    return [
        Finding(
            rule=rule.id,
            kind=rule.kind,
            key=f"uai={uai}",
            severity=rule.severity,
            title=f"Rejets répétés pour l'établissement {uai}",
            message=f"{count} échanges rejetés ou refusés dans les {rule.window_minutes} dernières minutes.",
            academie=academie,
            uai=uai,
            value=count,
        )
        for uai, academie, count in (await session.exec(statement)).all()
    ]


async def _revoked_certificates(
    session: AsyncSession, rule: RevokedCertificateRule, now: datetime
) -> list[Finding]:
    serial = col(SyncRecord.certificate_serial)
    statement = (
        select_columns(
            serial, col(SyncRecord.uai), col(SyncRecord.academie), col(SyncRecord.editor), func.count()
        )
        .where(col(SyncRecord.started_at) >= now - timedelta(minutes=rule.window_minutes))
        .where(col(SyncRecord.problem_code) == REVOKED_CODE, serial.is_not(None))
        .group_by(serial, col(SyncRecord.uai), col(SyncRecord.academie), col(SyncRecord.editor))
    )
    return [
        Finding(
            rule=rule.id,
            kind=rule.kind,
            key=f"serial={serial_value}",
            severity=rule.severity,
            title=f"Certificat révoqué encore utilisé par {uai or 'un établissement inconnu'}",
            message=(
                f"Le certificat {serial_value} ({editor or 'éditeur inconnu'}) a été présenté {count} fois "
                "après sa révocation : le logiciel de l'établissement doit recevoir un nouveau certificat."
            ),
            academie=academie,
            uai=uai,
            value=count,
            details={"serial": serial_value, "editor": editor},
        )
        for serial_value, uai, academie, editor, count in await fetch_rows(session, statement)
    ]


async def _held_imports(session: AsyncSession, rule: HeldImportRule, now: datetime) -> list[Finding]:
    statement = (
        select(SyncRecord)
        .where(col(SyncRecord.state) == SyncState.HELD.value)
        .where(col(SyncRecord.updated_at) <= now - timedelta(minutes=rule.min_minutes))
        .order_by(col(SyncRecord.started_at))
        .limit(500)
    )
    return [
        Finding(
            rule=rule.id,
            kind=rule.kind,
            key=f"sync={record.sync_id}",
            severity=rule.severity,
            title=f"Import {record.flow} retenu pour {record.uai}",
            message=record.message
            or "L'import a été retenu par la soupape de sécurité : il attend une décision.",
            academie=record.academie,
            uai=record.uai,
            details={"sync_id": record.sync_id, "flow": record.flow, "counts": record.counts},
        )
        for record in (await session.exec(statement)).all()
    ]


def _consumer_lag(rule: ConsumerLagRule, lag: int | None) -> list[Finding] | None:
    if lag is None:
        return None
    if lag < rule.max_pending:
        return []
    return [
        Finding(
            rule=rule.id,
            kind=rule.kind,
            key="consumer=journal",
            severity=rule.severity,
            title="Le journal de supervision prend du retard",
            message=f"{lag} événements attendent d'être enregistrés (seuil : {rule.max_pending}).",
            value=lag,
        )
    ]
