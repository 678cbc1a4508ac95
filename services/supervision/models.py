"""Supervision's tables: the sync journal and what is derived from it, alerts and their webhook outbox.

Indexes follow the console's filters: every filter column is paired with ``started_at`` so that a
filtered page of the most recent syncs reads one index range, whatever the size of the journal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, false, text
from sqlmodel import Field, SQLModel

from services.common.auth import AUTH_MODELS, UtcDateTime


def _utc(*, index: bool = False, nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), index=index, nullable=nullable))


class SyncRecord(SQLModel, table=True):
    """One exchange, summarised from all its events."""

    __tablename__ = "sync"
    __table_args__ = (
        Index("ix_sync_started", "started_at", "sync_id"),
        Index("ix_sync_academie_started", "academie", "started_at", "sync_id"),
        Index("ix_sync_uai_started", "uai", "started_at", "sync_id"),
        Index("ix_sync_editor_started", "editor", "started_at", "sync_id"),
        Index("ix_sync_product_started", "product", "started_at", "sync_id"),
        Index("ix_sync_flow_started", "flow", "started_at", "sync_id"),
        Index("ix_sync_state_started", "state", "started_at", "sync_id"),
        Index("ix_sync_hour", "started_hour"),
        # An academic supervisor's filters always come with their académie: lead with it.
        Index("ix_sync_academie_state", "academie", "state", "started_at"),
        Index("ix_sync_academie_editor", "academie", "editor", "started_at"),
        Index("ix_sync_academie_flow", "academie", "flow", "started_at"),
    )

    sync_id: str = Field(primary_key=True, max_length=26)
    uai: str | None = Field(default=None, max_length=8)
    academie: str | None = Field(default=None, max_length=40)
    year: int | None = None
    flow: str = Field(max_length=40)
    direction: str = Field(max_length=10)
    editor: str | None = Field(default=None, max_length=80)
    product: str | None = Field(default=None, max_length=80)
    certificate_serial: str | None = Field(default=None, max_length=64)
    state: str = Field(max_length=20)
    started_at: datetime = _utc()
    updated_at: datetime = _utc()
    finished_at: datetime | None = _utc(nullable=True)
    # Hours since the epoch: "syncs per hour" groups on a plain integer, the same on every backend.
    started_hour: int = 0
    http_status: int | None = None
    problem_code: str | None = Field(default=None, max_length=80)
    message: str | None = None
    duration_ms: float | None = None
    payload_bytes: int | None = None
    payload_sha256: str | None = Field(default=None, max_length=64)
    cursor: str | None = None
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    event_count: int = 0
    # A dry run (push with simulation): it changed nothing; ``verdict`` is what a real import would be.
    simulation: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    verdict: str | None = Field(default=None, max_length=20)


class SyncEventRecord(SQLModel, table=True):
    __tablename__ = "sync_event"

    event_id: str = Field(primary_key=True, max_length=26)  # unique: a redelivered event is stored once
    sync_id: str = Field(index=True, max_length=26)
    state: str = Field(max_length=20)
    occurred_at: datetime = _utc()
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SyncReport(SQLModel, table=True):
    """The per-record report of an import, apart from the hot ``sync`` table that lists read."""

    __tablename__ = "sync_report"

    sync_id: str = Field(primary_key=True, max_length=26)
    entries: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class SchoolActivity(SQLModel, table=True):
    """The last exchange of each flow by each school: late schools without scanning the journal."""

    __tablename__ = "school_activity"
    __table_args__ = (Index("ix_school_activity_academie", "academie", "flow"),)

    uai: str = Field(primary_key=True, max_length=8)
    flow: str = Field(primary_key=True, max_length=40)
    academie: str | None = Field(default=None, max_length=40)
    # Since when the school exchanges this flow: a flow is late only once it was expected that long.
    first_sync_at: datetime | None = _utc(nullable=True)
    last_sync_at: datetime = _utc()
    last_state: str = Field(max_length=20)
    last_success_at: datetime | None = _utc(nullable=True)
    sync_count: int = 0


class CertificateRecord(SQLModel, table=True):
    """An editor certificate as seen in events: issued by GIN-WEB, or used at the gateway."""

    __tablename__ = "supervised_certificate"

    serial: str = Field(primary_key=True, max_length=64)
    uai: str | None = Field(default=None, max_length=8)
    academie: str | None = Field(default=None, max_length=40, index=True)
    editor: str | None = Field(default=None, max_length=80)
    product: str | None = Field(default=None, max_length=80)
    not_after: datetime | None = _utc(index=True, nullable=True)
    revoked_at: datetime | None = _utc(nullable=True)
    last_used_at: datetime | None = _utc(nullable=True)


class AlertRecord(SQLModel, table=True):
    """One alert: a rule's finding for one key (an editor, a school, a sync...), from open to resolved."""

    __tablename__ = "alert"
    __table_args__ = (
        Index("ix_alert_rule_key", "rule", "key", "status"),
        # At most one unresolved alert per rule and key, even with two replicas evaluating at once.
        Index(
            "ux_alert_active",
            "rule",
            "key",
            unique=True,
            sqlite_where=text("status != 'resolved'"),
            postgresql_where=text("status != 'resolved'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    rule: str = Field(max_length=80)
    kind: str = Field(max_length=40)
    key: str = Field(max_length=200)
    status: str = Field(max_length=20, index=True)  # open | acknowledged | resolved
    severity: str = Field(default="warning", max_length=20)
    academie: str | None = Field(default=None, max_length=40, index=True)
    uai: str | None = Field(default=None, max_length=8)
    title: str
    message: str
    value: float | None = None
    opened_at: datetime = _utc()
    updated_at: datetime = _utc()
    acknowledged_at: datetime | None = _utc(nullable=True)
    acknowledged_by: str | None = Field(default=None, max_length=120)
    resolved_at: datetime | None = _utc(nullable=True)
    resolved_by: str | None = Field(default=None, max_length=120)  # None: resolved by its rule
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class WebhookDelivery(SQLModel, table=True):
    """The outbox: written in the transaction that changes an alert, delivered later with retries."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_due", "delivered_at", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    webhook: str = Field(max_length=80)
    alert_id: int
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    attempts: int = 0
    next_attempt_at: datetime = _utc()
    delivered_at: datetime | None = _utc(nullable=True)
    abandoned: bool = False
    last_error: str | None = None
    created_at: datetime = _utc()


JOURNAL_MODELS: list[type[SQLModel]] = [
    SyncRecord,
    SyncEventRecord,
    SyncReport,
    SchoolActivity,
    CertificateRecord,
]
ALERT_MODELS: list[type[SQLModel]] = [AlertRecord, WebhookDelivery]
MODELS: list[type[SQLModel]] = [*JOURNAL_MODELS, *ALERT_MODELS, *AUTH_MODELS]
