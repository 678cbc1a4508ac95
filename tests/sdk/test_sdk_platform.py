"""The SDK against the real running platform: real certificates, real TLS, a real nats-server.

The SDK is synchronous (what editors embed); the platform runs in this test's event loop, so every SDK
call is made from a worker thread.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime

import pytest
from lxml import etree
from netsynchro import Certificate, Client, MemoryCursorStore, NotFoundError, RefusedError

from services.common.bus import Bus
from services.common.identity import serial_hex
from services.common.settings import NatsSettings
from services.common.subjects import REVOCATIONS, revocation_subject
from services.common.trustfeed import CertificateRevoked
from tests.sdk.conftest import YEAR
from tests.support.pki import SCHOOL_A, SCHOOL_B, TestPki
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")


def client_for(platform: Platform, name: str, cursors: MemoryCursorStore | None = None) -> Client:
    files = platform.pki.clients[name]
    return Client(
        platform.gateway_url,
        Certificate.from_pem(files.cert, files.key),
        ca_file=platform.pki.root,
        cursors=cursors,
    )


async def test_whoami_and_a_pull_through_one_kept_alive_connection(platform: Platform) -> None:
    def scenario() -> tuple[dict[str, object], bytes]:
        with client_for(platform, "school-a-edt") as client:
            me = client.whoami()
            export = client.pull("structures", SCHOOL_A, YEAR)
            assert export.content is not None
            return me, export.content

    me, content = await asyncio.to_thread(scenario)
    assert (me["uai"], me["produit"]) == (SCHOOL_A, "edt")
    assert etree.fromstring(content).tag == "BEE_STRUCTURES"


async def test_stored_cursor_yields_an_empty_delta_when_nothing_changed(platform: Platform) -> None:
    cursors = MemoryCursorStore()

    def scenario() -> tuple[bool, bool, bytes]:
        with client_for(platform, "school-a-pronote", cursors) as client:
            full = client.pull("eleves", SCHOOL_A, YEAR, incremental=True, export_format="json")
            delta = client.pull("eleves", SCHOOL_A, YEAR, incremental=True, export_format="json")
            assert delta.content is not None
            return full.is_delta, delta.is_delta, delta.content

    full_is_delta, delta_is_delta, delta = await asyncio.to_thread(scenario)
    assert (full_is_delta, delta_is_delta) == (False, True)
    body = json.loads(delta)
    assert not any(body.get(key) for key in ("eleves", "suppressions", "options", "structures"))


async def test_refusals_are_typed_errors_with_the_platform_code(platform: Platform) -> None:
    def scenario() -> tuple[str, str]:
        with client_for(platform, "school-a-edt") as client:
            with pytest.raises(RefusedError) as other_school:
                client.pull("structures", SCHOOL_B, YEAR)
            with pytest.raises(NotFoundError) as unknown_year:
                client.pull("structures", SCHOOL_A, 2031)
            return other_school.value.code, unknown_year.value.code

    assert await asyncio.to_thread(scenario) == ("etablissement-non-autorise", "annee-inconnue")


async def test_revoked_certificate_gets_its_error_on_the_open_connection(
    platform: Platform, test_pki: TestPki
) -> None:
    files = test_pki.issue("sdk-revoked", SCHOOL_A, "edt")
    client = client_for(platform, "sdk-revoked")
    try:
        assert (await asyncio.to_thread(client.whoami))["uai"] == SCHOOL_A
        await publish_revocation(platform, files.certificate.serial_number)
        error = await asyncio.to_thread(_refusal_of, client)
    finally:
        client.close()
    assert (error.status, error.code) == (401, "certificat-revoque")
    assert "révoqué" in error.title


def _refusal_of(client: Client) -> RefusedError:
    """The gateway applies a revocation within milliseconds; allow it a second."""
    for _ in range(50):
        try:
            client.whoami()
        except RefusedError as error:
            return error
        time.sleep(0.02)
    raise AssertionError("still accepted after the revocation")


async def publish_revocation(platform: Platform, serial: int) -> None:
    """What GIN-WEB publishes when a head revokes a certificate."""
    bus = Bus(NatsSettings(url=platform.nats_url), name="test-ginweb")
    await bus.connect()
    try:
        await bus.ensure_streams([REVOCATIONS])
        event = CertificateRevoked(
            serial=serial_hex(serial), uai=SCHOOL_A, editor="index-education", product="edt",
            revoked_at=datetime.now(UTC), reason="keyCompromise",
        )  # fmt: skip
        await bus.publish_durable(
            revocation_subject(event.serial), event.model_dump_json().encode(), msg_id=event.msg_id
        )
    finally:
        await bus.close()
