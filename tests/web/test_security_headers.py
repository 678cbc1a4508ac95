"""Every route of every service answers with the security headers, whatever it answers: the routes are
walked from the apps themselves, so a page added tomorrow is checked without touching this test."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
from fastapi import FastAPI

from services.common.security_headers import CONTENT_SECURITY_POLICY, SECURITY_HEADERS
from tests.ginweb.stack import sign_in as sign_in_head
from tests.supervision.test_scoping import sign_in as sign_in_supervisor
from tests.support.pki import SCHOOL_A
from tests.support.routes import http_routes
from tests.web.conftest import Platform

SAMPLES = {"uai": SCHOOL_A, "annee": "2026", "serial": "00", "sync_id": "01J00000000000000000000000"}
SAMPLES |= {"alert_id": "1", "action": "resoudre"}
NOWHERE = "/cette-adresse-n-existe-pas"


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda match: SAMPLES.get(match.group(1), "x"), path)


async def answers(client: httpx.AsyncClient, app: FastAPI) -> AsyncIterator[tuple[str, httpx.Response]]:
    """Every method of every route, as a browser asks (HTML preferred), plus an unknown address."""
    calls = [(method, concrete(route.path)) for route in http_routes(app) for method in route.methods]
    for method, path in [*calls, ("GET", NOWHERE)]:
        # Streamed: the live feed never ends; the headers are all this test reads.
        async with client.stream(method, path, headers={"accept": "text/html"}) as response:
            yield f"{method} {path}", response


def missing_headers(response: httpx.Response, *, tls: bool) -> list[str]:
    expected = dict(SECURITY_HEADERS)
    if tls:
        expected["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    wrong = [name for name, value in expected.items() if response.headers.get(name) != value]
    if not tls and "strict-transport-security" in response.headers:
        wrong.append("Strict-Transport-Security over plain HTTP")
    return wrong


@asynccontextmanager
async def clients(platform: Platform) -> AsyncIterator[list[tuple[httpx.AsyncClient, FastAPI, bool]]]:
    """Each service as its user reaches it, signed in: a head, a supervisor, an editor over mTLS."""
    edt = platform.stack.pki.clients["school-a-edt"]
    async with AsyncExitStack() as stack:
        head = await stack.enter_async_context(httpx.AsyncClient(base_url=platform.stack.ginweb_url))
        await sign_in_head(head, "chef.a")
        supervisor = await stack.enter_async_context(httpx.AsyncClient(base_url=platform.supervision.url))
        await sign_in_supervisor(supervisor, "marie.toulouse")
        editor = await stack.enter_async_context(platform.stack.editor(edt.cert, edt.key))
        internal = [
            await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://service")
            )
            for app in (platform.bee, platform.sts)
        ]
        yield [
            (head, platform.stack.ginweb_app, False),
            (supervisor, platform.supervision.app, False),
            (editor, platform.gateway_routes, True),
            (internal[0], platform.bee, False),
            (internal[1], platform.sts, False),
        ]


async def test_every_response_of_every_service_carries_the_security_headers(platform: Platform) -> None:
    failures: list[str] = []
    pages: set[str] = set()
    async with clients(platform) as services:
        for client, app, tls in services:
            async for call, response in answers(client, app):
                # An unstarted BEE or STS is rightly not ready; nothing else may fail.
                if response.status_code >= 500 and not call.endswith("/readyz"):
                    failures.append(f"{client.base_url} {call}: {response.status_code}")
                failures += [
                    f"{client.base_url} {call}: {name}" for name in missing_headers(response, tls=tls)
                ]
                if response.headers.get("content-type", "").startswith("text/html"):
                    pages.add(f"{client.base_url.port} {call}")
    assert failures == []
    assert_pages_were_reached(pages, platform)


def assert_pages_were_reached(pages: Iterable[str], platform: Platform) -> None:
    """The walk did reach the pages (a broken sign-in would turn them all into redirects)."""
    ginweb, supervision = httpx.URL(platform.stack.ginweb_url).port, httpx.URL(platform.supervision.url).port
    expected = {
        f"{ginweb} GET /certificats",
        f"{ginweb} GET /certificats/nouveau",
        f"{ginweb} GET {NOWHERE}",
        f"{supervision} GET /",
        f"{supervision} GET /synchronisations",
        f"{supervision} GET /alertes",
        f"{supervision} GET {NOWHERE}",
    }
    assert expected <= set(pages), sorted(pages)


def test_the_policy_forbids_inline_code_and_framing() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
