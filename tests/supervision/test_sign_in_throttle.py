"""The console's sign-in form against a guesser: slowed down at their address (429, Retry-After), never
a lock-out of the supervisor, who signs in from their own address at once."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from tests.supervision.support import PASSWORD, RunningSupervision


@asynccontextmanager
async def browser_at(supervision: RunningSupervision, address: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser at ``address``: the started console app, seen from there."""
    transport = httpx.ASGITransport(supervision.app, client=(address, 50_000))
    async with httpx.AsyncClient(transport=transport, base_url="http://console") as client:
        yield client


async def attempt(client: httpx.AsyncClient, password: str) -> httpx.Response:
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', (await client.get("/connexion")).text)
    assert csrf is not None
    form = {"username": "marie.toulouse", "password": password, "csrf_token": csrf.group(1), "suite": "/"}
    return await client.post("/connexion", data=form)


async def test_a_guesser_waits_and_the_supervisor_signs_in_from_elsewhere(
    supervision: RunningSupervision,
) -> None:
    async with (
        browser_at(supervision, "198.51.100.20") as stranger,
        browser_at(supervision, "10.31.0.7") as marie,
    ):
        failures = [(await attempt(stranger, "Devine-2026-x")).status_code for _ in range(5)]
        throttled = await attempt(stranger, PASSWORD)
        signed_in = await attempt(marie, PASSWORD)
    assert failures == [401] * 5
    assert (throttled.status_code, throttled.headers["retry-after"]) == (429, "1")
    assert "patientez quelques instants" in throttled.text
    assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/")
