"""A supervisor of one académie never sees another's schools: in the API, the live feed and the pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.common.auth import find_account
from services.common.db import create_engine, session_factory
from services.common.events import SyncState
from services.common.localnats import NatsProcess
from services.common.settings import DatabaseSettings
from services.supervision.accounts import ensure_supervisor
from services.supervision.settings import SupervisionSettings
from tests.supervision.sse import live_feed
from tests.supervision.support import (
    BORDEAUX_SCHOOL,
    CORSE_SCHOOL,
    PASSWORD,
    TOULOUSE_OTHER,
    TOULOUSE_SCHOOL,
    RunningSupervision,
    connected_bus,
    event,
    eventually,
    publish,
)

SCHOOLS = (TOULOUSE_SCHOOL, TOULOUSE_OTHER, BORDEAUX_SCHOOL, CORSE_SCHOOL)


@pytest.fixture
async def journal(supervision: RunningSupervision, fresh_nats: NatsProcess) -> dict[str, str]:
    """One served sync per school, one failed ten days ago (so that each school has been expected to
    pull the students for longer than the week after which a flow is late), plus a refusal before any
    school was named."""
    ten_days_ago = datetime.now(UTC) - timedelta(days=10)
    events = [
        *[event(uai, SyncState.SERVED) for uai in SCHOOLS],
        *[event(uai, SyncState.FAILED, at=ten_days_ago) for uai in SCHOOLS],
    ]
    events.append(event(None, SyncState.REFUSED, flow="authentification", editor=None, product=None))
    async with connected_bus(fresh_nats.url) as bus:
        await publish(bus, events)
    await supervision.wait_for_syncs(len(events))
    return {e.uai or "none": e.sync_id for e in events}


async def sign_in(client: httpx.AsyncClient, username: str) -> None:
    page = await client.get("/connexion")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    form = {"username": username, "password": PASSWORD, "csrf_token": csrf.group(1), "suite": "/"}
    response = await client.post("/connexion", data=form)
    assert response.status_code == 303, response.text


async def test_api_lists_only_the_readers_academies(
    supervision: RunningSupervision, journal: dict[str, str]
) -> None:
    async with supervision.api("toulouse") as toulouse, supervision.api("national") as national:
        mine = (await toulouse.get("/api/syncs", params={"limit": 100})).json()
        everything = (await national.get("/api/syncs", params={"limit": 100})).json()
        by_uai = (await toulouse.get("/api/syncs", params={"uai": BORDEAUX_SCHOOL})).json()
        other_academie = await toulouse.get("/api/syncs", params={"academie": "bordeaux"})
        other_sync = await toulouse.get(f"/api/syncs/{journal[BORDEAUX_SCHOOL]}")
        other_school = await toulouse.get(f"/api/schools/{BORDEAUX_SCHOOL}")
        stats = (await toulouse.get("/api/stats")).json()
        late = (await toulouse.get("/api/late-schools", params={"flow": "eleves"})).json()

    assert {item["uai"] for item in mine["items"]} == {TOULOUSE_SCHOOL, TOULOUSE_OTHER}
    assert mine["total"] == 4
    assert everything["total"] == 9  # the national supervisor also sees the refusal with no school
    assert by_uai["items"] == []
    assert (other_academie.status_code, other_academie.json()["code"]) == (403, "hors-perimetre")
    assert (other_sync.status_code, other_sync.json()["code"]) == (404, "synchronisation-introuvable")
    assert other_school.status_code == 403
    assert [row["key"] for row in stats["by_academie"]] == ["toulouse"]
    assert {row["uai"] for row in late} == {TOULOUSE_SCHOOL, TOULOUSE_OTHER}


async def test_api_requires_a_known_token_or_a_session(supervision: RunningSupervision) -> None:
    async with httpx.AsyncClient(base_url=supervision.url) as anonymous:
        nobody = await anonymous.get("/api/syncs")
        forged = await anonymous.get("/api/syncs", headers={"Authorization": "Bearer forged"})
    assert (nobody.status_code, nobody.json()["code"]) == (401, "connexion-requise")
    assert (forged.status_code, forged.json()["code"]) == (401, "jeton-invalide")


async def test_live_feed_carries_only_the_readers_academies(
    supervision: RunningSupervision, fresh_nats: NatsProcess
) -> None:
    events = [event(uai) for uai in SCHOOLS]
    async with (
        supervision.api("toulouse") as toulouse,
        supervision.api("national") as national,
        live_feed(toulouse) as toulouse_feed,
        live_feed(national) as national_feed,
    ):
        async with connected_bus(fresh_nats.url) as bus:
            await publish(bus, events)

        async def national_saw_all() -> bool:
            return len(national_feed.syncs()) == len(SCHOOLS)

        await eventually(national_saw_all, what="every sync on the national feed")
    assert {s["uai"] for s in toulouse_feed.syncs()} == {TOULOUSE_SCHOOL, TOULOUSE_OTHER}
    assert all(s["created"] and s["academie"] == "toulouse" for s in toulouse_feed.syncs())


async def test_pages_show_only_the_readers_academies(
    supervision: RunningSupervision, journal: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=supervision.url, timeout=20) as browser:
        await sign_in(browser, "marie.toulouse")
        dashboard = await browser.get("/")
        syncs = await browser.get("/synchronisations")
        other_sync = await browser.get(
            f"/synchronisations/{journal[BORDEAUX_SCHOOL]}", headers={"Accept": "text/html"}
        )
        other_school = await browser.get(f"/etablissements/{CORSE_SCHOOL}", headers={"Accept": "text/html"})
        own_school = await browser.get(f"/etablissements/{TOULOUSE_SCHOOL}")

    for page in (dashboard, syncs, own_school):
        assert page.status_code == 200
        assert TOULOUSE_SCHOOL in page.text
        assert BORDEAUX_SCHOOL not in page.text
        assert CORSE_SCHOOL not in page.text
    assert "Marie Dupont" in dashboard.text
    assert other_sync.status_code == 404
    assert "Aucune synchronisation" in other_sync.text
    assert other_school.status_code == 403


async def test_pages_send_strangers_to_sign_in_and_come_back(supervision: RunningSupervision) -> None:
    async with httpx.AsyncClient(base_url=supervision.url, timeout=20) as browser:
        redirected = await browser.get("/synchronisations?flow=eleves")
        await sign_in(browser, "paul.bordeaux")
        wrong = await browser.post("/connexion", data={"username": "paul.bordeaux", "password": "nope"})
    assert redirected.status_code == 303
    assert redirected.headers["location"] == "/connexion?suite=%2Fsynchronisations%3Fflow%3Deleves"
    assert wrong.status_code == 403  # no CSRF token: refused before the password is even checked


async def test_wrong_password_is_refused_without_saying_why(supervision: RunningSupervision) -> None:
    async with httpx.AsyncClient(base_url=supervision.url, timeout=20) as browser:
        page = await browser.get("/connexion")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf is not None
        form = {"username": "marie.toulouse", "password": "mauvais", "csrf_token": csrf.group(1)}
        response = await browser.post("/connexion", data=form)
    assert response.status_code == 401
    assert "Identifiant ou mot de passe incorrect." in response.text


async def test_accounts_command_creates_a_supervisor_once(database: DatabaseSettings) -> None:
    settings = SupervisionSettings(database=database)
    first = await ensure_supervisor(
        settings, username="Lea.Caen", academies=["caen"], national=False, password=PASSWORD
    )
    again = await ensure_supervisor(
        settings, username="lea.caen", academies=["caen"], national=False, password=PASSWORD
    )
    engine = create_engine(database)
    async with session_factory(engine)() as session:
        account = await find_account(session, "lea.caen")
    await engine.dispose()
    assert (first, again) == (True, False)
    assert account is not None
    assert (account.role, account.scopes) == ("superviseur-academique", ["normandie"])
