"""Supervision API models (JSON answers and the messages of the live feed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from services.common.contracts import ReportEntry


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SyncRead(_Read):
    sync_id: str
    uai: str | None
    academie: str | None
    year: int | None
    flow: str
    direction: str
    editor: str | None
    product: str | None
    certificate_serial: str | None
    state: str
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    http_status: int | None
    problem_code: str | None
    message: str | None
    duration_ms: float | None
    payload_bytes: int | None
    payload_sha256: str | None
    cursor: str | None
    counts: dict[str, Any]
    event_count: int
    simulation: bool = False
    verdict: str | None = None


class SyncEventRead(_Read):
    event_id: str
    state: str
    occurred_at: datetime
    data: dict[str, Any]


class SyncPage(BaseModel):
    items: list[SyncRead]
    total: int
    total_is_exact: bool
    limit: int
    offset: int
    next_cursor: str | None


class SyncDetail(SyncRead):
    events: list[SyncEventRead]
    report: list[ReportEntry]


class LiveSync(SyncRead):
    """A sync as the live feed announces it: ``created`` for a new one, else its state moved. It travels
    between supervision's replicas (``supervision.live.<académie>``): an unknown field is refused."""

    model_config = ConfigDict(from_attributes=True, extra="forbid")

    created: bool
    previous_state: str | None


class HourCountRead(BaseModel):
    hour: datetime
    total: int
    errors: int


class ErrorRateRead(BaseModel):
    key: str
    total: int
    errors: int
    rate: float


class StatsRead(BaseModel):
    since: datetime
    per_hour: list[HourCountRead]
    by_editor: list[ErrorRateRead]
    by_flow: list[ErrorRateRead]
    by_academie: list[ErrorRateRead]


class LateSchoolRead(BaseModel):
    uai: str
    academie: str | None
    flow: str
    last_success_at: datetime | None
    last_sync_at: datetime | None


class CertificateRead(_Read):
    serial: str
    uai: str | None
    academie: str | None
    editor: str | None
    product: str | None
    not_after: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class AlertRead(_Read):
    id: int
    rule: str
    kind: str
    key: str
    status: str
    severity: str
    academie: str | None
    uai: str | None
    title: str
    message: str
    value: float | None
    opened_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    details: dict[str, Any]


class AcademieRead(BaseModel):
    slug: str
    number: str
    name: str
    departements: list[str]


class MeRead(BaseModel):
    username: str
    display_name: str
    national: bool
    academies: list[AcademieRead]


class ActivityRead(_Read):
    flow: str
    last_sync_at: datetime
    last_state: str
    last_success_at: datetime | None
    sync_count: int


class SchoolRead(BaseModel):
    uai: str
    departement: str
    academie: AcademieRead | None
    activity: list[ActivityRead]
    recent: list[SyncRead]


class CheckRead(BaseModel):
    label: str
    verdict: str
    detail: str
    advice: str | None
    sync_id: str | None


class DiagnosisRead(BaseModel):
    uai: str
    year: int
    group_code: str
    teacher: str | None
    checks: list[CheckRead]
    conclusion: str
