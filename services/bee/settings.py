"""BEE settings (env prefix ``BEE_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import DatabaseSettings, ServiceSettings


class BeeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BEE_", env_nested_delimiter="__", extra="ignore")

    port: int = 8010
    database: DatabaseSettings = Field(
        default_factory=lambda: DatabaseSettings(url="sqlite+aiosqlite:///var/bee.db")
    )
