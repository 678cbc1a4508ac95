"""The console in a real browser (Debian's chromium driven by Playwright): sign in, filter, open a
sync's detail, and watch a new sync appear on the dashboard without reloading."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from services.common.contracts import ImportDetails, ReportEntry
from services.common.events import Direction, SyncState
from services.common.localnats import NatsProcess
from tests.supervision.support import (
    BORDEAUX_SCHOOL,
    PASSWORD,
    TOULOUSE_OTHER,
    TOULOUSE_SCHOOL,
    RunningSupervision,
    connected_bus,
    create_supervisors,
    event,
    publish,
    running_supervision,
    supervision_settings,
)
from tests.support.csp import CspWatch
from tests.support.databases import fresh_database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="chromium missing: run `make system-deps`"),
]


@pytest.fixture
async def console(tmp_path: Path, fresh_nats: NatsProcess) -> AsyncIterator[RunningSupervision]:
    """The browser drives the pages, not the database: SQLite is enough here."""
    async with AsyncExitStack() as stack:
        database = await stack.enter_async_context(fresh_database("sqlite", tmp_path, "supervision"))
        running = await stack.enter_async_context(
            running_supervision(supervision_settings(database, fresh_nats.url))
        )
        await create_supervisors(database)
        yield running


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


async def sign_in(page: Page, base: str, username: str) -> None:
    await page.goto(f"{base}/")
    await expect(page).to_have_url(f"{base}/connexion?suite=%2F")
    await page.get_by_label("Identifiant").fill(username)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


async def test_supervisor_signs_in_filters_opens_a_sync_and_sees_new_syncs_live(
    console: RunningSupervision, fresh_nats: NatsProcess, browser: Browser
) -> None:
    failed = event(
        TOULOUSE_SCHOOL, SyncState.REJECTED, flow="emploi-du-temps", direction=Direction.IMPORT,
        problem_code="services-invalides", message="3 services font référence à des groupes inconnus.",
        details=ImportDetails(report=[ReportEntry(
            code="groupe-inconnu", title="Groupe inconnu de STS.", record="SERVICE 4A/ANG", line=42,
            detail="Le groupe 4A_ANG n'existe pas dans STS-WEB.", path="/STS_EDT/DONNEES/SERVICES/SERVICE[3]",
        )]),
    )  # fmt: skip
    async with connected_bus(fresh_nats.url) as bus:
        await publish(bus, [failed, event(TOULOUSE_OTHER), event(BORDEAUX_SCHOOL)])
    await console.wait_for_syncs(3)

    page = await browser.new_page()
    csp = await CspWatch.on(page)
    await sign_in(page, console.url, "marie.toulouse")
    await expect(page.locator("#live-status")).to_have_text("en direct")
    await expect(page.locator("#recent-syncs tbody tr")).to_have_count(2)  # not Bordeaux's

    # Filter the list on rejected syncs, then open the one left.
    await page.get_by_role("link", name="Synchronisations", exact=True).click()
    await page.get_by_label("État").select_option("rejected")
    await page.get_by_role("button", name="Filtrer").click()
    rows = page.locator("#sync-list tbody tr")
    await expect(rows).to_have_count(1)
    await rows.first.get_by_role("link", name="Détail").click()
    await expect(page.get_by_role("heading", name=f"Synchronisation {failed.sync_id}")).to_be_visible()
    report_row = page.locator("#report tbody tr")
    for shown in ("42", "SERVICE 4A/ANG", "/STS_EDT/DONNEES/SERVICES/SERVICE[3]", "groupe-inconnu",
                  "Groupe inconnu de STS.", "Le groupe 4A_ANG n'existe pas dans STS-WEB."):  # fmt: skip
        await expect(report_row).to_contain_text(shown)
    await expect(page.locator("#timeline li")).to_have_count(1)

    # Back on the dashboard: a sync published now appears without any reload.
    await page.get_by_role("link", name="Tableau de bord", exact=True).click()
    await expect(page.locator("#live-status")).to_have_text("en direct")
    marker = await page.evaluate("() => (window.__notReloaded = true)")
    fresh = event(TOULOUSE_SCHOOL, flow="structures")
    async with connected_bus(fresh_nats.url) as bus:
        await publish(bus, [fresh])
    new_row = page.locator(f'#recent-syncs tr[data-sync-id="{fresh.sync_id}"]')
    await expect(new_row).to_be_visible(timeout=10_000)
    await expect(new_row).to_contain_text("structures")
    assert marker is True
    assert await page.evaluate("() => window.__notReloaded === true")
    await expect(page.locator("#kpi-total")).to_have_text("3", timeout=10_000)
    # All of it under the strict policy: no script or style of the console was blocked.
    assert await csp.violations(page) == []
