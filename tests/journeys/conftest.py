"""The platform as `make run` starts it, once for every journey of this package, and what the journeys
share: a browser, the `netsynchro` command, screenshots.

`scripts/run.py` runs as a subprocess in a temporary folder and on free ports (NETSYNCHRO_RUN_DIR,
NETSYNCHRO_PORT_OFFSET): every service its own process, a real nats-server, the demo data and
certificates. It starts once per package (a package-scoped fixture) and is stopped with Ctrl-C (SIGINT)
at the end, as a person would.

Screenshots of each journey's key pages, at 1366 and 390 px wide, go to
``var/test-output/journeys/<journey>/`` (or ``$NETSYNCHRO_TEST_OUTPUT/journeys/<journey>/``); the folder
is printed at the end of the run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from services.supervision.schools import current_school_year
from tests.journeys.platform import (
    CHROMIUM,
    CHROMIUM_ARGS,
    OUTPUT,
    ROOT,
    WAIT_MS,
    WIDTHS,
    Netsynchro,
    RunningPlatform,
)
from tests.run.test_make_run import _read_until_ready, free_offset

expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="package")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    run_dir = tmp_path_factory.mktemp("make-run") / "run"
    offset = free_offset()
    env = {**os.environ, "NETSYNCHRO_RUN_DIR": str(run_dir), "NETSYNCHRO_PORT_OFFSET": str(offset)}
    process = subprocess.Popen(
        [sys.executable, "scripts/run.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        banner = _read_until_ready(process)
        yield RunningPlatform(process, run_dir, offset, current_school_year(date.today()), banner)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("chromium is missing: run `make system-deps`")  # a skip would hide an untested journey
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    created = browser.new_context(
        accept_downloads=True, locale="fr-FR", viewport={"width": 1366, "height": 900}
    )
    yield created
    created.close()


@pytest.fixture
def netsynchro(platform: RunningPlatform, tmp_path: Path) -> Netsynchro:
    return Netsynchro(platform, tmp_path)


@dataclass
class Screenshots:
    folder: Path

    def take(self, page: Page, name: str) -> None:
        """The page as it is now, at a laptop's width and at a phone's, whole."""
        self.folder.mkdir(parents=True, exist_ok=True)
        original = page.viewport_size
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=self.folder / f"{name}-{width}.png", full_page=True)
        if original is not None:
            page.set_viewport_size(original)


@pytest.fixture
def screenshots(request: pytest.FixtureRequest) -> Screenshots:
    module = request.node.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    return Screenshots(OUTPUT / module)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if OUTPUT.exists():
        count = sum(1 for _ in OUTPUT.rglob("*.png"))
        terminalreporter.write_line(f"journeys: {count} screenshots in {OUTPUT}")
