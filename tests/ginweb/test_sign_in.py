"""The portal's sign-in form against a guesser: the guesser's address waits longer after each failure
(429 and Retry-After, even with the right password), the head signs in from their own at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from tests.ginweb.stack import HEADS, PASSWORD, Stack, csrf_of
from tests.support.pki import SCHOOL_A


@asynccontextmanager
async def browser_from(stack: Stack, address: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser at ``address``: the portal app, already started by the stack, seen from there."""
    transport = httpx.ASGITransport(stack.ginweb_app, client=(address, 50_000))
    async with httpx.AsyncClient(transport=transport, base_url="http://portail") as client:
        yield client


async def attempt(client: httpx.AsyncClient, password: str) -> httpx.Response:
    token = await csrf_of(client, "/connexion")
    form = {"username": HEADS[SCHOOL_A], "password": password, "csrf_token": token}
    return await client.post("/connexion", data=form)


async def test_a_guesser_is_slowed_down_and_the_head_still_signs_in(stack: Stack) -> None:
    async with browser_from(stack, "203.0.113.9") as stranger, browser_from(stack, "10.1.2.3") as head:
        failures = [(await attempt(stranger, "Devine-2026-x")).status_code for _ in range(5)]
        throttled = await attempt(stranger, PASSWORD)
        signed_in = await attempt(head, PASSWORD)
    assert failures == [401] * 5
    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == "1"
    assert (
        "Trop d&#39;échecs de connexion" in throttled.text or "Trop d'échecs de connexion" in throttled.text
    )
    assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/certificats")
