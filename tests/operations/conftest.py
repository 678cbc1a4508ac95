"""The platform as `make run` starts it (every service its own process, a real nats-server, SQLite
databases, the demo PKI), once for this package: the operator's view of it — metrics and the admin
command — is tested against that."""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest

from services.supervision.schools import current_school_year
from tests.journeys.platform import ROOT, RunningPlatform
from tests.run.test_make_run import _read_until_ready, free_offset

SERVICES = {"bee": 8010, "sts": 8011, "supervision": 8020, "ginweb": 8030, "gateway": 8443}
ADMIN = str(Path(sys.executable).parent / "netsynchro-admin")


@dataclass
class Admin:
    """`netsynchro-admin` as an operator runs it on the platform: each service's variables set."""

    platform: RunningPlatform

    def environment(self) -> dict[str, str]:
        run, offset = self.platform.run_dir, self.platform.offset
        nats = f"nats://127.0.0.1:{14222 + offset}"
        env = {**os.environ}
        for prefix, database in (
            ("GINWEB_", "ginweb"),
            ("SUPERVISION_", "supervision"),
            ("STS_", "sts"),
            ("BEE_", "bee"),
        ):
            env[f"{prefix}DATABASE__URL"] = f"sqlite+aiosqlite:///{run / (database + '.db')}"
            env[f"{prefix}NATS__URL"] = nats
        return env

    def run(
        self, *arguments: str, stdin: str = "", env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [ADMIN, *arguments],
            input=stdin,
            capture_output=True,
            text=True,
            env={**self.environment(), **(env or {})},
            cwd=ROOT,
            timeout=120,
            check=False,
        )


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


@pytest.fixture
def admin(platform: RunningPlatform) -> Admin:
    return Admin(platform)


def editor_client(platform: RunningPlatform, product: str, uai: str) -> httpx.Client:
    """An editor's HTTPS client with its demo certificate, trusting the platform's root."""
    certs, name = platform.certs, f"index-education-{product}-{uai}"
    context = trusting(platform)
    context.load_cert_chain(certs / f"{name}.crt.pem", certs / f"{name}.key.pem")
    return httpx.Client(base_url=platform.gateway_url, verify=context, timeout=60)


def trusting(platform: RunningPlatform) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=platform.certs / "root-ca.pem")


def scrape(platform: RunningPlatform, service: str) -> str:
    port = SERVICES[service] + platform.offset
    if service == "gateway":
        return httpx.get(f"https://localhost:{port}/metrics", verify=trusting(platform), timeout=30).text
    return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=30).text
