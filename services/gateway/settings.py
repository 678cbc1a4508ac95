"""Gateway settings (env prefix ``GATEWAY_``)."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
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


class ProxySettings(BaseModel):
    """Proxy mode (``GATEWAY_MODE=proxy``): TLS ends at ingress-nginx, which forwards the verified client
    certificate in a header. The header is believed only from a peer in ``trusted_peers`` that also
    proves it is the proxy: by ``shared_secret`` in ``secret_header``, or by connecting with mTLS with a
    certificate of ``client_ca_file`` (the gateway's listener then requires one). See ``proxy.py``."""

    trusted_peers: list[IPv4Network | IPv6Network] = Field(default_factory=list)
    shared_secret: SecretStr | None = None
    secret_header: str = "x-netsynchro-proxy-secret"  # noqa: S105 - a header name, not a secret
    client_ca_file: Path | None = None
    certificate_header: str = "ssl-client-cert"
    verify_header: str = "ssl-client-verify"

    @property
    def requires_mtls(self) -> bool:
        return self.client_ca_file is not None


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", env_nested_delimiter="__", extra="ignore")

    port: int = 8443
    tls: TlsSettings = Field(default_factory=TlsSettings)
    revocation: RevocationSettings = Field(default_factory=RevocationSettings)
    # Editors reuse connections (a new mTLS handshake costs ~2 ms of server CPU): keep them open.
    keep_alive_seconds: int = 75
    public_base_url: str = "https://localhost:8443"
    # "mtls": the gateway terminates TLS itself; "proxy": behind ingress-nginx (see ProxySettings).
    mode: Literal["mtls", "proxy"] = "mtls"
    proxy: ProxySettings = Field(default_factory=ProxySettings)
    # A push whose body stops arriving for this long is answered 408 corps-incomplet and recorded.
    body_read_timeout_seconds: float = 30.0
    # Where sync events wait while NATS is away (see outbox.py); None: in memory.
    outbox_path: Path | None = None

    @model_validator(mode="after")
    def _proxy_mode_proves_the_proxy(self) -> GatewaySettings:
        # A proxy-mode gateway that would believe a certificate header from anyone must not start.
        proxy = self.proxy
        proved = proxy.shared_secret is not None or proxy.requires_mtls
        if self.mode == "proxy" and not (proxy.trusted_peers and proved):
            raise ValueError(
                "proxy mode needs proxy.trusted_peers, and proxy.shared_secret or proxy.client_ca_file"
            )
        return self
