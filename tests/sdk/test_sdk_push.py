"""Pushing through the SDK and the command against the real platform: the back-to-school sequence,
waiting, can-run, and a retry after a dropped connection that must not import twice."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from netsynchro import Certificate, Client, RetryPolicy, cli

from scripts.demo import DemoSettings, play
from services.common.demo import DemoSchool, SchoolKind, generate_school
from services.common.formats.edt_sts import write_edt_sts
from services.common.pki import pkcs12_bundle
from tests.sdk.conftest import YEAR
from tests.sdk.test_cli_platform import run
from tests.sdk.test_sdk_platform import client_for
from tests.support.pki import SCHOOL_A, TestPki
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")
SCHOOL_C = "0750702F"


async def test_back_to_school_demo_runs_from_start_to_end(
    platform: Platform, test_pki: TestPki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    certs = demo_certificates(test_pki, tmp_path / "certs")
    settings = DemoSettings(platform.gateway_url, certs, SCHOOL_A, YEAR, tmp_path / "curseurs.json")
    await asyncio.to_thread(play, settings)
    printed = capsys.readouterr().out
    assert printed.count("applied") == 2, printed  # the timetable, then the links
    assert "(différentiel)" in printed.splitlines()[-1]  # the last pull is a delta
    async with platform.supervision() as supervision:
        flows = {
            sync["flow"]
            for sync in (await supervision.get("/api/syncs", params={"uai": SCHOOL_A})).json()["items"]
        }
    assert {"nomenclatures", "structures", "emploi-du-temps", "liens-eleves-groupes", "eleves"} <= flows


def demo_certificates(pki: TestPki, folder: Path) -> Path:
    """What `make run` leaves in certs/ for the demo: the school's PKCS#12 files and the root."""
    folder.mkdir()
    for product in ("edt", "pronote"):
        issued = pki.ca.issue_with_new_key(uai=SCHOOL_A, editor="index-education", product=product)
        bundle = pkcs12_bundle(
            issued.certificate, issued.key, issued.chain, password=b"netsynchro", friendly_name=product
        )
        (folder / f"index-education-{product}-{SCHOOL_A}.p12").write_bytes(bundle)
    (folder / "root-ca.pem").write_bytes(pki.root.read_bytes())
    return folder


async def test_can_run_lists_every_flow_of_the_product(platform: Platform) -> None:
    def can_run() -> list[dict[str, object]]:
        with client_for(platform, "school-a-edt") as client:
            return client.can_run(SCHOOL_A, YEAR)

    flows = {flow["nom"]: flow for flow in await asyncio.to_thread(can_run)}
    assert flows["emploi-du-temps"]["autorise"] is True
    assert flows["eleves"]["autorise"] is False  # a timetable product does not read pupils
    assert flows["eleves"]["raison"]


async def test_cli_push_and_wait_exits_zero_with_the_applied_status(
    platform: Platform, school: DemoSchool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    timetable = tmp_path / "emp_sts.xml"
    timetable.write_bytes(write_edt_sts(school.edt_sts))
    push = (
        "push",
        "emploi-du-temps",
        str(timetable),
        "--uai",
        SCHOOL_A,
        "--annee",
        str(YEAR),
        "--wait",
        "--json",
    )
    assert await run(platform, "school-a-edt", tmp_path, *push) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["etat"] in {"applied", "partially_applied"}


async def test_cli_rejected_import_exits_with_its_report(
    platform: Platform, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other_school = tmp_path / "emp_sts.xml"
    other_school.write_bytes(
        b'<?xml version="1.0" encoding="ISO-8859-15"?>\n<EDT_STS><PARAMETRES><UAJ>0332490C</UAJ>'
        b"<ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE></PARAMETRES><DONNEES/></EDT_STS>"
    )
    push = ("push", "emploi-du-temps", str(other_school), "--uai", SCHOOL_A, "--annee", str(YEAR))
    assert await run(platform, "school-a-edt", tmp_path, *push) == cli.EXIT_REJECTED
    assert "[uai-non-concordant]" in capsys.readouterr().err


class DroppingProxy:
    """A TCP relay in front of the gateway that loses the answer to the first big request: the push
    reaches the platform, its 202 never reaches the client. TLS passes through untouched; the relay
    only counts bytes (a handshake is a few kB, the timetable hundreds)."""

    def __init__(self, target_port: int, request_bytes: int = 50_000) -> None:
        self.target_port = target_port
        self.request_bytes = request_bytes
        self.dropped = 0
        self.connections = 0
        self.open: set[asyncio.StreamWriter] = set()

    def close(self) -> None:
        """Hang up what is still relayed, or the gateway would wait for these clients at shutdown."""
        for writer in self.open:
            writer.close()

    async def relay(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self.open |= {client_writer, upstream_writer}
        sent = [0]
        to_server = asyncio.create_task(self._forward(client_reader, upstream_writer, sent))
        try:
            while data := await upstream_reader.read(65536):
                if self.dropped == 0 and sent[0] > self.request_bytes:
                    self.dropped += 1  # the push went through; its answer is lost with the connection
                    return
                client_writer.write(data)
                await client_writer.drain()
        finally:
            to_server.cancel()
            client_writer.close()
            upstream_writer.close()

    @staticmethod
    async def _forward(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, sent: list[int]) -> None:
        while data := await reader.read(65536):
            sent[0] += len(data)
            writer.write(data)
            await writer.drain()


async def test_retry_after_a_dropped_connection_returns_the_first_sync(
    platform: Platform, test_pki: TestPki
) -> None:
    # A school of its own, so that counting its syncs counts only this test's pushes.
    school = generate_school(SchoolKind.COLLEGE, uai=SCHOOL_C, year=YEAR, seed=5, pupils=120)
    await platform.load_school(school)
    files = test_pki.issue("sdk-school-c-edt", SCHOOL_C, "edt")
    proxy = DroppingProxy(int(platform.gateway_url.rsplit(":", 1)[1]))
    server = await asyncio.start_server(proxy.relay, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    timetable = write_edt_sts(school.edt_sts)

    def push_through_the_proxy() -> tuple[str, str]:
        with Client(
            f"https://localhost:{port}",
            Certificate.from_pem(files.cert, files.key),
            ca_file=platform.pki.root,
            retry=RetryPolicy(attempts=4, base_delay=0.05),
        ) as client:
            receipt = client.push("emploi-du-temps", SCHOOL_C, YEAR, timetable)
            return receipt.sync_id, client.wait(receipt.sync_id, timeout=60).state

    try:
        sync_id, state = await asyncio.to_thread(push_through_the_proxy)
    finally:
        server.close()
        proxy.close()
    assert (proxy.dropped, proxy.connections) == (1, 2)  # the answer was lost, the SDK came back
    assert state in {"applied", "partially_applied"}
    await platform.wait_for_sync(sync_id, state)
    async with platform.supervision() as supervision:
        page = await supervision.get("/api/syncs", params={"uai": SCHOOL_C, "flow": "emploi-du-temps"})
    assert [sync["sync_id"] for sync in page.json()["items"]] == [sync_id]  # one import, not two
