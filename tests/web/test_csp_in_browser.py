"""The policy really binds a browser, and the browser tests' watch really sees a breach: an inline script
and an inline style on a page served with the shared headers are blocked and reported."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from playwright.async_api import async_playwright

from services.common.localnats import free_port
from services.common.security_headers import SecurityHeadersMiddleware
from tests.support.csp import CspWatch
from tests.support.servers import serving

CHROMIUM = "/usr/bin/chromium"
PAGE = """<!doctype html><html><head><title>t</title></head><body>
<p id="p" style="color: red">texte</p>
<script>document.title = "exécuté"</script>
</body></html>"""

pytestmark = pytest.mark.browser


@pytest.fixture
async def site() -> AsyncIterator[str]:
    app = FastAPI()
    app.add_middleware(SecurityHeadersMiddleware)

    @app.get("/", response_class=HTMLResponse)
    async def page() -> str:
        return PAGE

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off")
    async with serving(config):
        yield f"http://127.0.0.1:{port}/"


async def test_inline_script_and_style_are_blocked_and_reported(site: str) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("chromium is missing: run `make system-deps`")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
        )
        page = await browser.new_page()
        watch = await CspWatch.on(page)
        await page.goto(site)
        title = await page.title()
        color = await page.evaluate("() => getComputedStyle(document.getElementById('p')).color")
        violations = await watch.violations(page)
        await browser.close()
    assert title == "t"  # the inline script did not run
    assert color != "rgb(255, 0, 0)"  # the inline style did not apply
    assert any("script-src" in v for v in violations), violations
    assert any("style-src" in v for v in violations), violations
