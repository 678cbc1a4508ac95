"""GIN-WEB's typed state, built by the lifespan and reached by dependencies."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.auth import OidcClient, WebAuth
from services.common.pki import CertificateAuthority
from services.common.runtime import Runtime
from services.ginweb.crl import CrlPublisher
from services.ginweb.settings import GinwebSettings


@dataclass
class GinwebState:
    settings: GinwebSettings
    runtime: Runtime
    ca: CertificateAuthority
    crl: CrlPublisher
    auth: WebAuth
    oidc: OidcClient | None
