"""The editors' documentation in a real browser (Debian's chromium), from the real gateway over TLS:
it loads with no request leaving the machine, Swagger UI lists every route, the references download."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
from playwright.async_api import Browser, ConsoleMessage, Page, Route, async_playwright, expect

from services.common.problem_catalogue import catalogue
from services.common.sandbox import SANDBOX_UAI
from tests.support.platform import Platform

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="chromium missing: run `make system-deps`"),
    pytest.mark.asyncio(loop_scope="package"),
]


@pytest_asyncio.fixture(loop_scope="package")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


class Offline:
    """Fails (aborts and remembers) every request for anything but this machine."""

    def __init__(self) -> None:
        self.outside: list[str] = []
        self.local: list[str] = []
        self.refused_by_policy: list[str] = []  # what the security headers' CSP blocked

    def console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.refused_by_policy.append(message.text)

    async def handle(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname in LOCAL_HOSTS:
            self.local.append(url)
            await route.continue_()
        else:
            self.outside.append(url)
            await route.abort()


async def offline_page(browser: Browser) -> tuple[Page, Offline]:
    # No client certificate in the browser: the docs need none (the handshake asks without requiring).
    context = await browser.new_context(ignore_https_errors=True, locale="fr-FR")
    offline = Offline()
    await context.route("**/*", offline.handle)
    page = await context.new_page()
    page.on("console", offline.console)
    return page, offline


async def operations(platform: Platform) -> list[tuple[str, str]]:
    async with platform.editor(None) as client:
        document = (await client.get("/openapi.json")).json()
    return [(m.upper(), p) for p, ops in document["paths"].items() for m in ops]


async def test_swagger_ui_loads_offline_and_lists_every_route(platform: Platform, browser: Browser) -> None:
    page, offline = await offline_page(browser)
    await page.goto(f"{platform.gateway_url}/docs/api")
    await expect(page.locator(".swagger-ui .info .title")).to_contain_text("API des éditeurs")
    expected = await operations(platform)
    assert len(expected) >= 11
    for method, path in expected:
        block = page.locator(f".opblock-{method.lower()}").filter(has=page.locator(f'[data-path="{path}"]'))
        await expect(block.first).to_be_visible()
    await expect(page.get_by_text("Ce que prouve mon certificat")).to_be_visible()
    await expect(page.get_by_text("Who Am I")).to_have_count(0)
    assert offline.outside == []
    assert offline.refused_by_policy == []
    assert any(url.endswith("swagger-ui-bundle.js") for url in offline.local)


async def test_overview_lists_every_route_and_links_the_catalogue(
    platform: Platform, browser: Browser
) -> None:
    page, offline = await offline_page(browser)
    await page.goto(f"{platform.gateway_url}/docs")
    await expect(page.get_by_role("heading", name="Documentation de l'API des éditeurs")).to_be_visible()
    rows = page.locator("#routes tbody tr")
    expected = await operations(platform)
    await expect(rows).to_have_count(len(expected))
    for method, path in expected:
        await expect(rows.filter(has_text=method).filter(has_text=path).first).to_be_visible()
    await page.get_by_role("link", name="Codes d'erreur").first.click()
    await expect(page.get_by_role("heading", name="Codes d'erreur")).to_be_visible()
    await page.get_by_role("link", name="curseur-perime").click()
    await expect(page.get_by_text(catalogue()["curseur-perime"].advice)).to_be_visible()
    assert offline.outside == []
    assert offline.refused_by_policy == []


async def test_references_offer_every_xsd_a_sample_of_each_flow_and_the_product_table(
    platform: Platform, browser: Browser
) -> None:
    page, offline = await offline_page(browser)
    await page.goto(f"{platform.gateway_url}/docs/references")
    await expect(page.locator("#xsd li")).to_have_count(11)
    await expect(page.locator("#exemples tbody tr")).to_have_count(9)
    await expect(page.locator("#produits tbody tr").filter(has_text="pronote")).to_contain_text("oui")
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Structures.xml").click()
    path = await (await download_info.value).path()
    data = path.read_bytes()
    assert b"<BEE_STRUCTURES" in data
    assert SANDBOX_UAI.encode() in data
    assert offline.outside == []
    assert offline.refused_by_policy == []


async def test_every_xsd_and_sample_downloads_and_each_sample_satisfies_its_xsd(platform: Platform) -> None:
    from services.common.formats.schemas import validate_against_xsd

    async with platform.editor(None) as client:
        page = (await client.get("/docs/references")).text
        for name in ("bee_eleves", "edt_sts", "import_eleves", "sts_edt", "sts_types", "bee_types"):
            assert (await client.get(f"/docs/references/xsd/{name}.xsd")).status_code == 200
        samples = [part.split('"')[0] for part in page.split('href="/docs/references/exemples/')[1:]]
        assert len(samples) == 9
        for filename in samples:
            answer = await client.get(f"/docs/references/exemples/{filename}")
            assert answer.status_code == 200
            schema = next(s for s in _SCHEMAS if filename.startswith(s[0]))[1]
            validate_against_xsd(answer.content, schema, filename=filename)
        unknown = await client.get("/docs/references/exemples/autre.xml")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"


_SCHEMAS = [
    ("ElevesAvecAdresses", "bee_eleves"),
    ("ResponsablesAvecAdresses", "bee_responsables"),
    ("Nomenclature", "bee_nomenclatures"),
    ("Structures", "bee_structures"),
    ("Communs", "bee_commun"),
    ("sts_emp", "sts_edt"),
    ("emp_sts", "edt_sts"),
    ("import_eleves", "import_eleves"),
    ("HistoriqueEleves", "bee_historique_eleves"),
]


async def test_openapi_declares_mutual_tls_and_french_problem_examples(platform: Platform) -> None:
    async with platform.editor(None) as client:
        document = (await client.get("/openapi.json")).json()
    assert document["components"]["securitySchemes"]["certificatClient"]["type"] == "mutualTLS"
    stale = document["paths"]["/v1/etablissements/{uai}/annees/{annee}/eleves"]["get"]
    examples = stale["responses"]["409"]["content"]["application/problem+json"]["examples"]
    assert examples["curseur-perime"]["value"]["type"] == "/docs/erreurs/curseur-perime"
