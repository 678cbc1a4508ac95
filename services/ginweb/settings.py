"""GIN-WEB settings (env prefix ``GINWEB_``, nested with ``__``: ``GINWEB_AUTH__MAX_FAILURES=5``)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from services.common.auth import AuthSettings
from services.common.settings import DatabaseSettings, ServiceSettings
from services.ginweb.certificates import Policy


class CaSettings(BaseModel):
    """Where the CA's files are: root certificate, issuing certificate and issuing key (the root key
    may stay offline). ``make run`` points at the development PKI in ``certs/``."""

    folder: Path = Path("certs")
    key_passphrase: SecretStr | None = None


class IssuanceSettings(BaseModel):
    validity_margin_days: int = 30  # beyond 31 August ending the school year
    renewal_grace_days: int = 14
    pkcs12_password_min_length: int = 12

    def policy(self) -> Policy:
        return Policy(
            validity_margin=timedelta(days=self.validity_margin_days),
            renewal_grace=timedelta(days=self.renewal_grace_days),
            password_min_length=self.pkcs12_password_min_length,
        )


class GinwebSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GINWEB_", env_nested_delimiter="__", extra="ignore")

    port: int = 8030
    database: DatabaseSettings = Field(
        default_factory=lambda: DatabaseSettings(url="sqlite+aiosqlite:///var/ginweb.db")
    )
    ca: CaSettings = Field(default_factory=CaSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    issuance: IssuanceSettings = Field(default_factory=IssuanceSettings)
    # A short nextUpdate bounds how long a CRL-only consumer trusts a stale list.
    crl_next_update_seconds: int = 600
    # Grace periods ending, expired sessions, outbox messages the bus refused: checked this often.
    maintenance_interval_seconds: float = 30.0
