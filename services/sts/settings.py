"""STS settings (env prefix ``STS_``)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.imports import ImportSettings
from services.common.settings import DatabaseSettings, ServiceSettings

DEV_CURSOR_SECRET = "netsynchro-dev-cursor-secret"  # noqa: S105 - development default, set in production


class StsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STS_", env_nested_delimiter="__", extra="ignore")

    port: int = 8011
    database: DatabaseSettings = Field(
        default_factory=lambda: DatabaseSettings(url="sqlite+aiosqlite:///var/sts.db")
    )
    # Signs the export cursors (HMAC): every replica of STS must share it.
    cursor_secret: str = DEV_CURSOR_SECRET
    # Changes older than this leave the journal; cursors from before get 409 curseur-perime.
    journal_retention: timedelta = timedelta(days=60)
    # Push flow (EDT_STS): worker, safety valve (STS_IMPORTS__VALVE_SHARE...).
    imports: ImportSettings = Field(default_factory=ImportSettings)
