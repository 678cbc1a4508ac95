"""The sync journal: one row per exchange, one row per event of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, SQLModel


class SyncRecord(SQLModel, table=True):
    __tablename__ = "sync"

    sync_id: str = Field(primary_key=True, max_length=26)
    uai: str | None = Field(default=None, index=True, max_length=8)
    year: int | None = None
    flow: str = Field(index=True, max_length=40)
    direction: str = Field(max_length=10)
    editor: str | None = Field(default=None, index=True, max_length=80)
    product: str | None = Field(default=None, max_length=80)
    certificate_serial: str | None = Field(default=None, max_length=64)
    state: str = Field(index=True, max_length=20)
    started_at: datetime = Field(sa_column=Column(DateTime(timezone=True), index=True, nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    http_status: int | None = None
    problem_code: str | None = Field(default=None, max_length=80)
    message: str | None = None
    duration_ms: float | None = None
    payload_bytes: int | None = None
    payload_sha256: str | None = Field(default=None, max_length=64)
    cursor: str | None = None
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SyncEventRecord(SQLModel, table=True):
    __tablename__ = "sync_event"

    event_id: str = Field(primary_key=True, max_length=26)  # unique: a redelivered event is stored once
    sync_id: str = Field(index=True, max_length=26)
    state: str = Field(max_length=20)
    occurred_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


MODELS: list[type[SQLModel]] = [SyncRecord, SyncEventRecord]
