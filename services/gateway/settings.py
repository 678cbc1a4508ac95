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


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", env_nested_delimiter="__", extra="ignore")

    port: int = 8443
    tls: TlsSettings = Field(default_factory=TlsSettings)
    # Editors reuse connections (a new mTLS handshake costs ~2 ms of server CPU): keep them open.
    keep_alive_seconds: int = 75
    public_base_url: str = "https://localhost:8443"
