"""The heads' portal in a real browser (Debian's chromium driven by Playwright): sign in, request a
certificate, download it, revoke it; another school stays out of reach; CSRF and session fixation fail."""

from __future__ import annotations

import html
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from services.common.auth import utc_now
from services.common.identity import identity_from_certificate
from services.ginweb import certificates
from services.ginweb.deps import unit_of_work
from services.ginweb.models import IssuanceMethod
from tests.ginweb.stack import HEADS, PASSWORD, Stack
from tests.support.csp import CspWatch
from tests.support.pki import EDITOR, SCHOOL_A, SCHOOL_B

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("chromium is missing: run `make system-deps`")  # a skip would hide an untested portal
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    created = await browser.new_context(accept_downloads=True, locale="fr-FR")
    yield created
    await created.close()


async def sign_in(page: Page, stack: Stack, uai: str = SCHOOL_A) -> None:
    await page.goto(f"{stack.ginweb_url}/connexion")
    await page.get_by_label("Identifiant").fill(HEADS[uai])
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page.get_by_role("heading", name=f"Certificats de l'établissement {uai}")).to_be_visible()


async def test_head_requests_downloads_and_revokes_a_certificate(
    stack: Stack, context: BrowserContext, tmp_path: Path
) -> None:
    page = await context.new_page()
    csp = await CspWatch.on(page)
    await sign_in(page, stack)
    await expect(page.get_by_text("Aucun certificat pour l'instant")).to_be_visible()

    await page.get_by_role("link", name="Demander un certificat").click()
    await page.get_by_label("Logiciel (éditeur et produit habilités)").select_option(
        label="Index Éducation — EDT"
    )
    await page.get_by_label("Télécharger un fichier PKCS#12").check()
    password = await page.get_by_label("Mot de passe du fichier").input_value()
    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="Délivrer le certificat").click()
    download = await download_info.value
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)

    bundle = pkcs12.load_pkcs12(saved.read_bytes(), password.encode())
    assert bundle.cert is not None
    identity = identity_from_certificate(bundle.cert.certificate, now=utc_now())
    assert (identity.uai, identity.editor, identity.product) == (SCHOOL_A, EDITOR, "edt")

    await page.goto(f"{stack.ginweb_url}/certificats")
    row = page.get_by_role("row").filter(has_text="edt")
    await expect(row.get_by_text("Valide")).to_be_visible()
    await row.get_by_role("link").click()
    await page.get_by_label("Motif").select_option("keyCompromise")
    await page.get_by_label("Je confirme la révocation").check()
    await page.get_by_role("button", name="Révoquer le certificat").click()

    await expect(page.get_by_role("status")).to_contain_text("est révoqué")
    await expect(page.locator(".pastille")).to_have_text("Révoqué")
    async with unit_of_work(stack.ginweb) as db:
        record = await certificates.school_certificate(db, SCHOOL_A, identity.serial_hex)
    assert record.revocation_reason == "keyCompromise"
    assert await csp.violations(page) == []  # the portal works under its strict policy


async def test_head_cannot_see_or_revoke_another_schools_certificate(
    stack: Stack, context: BrowserContext
) -> None:
    other = await school_b_certificate(stack)
    page = await context.new_page()
    await sign_in(page, stack, SCHOOL_A)

    await expect(page.get_by_text(other[:16])).to_have_count(0)
    response = await page.goto(f"{stack.ginweb_url}/certificats/{other}")
    assert response is not None
    assert response.status == 404
    await expect(
        page.get_by_role("heading", name="Ce certificat n'existe pas pour votre établissement.")
    ).to_be_visible()

    token = await csrf_token(page, stack)
    forged = await page.request.post(
        f"{stack.ginweb_url}/certificats/{other}/revocation",
        form={"csrf_token": token, "reason": "keyCompromise"},
    )
    assert forged.status == 404
    assert await is_valid(stack, SCHOOL_B, other)


async def test_cross_site_and_tokenless_posts_are_refused(stack: Stack, context: BrowserContext) -> None:
    serial = await school_certificate(stack, SCHOOL_A)
    page = await context.new_page()
    await sign_in(page, stack)
    target = f"{stack.ginweb_url}/certificats/{serial}/revocation"

    # An attacker's page auto-submits a form to the portal while the head is signed in.
    attacker = await context.new_page()
    await attacker.set_content(
        f'<form id="f" method="post" action="{target}"><input name="reason" value="keyCompromise"></form>'
        '<script>document.getElementById("f").submit()</script>'
    )
    await attacker.wait_for_load_state()
    await expect(attacker.locator("body")).to_contain_text("csrf-invalide")

    without_token = await page.request.post(target, form={"reason": "keyCompromise"})
    wrong_token = await page.request.post(target, form={"reason": "keyCompromise", "csrf_token": "x" * 43})
    assert (without_token.status, wrong_token.status) == (403, 403)
    assert await is_valid(stack, SCHOOL_A, serial)


async def test_a_planted_session_cookie_is_worthless_after_sign_in(
    stack: Stack, context: BrowserContext
) -> None:
    async with httpx.AsyncClient(base_url=stack.ginweb_url) as attacker:
        await attacker.get("/connexion")
        planted = attacker.cookies["session"]
        await context.add_cookies([{"name": "session", "value": planted, "url": stack.ginweb_url}])
        page = await context.new_page()

        await sign_in(page, stack)

        cookies = {cookie["name"]: cookie for cookie in await context.cookies(stack.ginweb_url)}
        assert cookies["session"]["value"] != planted
        assert cookies["session"]["httpOnly"]
        assert cookies["session"]["sameSite"] == "Lax"
        replay = await attacker.get("/certificats", headers={"accept": "text/html"})
        assert (replay.status_code, replay.headers["location"]) == (303, "/connexion")


async def csrf_token(page: Page, stack: Stack) -> str:
    await page.goto(f"{stack.ginweb_url}/certificats")
    return html.unescape(await page.locator('input[name="csrf_token"]').first.get_attribute("value") or "")


async def school_certificate(stack: Stack, uai: str) -> str:
    issued = stack.pki.ca.issue_with_new_key(uai=uai, editor=EDITOR, product="pronote")
    async with unit_of_work(stack.ginweb) as db:
        head = certificates.Head("operateur", uai)
        record = await certificates.register(
            db, stack.ginweb.ca, issued.certificate, IssuanceMethod.OPERATOR, head, utc_now()
        )
    return record.serial


async def school_b_certificate(stack: Stack) -> str:
    return await school_certificate(stack, SCHOOL_B)


async def is_valid(stack: Stack, uai: str, serial: str) -> bool:
    async with unit_of_work(stack.ginweb) as db:
        record = await certificates.school_certificate(db, uai, serial)
    return certificates.state_of(record, utc_now()) is certificates.CertificateState.VALID
