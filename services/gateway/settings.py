"""Gateway settings (env prefix ``GATEWAY_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class TlsSettings(BaseModel):
    """The gateway's server certificate and the CA chain that client certificates must chain to."""

    certfile: Path = Path("certs/gateway.crt.pem")
    keyfile: Path = Path("certs/gateway.key.pem")
    client_ca_file: Path = Path("certs/ca-chain.pem")
    handshake_timeout: float = 10.0


class RevocationSettings(BaseModel):
    """Where GIN-WEB's CRL is (``GATEWAY_REVOCATION__CRL_URL``) and how the feed catches up with it."""

    crl_url: str | None = None  # e.g. http://127.0.0.1:8030/crl; None: the stream alone
    crl_refresh_seconds: float = 60.0
    crl_timeout_seconds: float = 5.0
    catch_up_timeout_seconds: float = 10.0
    # Replay revocation events from this long before the CRL's lastUpdate: clocks of GIN-WEB and of
    # the NATS server may differ.
    replay_margin_seconds: int = 300


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", env_nested_delimiter="__", extra="ignore")

    port: int = 8443
    tls: TlsSettings = Field(default_factory=TlsSettings)
    revocation: RevocationSettings = Field(default_factory=RevocationSettings)
    # Editors reuse connections (a new mTLS handshake costs ~2 ms of server CPU): keep them open.
    keep_alive_seconds: int = 75
    public_base_url: str = "https://localhost:8443"
