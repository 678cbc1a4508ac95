"""Supervision settings (env prefix ``SUPERVISION_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import DatabaseSettings, ServiceSettings


class SupervisionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SUPERVISION_", env_nested_delimiter="__", extra="ignore")

    port: int = 8020
    database: DatabaseSettings = Field(
        default_factory=lambda: DatabaseSettings(url="sqlite+aiosqlite:///var/supervision.db")
    )
