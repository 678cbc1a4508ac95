"""`make run`'s platform as the journeys see it, and the `netsynchro` command as an editor runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PASSWORD = "netsynchro-2026"  # the demo accounts' password, as `make run` prints it
P12_PASSWORD = "netsynchro"  # the demo PKCS#12 files' password
WIDTHS = ((1366, 900), (390, 844))
OUTPUT = Path(os.environ.get("NETSYNCHRO_TEST_OUTPUT", ROOT / "var" / "test-output")) / "journeys"
NETSYNCHRO = str(Path(sys.executable).parent / "netsynchro")
WAIT_MS = 60_000  # how long a page may take to show what the platform does, on a loaded machine


@dataclass
class RunningPlatform:
    """`make run`'s platform: where each service is and the demo certificates it made."""

    process: subprocess.Popen[str]
    run_dir: Path
    offset: int
    year: int
    banner: str

    @property
    def certs(self) -> Path:
        return self.run_dir / "certs"

    @property
    def gateway_url(self) -> str:
        return f"https://localhost:{8443 + self.offset}"

    @property
    def supervision_url(self) -> str:
        return f"http://127.0.0.1:{8020 + self.offset}"

    @property
    def ginweb_url(self) -> str:
        return f"http://127.0.0.1:{8030 + self.offset}"

    @property
    def nats_url(self) -> str:
        return f"nats://127.0.0.1:{14222 + self.offset}"

    def service_env(self, service: str) -> dict[str, str]:
        """The environment `make run` gives ``service``: its database and NATS (for its commands)."""
        prefix = service.upper() + "_"
        return {
            **os.environ,
            f"{prefix}DATABASE__URL": f"sqlite+aiosqlite:///{self.run_dir / (service + '.db')}",
            f"{prefix}NATS__URL": self.nats_url,
            f"{prefix}CA__FOLDER": str(self.certs),
        }

    def p12(self, product: str, uai: str) -> Path:
        return self.certs / f"index-education-{product}-{uai}.p12"

    def manifest(self) -> dict[str, object]:
        loaded: dict[str, object] = json.loads((self.certs / "manifest.json").read_text())
        return loaded


@dataclass
class Netsynchro:
    """The `netsynchro` command as an editor's script runs it: its own process, environment variables."""

    platform: RunningPlatform
    folder: Path
    env: dict[str, str] = field(default_factory=dict)

    def environment(self, product: str, uai: str) -> dict[str, str]:
        return {
            **os.environ,
            "NETSYNCHRO_URL": self.platform.gateway_url,
            "NETSYNCHRO_CA": str(self.platform.certs / "root-ca.pem"),
            "NETSYNCHRO_P12": str(self.platform.p12(product, uai)),
            "NETSYNCHRO_P12_PASSWORD": P12_PASSWORD,
            "NETSYNCHRO_CURSORS": str(self.folder / f"curseurs-{product}-{uai}.json"),
        }

    def run(
        self, product: str, uai: str, *args: str, stdout: int | None = None, p12: Path | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        env = self.environment(product, uai)
        if p12 is not None:
            env["NETSYNCHRO_P12"] = str(p12)
        return subprocess.run(
            [NETSYNCHRO, *args],
            env=env,
            cwd=self.folder,
            stdout=stdout if stdout is not None else subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=300,
            check=False,
        )

    def school(self, uai: str) -> tuple[str, ...]:
        return ("--uai", uai, "--annee", str(self.platform.year))
