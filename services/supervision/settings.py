"""Supervision settings (env prefix ``SUPERVISION_``; nested with ``__``, lists as JSON)."""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from services.common.academies import resolve_academie
from services.common.auth import AuthSettings
from services.common.settings import DatabaseSettings, ServiceSettings
from services.supervision.alerts.rules import AlertRule, default_rules


class WebhookSettings(BaseModel):
    """Where alerts are POSTed (JSON), optionally signed (HMAC-SHA256 of the body with ``secret``)."""

    name: str
    url: str
    secret: SecretStr | None = None
    academies: list[str] = Field(default_factory=list)  # empty: every alert, national ones included
    timeout_seconds: float = 5.0

    def receives(self, academie: str | None) -> bool:
        if not self.academies:
            return True
        wanted = {a.slug for slug in self.academies if (a := resolve_academie(slug)) is not None}
        return academie in wanted


class AlertSettings(BaseModel):
    rules: list[AlertRule] = Field(default_factory=default_rules)
    evaluate_every_seconds: float = 30.0
    evaluate_at_most_every_seconds: float = 1.0
    webhooks: list[WebhookSettings] = Field(default_factory=list)
    deliver_every_seconds: float = 2.0


class ApiClientSettings(BaseModel):
    """A trusted program reading the API with ``Authorization: Bearer <token>`` (only the token's
    SHA-256 is configured). Its role and académies scope it exactly like a person."""

    name: str
    token_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    role: str = "superviseur-national"
    academies: list[str] = Field(default_factory=list)

    @classmethod
    def for_token(cls, name: str, token: str, **values: object) -> ApiClientSettings:
        return cls(name=name, token_sha256=hashlib.sha256(token.encode()).hexdigest(), **values)


class SupervisionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SUPERVISION_", env_nested_delimiter="__", extra="ignore")

    port: int = 8020
    database: DatabaseSettings = Field(
        default_factory=lambda: DatabaseSettings(url="sqlite+aiosqlite:///var/supervision.db")
    )
    auth: AuthSettings = Field(default_factory=AuthSettings)
    api_clients: list[ApiClientSettings] = Field(default_factory=list)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    # Events fetched and written per transaction: batching is what makes ingestion fast.
    ingest_batch: int = 256
    live_heartbeat_seconds: float = 15.0
    late_after_days: int = 7
    session_purge_every_seconds: float = 600.0
    expiring_within_days: int = 30
    diagnosis_timeout_seconds: float = 5.0
