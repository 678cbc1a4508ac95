"""Supervision API models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class SyncRead(BaseModel):
    sync_id: str
    uai: str | None
    year: int | None
    flow: str
    direction: str
    editor: str | None
    product: str | None
    certificate_serial: str | None
    state: str
    started_at: datetime
    updated_at: datetime
    http_status: int | None
    problem_code: str | None
    message: str | None
    duration_ms: float | None
    payload_bytes: int | None
    cursor: str | None
    counts: dict[str, Any]


class SyncEventRead(BaseModel):
    event_id: str
    state: str
    occurred_at: datetime
    data: dict[str, Any]


class SyncPage(BaseModel):
    items: list[SyncRead]
    total: int
    limit: int
    offset: int


class SyncDetail(SyncRead):
    events: list[SyncEventRead]
