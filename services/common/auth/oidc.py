"""Signing in through an OpenID Connect provider: authorization code flow with PKCE (RFC 7636).

The service redirects the browser to :meth:`OidcClient.authorization_url` after storing ``state``,
``nonce`` and the PKCE ``verifier`` in the (anonymous) session; the provider sends the browser back to
``redirect_uri`` with ``code`` and ``state``; :meth:`OidcClient.finish` exchanges the code and returns the
ID token's claims once checked.

The ID token comes straight from the token endpoint over verified TLS, so per OIDC Core §3.1.3.7 the TLS
check of the issuer stands in for the token's signature; ``iss``, ``aud``, ``exp`` and ``nonce`` are still
checked here. A provider reached without TLS verification would need JWKS signature checks: do not.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from services.common.auth.errors import OidcFailed
from services.common.auth.settings import OidcSettings
from services.common.errors import Unavailable


@dataclass(frozen=True)
class OidcStart:
    """What the session keeps between the redirect to the provider and the return."""

    url: str
    state: str
    nonce: str
    verifier: str


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OidcClient:
    """One provider, its discovery document fetched once and kept."""

    def __init__(self, settings: OidcSettings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self._transport = transport
        self._discovery: dict[str, Any] | None = None

    async def start(self) -> OidcStart:
        """The provider's authorization URL with fresh state, nonce and PKCE verifier."""
        endpoints = await self._endpoints()
        state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
        query = {
            "response_type": "code",
            "client_id": self.settings.client_id,
            "redirect_uri": self.settings.redirect_uri,
            "scope": " ".join(self.settings.scopes),
            "state": state,
            "nonce": nonce,
            "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
        return OidcStart(f"{endpoints['authorization_endpoint']}?{urlencode(query)}", state, nonce, verifier)

    async def finish(
        self, *, code: str, returned_state: str, expected_state: str, nonce: str, verifier: str
    ) -> str:
        """The user name (``username_claim``) of the person the provider authenticated."""
        if not expected_state or not secrets.compare_digest(returned_state, expected_state):
            raise OidcFailed(detail="state différent de celui de la session")
        tokens = await self._exchange(code, verifier)
        claims = self._checked_claims(tokens.get("id_token"), nonce)
        username = claims.get(self.settings.username_claim)
        if not isinstance(username, str) or not username:
            raise OidcFailed(detail=f"revendication {self.settings.username_claim} absente")
        return username

    async def _endpoints(self) -> dict[str, Any]:
        if self._discovery is None:
            url = self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
            document = await self._get_json(url)
            if document.get("issuer") != self.settings.issuer:
                raise OidcFailed(detail="l'émetteur de la découverte ne correspond pas")
            self._discovery = document
        return self._discovery

    async def _exchange(self, code: str, verifier: str) -> dict[str, Any]:
        endpoints = await self._endpoints()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.settings.redirect_uri,
            "client_id": self.settings.client_id,
            "code_verifier": verifier,
        }
        secret = self.settings.client_secret
        auth = (self.settings.client_id, secret.get_secret_value()) if secret else None
        response = await self._send("POST", endpoints["token_endpoint"], data=form, auth=auth)
        if response.status_code != 200:
            raise OidcFailed(detail=f"point de jeton : HTTP {response.status_code}")
        body: dict[str, Any] = response.json()
        return body

    def _checked_claims(self, id_token: object, nonce: str) -> dict[str, Any]:
        claims = _payload(id_token)
        now, skew = time.time(), self.settings.clock_skew_seconds
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        problems = [
            ("iss", claims.get("iss") != self.settings.issuer),
            ("aud", self.settings.client_id not in audiences),
            ("exp", not isinstance(claims.get("exp"), int | float) or claims["exp"] + skew < now),
            ("nonce", not nonce or claims.get("nonce") != nonce),
        ]
        failed = [name for name, bad in problems if bad]
        if failed:
            raise OidcFailed(detail="jeton d'identité refusé : " + ", ".join(failed))
        return claims

    async def _get_json(self, url: str) -> dict[str, Any]:
        response = await self._send("GET", url)
        if response.status_code != 200:
            raise OidcFailed(detail=f"découverte : HTTP {response.status_code}")
        body: dict[str, Any] = response.json()
        return body

    async def _send(self, method: str, url: str, **options: Any) -> httpx.Response:
        try:
            async with httpx.AsyncClient(
                timeout=self.settings.timeout_seconds, transport=self._transport
            ) as client:
                return await client.request(method, url, **options)
        except httpx.HTTPError as error:
            raise Unavailable(
                "Le fournisseur d'identité ne répond pas : réessayez plus tard.", code="oidc-indisponible"
            ) from error


def _payload(id_token: object) -> dict[str, Any]:
    if not isinstance(id_token, str) or id_token.count(".") != 2:
        raise OidcFailed(detail="jeton d'identité absent ou illisible")
    segment = id_token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except ValueError as error:
        raise OidcFailed(detail="jeton d'identité illisible") from error
    if not isinstance(claims, dict):
        raise OidcFailed(detail="jeton d'identité illisible")
    return claims
