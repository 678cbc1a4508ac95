"""Schemathesis against every service's OpenAPI document, over real HTTP (the gateway over real TLS
with an editor's client certificate): no 5xx, and every answer (status, media type, body) is the one
the document declares. Bounded: a few deterministic examples per operation, no shrinking."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import requests

from services.common.localnats import NatsProcess
from tests.supervision.support import TOKENS, TOULOUSE_SCHOOL, connected_bus, event, publish
from tests.support.fuzzing import fuzz, fuzz_stateful
from tests.support.pki import SCHOOL_A
from tests.web.conftest import Platform

EXAMPLES = 12


async def document_of(client: httpx.AsyncClient) -> dict:  # type: ignore[type-arg]
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


async def test_the_gateway_answers_as_its_document_says(platform: Platform) -> None:
    edt = platform.stack.pki.clients["school-a-edt"]
    async with platform.stack.editor(edt.cert, edt.key) as editor:
        document = await document_of(editor)
    tls: dict[str, Any] = {"cert": (str(edt.cert), str(edt.key)), "verify": str(platform.stack.pki.root)}
    failures = await asyncio.to_thread(
        fuzz, document, platform.stack.gateway_url, requests.Session(), max_examples=EXAMPLES, **tls
    )
    assert failures == [], "\n\n".join(failures)


async def test_supervision_answers_as_its_document_says(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.supervision.url) as client:
        document = await document_of(client)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKENS['toulouse']}"  # a scoped reader meets 403s too
    # The live feed never ends (tests/supervision/test_scoping.py and test_live_sign_out.py cover it).
    failures = await asyncio.to_thread(
        fuzz,
        document,
        platform.supervision.url,
        session,
        max_examples=EXAMPLES,
        skip=lambda op: "/live" in op,
    )
    assert failures == [], "\n\n".join(failures)


async def test_ginweb_answers_as_its_document_says(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.stack.ginweb_url) as client:
        document = await document_of(client)
    assert set(document["paths"]) == {"/crl", "/ca.pem"}  # the portal's pages are not an API
    failures = await asyncio.to_thread(
        fuzz, document, platform.stack.ginweb_url, requests.Session(), max_examples=EXAMPLES
    )
    assert failures == [], "\n\n".join(failures)


async def test_supervision_follows_its_links_statefully(platform: Platform, fresh_nats: NatsProcess) -> None:
    """From the journal to a sync, to its school and its decision: each step as documented."""
    syncs = [event(TOULOUSE_SCHOOL), event(TOULOUSE_SCHOOL, flow="structures")]
    async with connected_bus(fresh_nats.url) as bus:
        await publish(bus, syncs)
    await platform.supervision.wait_for_syncs(2)
    async with httpx.AsyncClient(base_url=platform.supervision.url) as client:
        document = await document_of(client)
    links = document["paths"]["/api/syncs"]["get"]["responses"]["200"]["links"]
    assert set(links) == {"detail"}
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKENS['toulouse']}"
    asked: list[str] = []
    session.hooks["response"].append(lambda response, *_, **__: asked.append(response.request.path_url))
    failure = await asyncio.to_thread(fuzz_stateful, document, platform.supervision.url, session)
    assert failure is None, failure
    # The link was followed: a real sync's detail was asked for, with the id the list answered.
    assert {f"/api/syncs/{s.sync_id}" for s in syncs} & set(asked)


async def test_the_gateway_answers_as_documented_inside_the_certificates_own_school(
    platform: Platform,
) -> None:
    """The same, with the path pinned to the certificate's school and an open year: the requests get
    past the authorisation to the exports and imports themselves (schools without data here)."""
    edt = platform.stack.pki.clients["school-a-edt"]
    async with platform.stack.editor(edt.cert, edt.key) as editor:
        document = await document_of(editor)
    tls: dict[str, Any] = {"cert": (str(edt.cert), str(edt.key)), "verify": str(platform.stack.pki.root)}
    session, statuses = requests.Session(), set[int]()
    session.hooks["response"].append(lambda response, *_, **__: statuses.add(response.status_code))
    failures = await asyncio.to_thread(
        fuzz,
        document,
        platform.stack.gateway_url,
        session,
        max_examples=EXAMPLES,
        fixed={"path.uai": SCHOOL_A, "path.annee": 2026},
        **tls,
    )
    assert failures == [], "\n\n".join(failures)
    assert statuses - {400, 401, 403}, statuses  # some requests did get past the checks
