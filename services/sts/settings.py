"""STS settings (env prefix ``STS_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import DatabaseSettings, ServiceSettings


class StsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STS_", env_nested_delimiter="__", extra="ignore")

    port: int = 8011
    database: DatabaseSettings = Field(
        default_factory=lambda: DatabaseSettings(url="sqlite+aiosqlite:///var/sts.db")
    )
