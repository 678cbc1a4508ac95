"""Local accounts, browser sessions, CSRF protection and OIDC sign-in, shared by the web consoles.

Public API (import from here; the submodules are implementation detail):

Settings
    :class:`AuthSettings` (nest it as ``auth`` in a service's settings: ``GINWEB_AUTH__MAX_FAILURES``),
    :class:`OidcSettings` (``…_AUTH__OIDC__ISSUER``, ``__CLIENT_ID``, ``__CLIENT_SECRET``,
    ``__REDIRECT_URI``, ``__USERNAME_CLAIM``): when set, sign-in goes through the provider.
Tables
    :data:`AUTH_MODELS` (:class:`Account`, :class:`WebSession`, the sign-in failure counts): add them to
    the service's ``MODELS``.
    ``Account.role`` and ``Account.scopes`` belong to the service (a head: ``chef-etablissement`` and one
    UAI; a supervisor: académies).
Accounts (service layer, no FastAPI)
    :func:`create_account`, :func:`set_password`, :func:`find_account`, :func:`authenticate` (argon2id,
    the same cost for an unknown user; failures slow down the next attempts per source and per account,
    never a hard lock: :class:`ThrottleSettings`, ``…_AUTH__THROTTLE__…``), :func:`check_strength`,
    :func:`hash_password`, :func:`verify_password`.
Sessions (service layer)
    :func:`open_session`, :func:`load_session`, :func:`rotate_for_login`, :func:`close_all_sessions`,
    :func:`purge_expired` (run it periodically).
Web
    :class:`WebAuth`: ``visit(request, create=...)``, ``require_account`` and ``check_csrf`` (use them as
    dependencies), ``sign_in`` (rotates the session id: anti-fixation), ``sign_out``, ``begin_oidc`` /
    ``complete_oidc``; :class:`SessionCookieMiddleware` writes the cookie (HttpOnly, SameSite, Secure and
    the ``__Host-`` prefix over https). Forms carry ``CSRF_FIELD``; scripts send ``CSRF_HEADER``.
OIDC
    :class:`OidcClient`: authorization code flow with PKCE against the provider's discovery document.
Errors
    :class:`LoginRequired` (401 ``connexion-requise``), :class:`InvalidCredentials` (401
    ``identifiants-invalides``), :class:`SignInThrottled` (429 ``connexion-ralentie``, ``Retry-After``),
    :class:`CsrfRejected`
    (403 ``csrf-invalide``), :class:`WeakPassword` (400 ``mot-de-passe-trop-faible``),
    :class:`OidcFailed` (401 ``oidc-echec``).
"""

from services.common.auth.accounts import (
    authenticate,
    create_account,
    find_account,
    normalized_username,
    set_password,
)
from services.common.auth.errors import (
    CsrfRejected,
    InvalidCredentials,
    LoginRequired,
    OidcFailed,
    SignInThrottled,
    WeakPassword,
)
from services.common.auth.models import AUTH_MODELS, Account, UtcDateTime, WebSession, utc_now
from services.common.auth.oidc import OidcClient, pkce_challenge
from services.common.auth.passwords import check_strength, hash_password, needs_rehash, verify_password
from services.common.auth.sessions import (
    OpenedSession,
    close_all_sessions,
    load_session,
    open_session,
    purge_expired,
    rotate_for_login,
)
from services.common.auth.settings import AuthSettings, OidcSettings
from services.common.auth.throttle import ThrottleSettings
from services.common.auth.web import (
    CSRF_FIELD,
    CSRF_HEADER,
    SessionCookieMiddleware,
    Visit,
    WebAuth,
)

__all__ = [
    "AUTH_MODELS",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "Account",
    "AuthSettings",
    "CsrfRejected",
    "InvalidCredentials",
    "LoginRequired",
    "OidcClient",
    "OidcFailed",
    "OidcSettings",
    "OpenedSession",
    "SessionCookieMiddleware",
    "SignInThrottled",
    "ThrottleSettings",
    "UtcDateTime",
    "Visit",
    "WeakPassword",
    "WebAuth",
    "WebSession",
    "authenticate",
    "check_strength",
    "close_all_sessions",
    "create_account",
    "find_account",
    "hash_password",
    "load_session",
    "needs_rehash",
    "normalized_username",
    "open_session",
    "pkce_challenge",
    "purge_expired",
    "rotate_for_login",
    "set_password",
    "utc_now",
    "verify_password",
]
