"""GIN-WEB's certificate events and the gateway's refusals reach supervision with what the certificate
says: a certificate issued in GIN-WEB is listed as expiring, its revocation then its use on a flow open
the revoked-certificate alert with its serial and editor, and an expired certificate's refusal names it.
Real GIN-WEB (its outbox relay), gateway (mTLS), NATS and supervision."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from services.common.auth import utc_now
from services.common.identity import serial_hex
from services.common.localnats import NatsProcess
from services.ginweb import certificates
from services.ginweb.deps import unit_of_work
from services.ginweb.models import IssuanceMethod
from tests.ginweb.stack import Stack, running_stack
from tests.supervision.support import RunningSupervision, eventually
from tests.support.pki import EDITOR, SCHOOL_A, TestPki


@pytest.fixture
async def stack(tmp_path: Path, fresh_nats: NatsProcess, test_pki: TestPki) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path, fresh_nats.url, test_pki, "sqlite", school_data=False) as running:
        yield running


async def _api(supervision: RunningSupervision, path: str, **params: Any) -> Any:
    async with supervision.api() as client:
        response = await client.get(path, params=params)
        response.raise_for_status()
        return response.json()


async def test_issued_revoked_then_used_certificate_is_listed_then_raises_the_alert(
    stack: Stack, supervision: RunningSupervision
) -> None:
    issued = stack.pki.ca.issue_with_new_key(uai=SCHOOL_A, editor=EDITOR, product="edt")
    files = stack.pki.write_client("journey", issued)
    serial = serial_hex(issued.certificate.serial_number)
    async with unit_of_work(stack.ginweb) as db:
        head = certificates.Head("operateur", SCHOOL_A)
        await certificates.register(
            db, stack.ginweb.ca, issued.certificate, IssuanceMethod.OPERATOR, head, utc_now()
        )

    # GIN-WEB's "issued" event carries the expiry: the certificate is listed as expiring within its life.
    days = (issued.certificate.not_valid_after_utc - utc_now()).days + 2  # ends on 30/09: under 400 days
    expiring: list[dict[str, Any]] = []

    async def listed() -> bool:
        nonlocal expiring
        expiring = await _api(supervision, "/api/certificates/expiring", days=days)
        return any(c["serial"] == serial.lower() for c in expiring)

    await eventually(listed, what="the issued certificate listed as expiring")
    found = next(c for c in expiring if c["serial"] == serial.lower())
    assert (found["uai"], found["editor"], found["product"]) == (SCHOOL_A, EDITOR, "edt")
    assert found["not_after"].startswith(issued.certificate.not_valid_after_utc.date().isoformat())
    assert not await _api(supervision, "/api/certificates/expiring", days=1)  # not within a day

    async with unit_of_work(stack.ginweb) as db:
        record = await certificates.school_certificate(db, SCHOOL_A, serial)
        await certificates.revoke(db, record, "keyCompromise", actor="chef.a", now=utc_now())

    # The editor keeps using it: the gateway refuses it, and says which certificate it was.
    async with stack.editor(files.cert, files.key) as editor:

        async def refused() -> bool:
            response = await editor.get(stack.nomenclatures_path())
            return bool(response.status_code == 401 and response.json()["code"] == "certificat-revoque")

        await eventually(refused, what="the gateway refusing the revoked certificate")

    alerts: list[dict[str, Any]] = []

    async def alerted() -> bool:
        nonlocal alerts
        alerts = [a for a in await _api(supervision, "/api/alerts") if a["kind"] == "revoked_certificate"]
        return bool(alerts)

    await eventually(alerted, what="the revoked-certificate alert")
    assert (alerts[0]["details"]["serial"].lower(), alerts[0]["details"]["editor"]) == (
        serial.lower(),
        EDITOR,
    )
    assert alerts[0]["uai"] == SCHOOL_A
    refused_syncs = (await _api(supervision, "/api/syncs", state="refused"))["items"]
    assert [
        (s["certificate_serial"], s["editor"], s["product"], s["uai"])
        for s in refused_syncs
        if s["problem_code"] == "certificat-revoque"
    ] == [(serial, EDITOR, "edt", SCHOOL_A)]


async def test_an_expired_certificates_refusal_names_the_certificate(
    stack: Stack, supervision: RunningSupervision
) -> None:
    expired = stack.pki.clients["expired"]
    async with stack.editor(expired.cert, expired.key) as editor:
        response = await editor.get(stack.nomenclatures_path())
    assert response.json()["code"] == "certificat-expire"

    expired_refusals: list[dict[str, Any]] = []

    async def journaled() -> bool:
        nonlocal expired_refusals
        refused = (await _api(supervision, "/api/syncs", state="refused"))["items"]
        expired_refusals = [s for s in refused if s["problem_code"] == "certificat-expire"]
        return bool(expired_refusals)

    await eventually(journaled, what="the expired certificate's refusal journaled")
    [sync] = expired_refusals
    assert (sync["certificate_serial"], sync["editor"], sync["product"], sync["uai"]) == (
        serial_hex(expired.certificate.serial_number),
        EDITOR,
        "edt",
        SCHOOL_A,
    )
