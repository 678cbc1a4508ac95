"""Settings of local accounts, sessions and the optional OIDC provider.

A service nests :class:`AuthSettings` in its own settings (``GINWEB_AUTH__SESSION_IDLE_MINUTES=30``,
``SUPERVISION_AUTH__OIDC__ISSUER=https://…``). Every field has a safe default for the embedded setup.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr

from services.common.auth.throttle import ThrottleSettings


class OidcSettings(BaseModel):
    """An OpenID Connect provider replacing local passwords (authorization code flow with PKCE).

    The provider proves who the user is; what they may see (role, scopes) still comes from the local
    account whose ``username`` equals the ``username_claim`` of the ID token, created by an operator
    without a password. A user the platform does not know is refused even if the provider knows them.
    """

    issuer: str  # e.g. https://idp.ac-toulouse.fr/realms/agents; discovery is read from it
    client_id: str
    client_secret: SecretStr | None = None  # None for a public client (PKCE alone)
    redirect_uri: str  # the service's own callback, e.g. https://ginweb.example/connexion/oidc/retour
    scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"])
    username_claim: str = "email"
    timeout_seconds: float = 10.0
    # Leeway for the provider's clock when checking the ID token's exp/iat.
    clock_skew_seconds: int = 60


class AuthSettings(BaseModel):
    """Local accounts and browser sessions."""

    cookie_name: str = "session"
    # None: Secure exactly when the request came over https. True forces it (behind a TLS proxy).
    secure_cookies: bool | None = None
    same_site: str = "lax"  # "strict" breaks the return from an OIDC provider, which is a cross-site GET
    session_idle_minutes: int = 30
    session_absolute_hours: int = 10
    anonymous_session_minutes: int = 30
    throttle: ThrottleSettings = ThrottleSettings()
    password_min_length: int = 12
    oidc: OidcSettings | None = None
