"""services.common.auth.oidc against a fake provider at the HTTP boundary (httpx.MockTransport)."""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from services.common.auth import OidcClient, OidcFailed, OidcSettings, pkce_challenge
from services.common.errors import Unavailable

ISSUER = "https://idp.example/realms/agents"
SETTINGS = OidcSettings(
    issuer=ISSUER, client_id="ginweb", client_secret="s3cret", redirect_uri="https://ginweb/retour"
)


def jwt(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2lnbmF0dXJl"


@dataclass
class FakeProvider:
    """Authorizes whoever asks, as ``email``; checks PKCE and client authentication at the token endpoint."""

    email: str = "chef.0310053p@ac-toulouse.fr"
    claims_override: dict[str, Any] = field(default_factory=dict)
    grants: dict[str, dict[str, str]] = field(default_factory=dict)

    def authorize(self, url: str) -> tuple[str, str]:
        """(code, state) as the provider would put them in the redirect back."""
        query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
        assert query["code_challenge_method"] == "S256"
        code = secrets.token_urlsafe(8)
        self.grants[code] = query
        return code, query["state"]

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(200, json=self.discovery())
        form = {key: values[0] for key, values in parse_qs(request.content.decode()).items()}
        grant = self.grants.pop(form["code"], None)
        expected_auth = "Basic " + base64.b64encode(b"ginweb:s3cret").decode()
        if grant is None or request.headers.get("authorization") != expected_auth:
            return httpx.Response(400, json={"error": "invalid_grant"})
        if pkce_challenge(form["code_verifier"]) != grant["code_challenge"]:
            return httpx.Response(400, json={"error": "invalid_grant"})
        claims = {"iss": ISSUER, "aud": "ginweb", "exp": int(time.time()) + 300, "nonce": grant["nonce"]}
        return httpx.Response(
            200, json={"id_token": jwt({**claims, "email": self.email, **self.claims_override})}
        )

    def discovery(self) -> dict[str, str]:
        return {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/auth",
            "token_endpoint": f"{ISSUER}/token",
        }


async def run_flow(provider: FakeProvider, *, tamper_state: bool = False) -> str:
    client = OidcClient(SETTINGS, transport=httpx.MockTransport(provider.handle))
    start = await client.start()
    code, state = provider.authorize(start.url)
    return await client.finish(
        code=code,
        returned_state=state + ("x" if tamper_state else ""),
        expected_state=start.state,
        nonce=start.nonce,
        verifier=start.verifier,
    )


async def test_code_flow_with_pkce_returns_the_username_claim() -> None:
    assert await run_flow(FakeProvider()) == "chef.0310053p@ac-toulouse.fr"


async def test_state_mismatch_is_refused_before_any_exchange() -> None:
    with pytest.raises(OidcFailed):
        await run_flow(FakeProvider(), tamper_state=True)


@pytest.mark.parametrize(
    "override",
    [{"nonce": "rejoue"}, {"aud": "autre-client"}, {"iss": "https://pirate"}, {"exp": 1}],
    ids=["nonce", "audience", "issuer", "expired"],
)
async def test_id_token_with_a_bad_claim_is_refused(override: dict[str, Any]) -> None:
    with pytest.raises(OidcFailed) as caught:
        await run_flow(FakeProvider(claims_override=override))
    assert "jeton d'identité refusé" in (caught.value.detail or "")


async def test_unreachable_provider_is_unavailable_not_a_crash() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = OidcClient(SETTINGS, transport=httpx.MockTransport(refuse))
    with pytest.raises(Unavailable) as caught:
        await client.start()
    assert caught.value.code == "oidc-indisponible"
