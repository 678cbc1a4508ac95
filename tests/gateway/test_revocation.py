"""Revocation bites at once: on an open keep-alive connection, on a gateway started later, from the CRL
when the stream is gone, and for a withdrawn editor. Real GIN-WEB, gateways, NATS and TLS."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from services.common import subjects
from services.common.auth import utc_now
from services.common.identity import EditorIdentity, serial_hex
from services.common.localnats import NatsProcess
from services.common.trustfeed import EditorAccreditation
from services.gateway.trust import TrustStore
from services.ginweb import certificates, registry
from services.ginweb.deps import unit_of_work
from services.ginweb.models import IssuanceMethod
from tests.ginweb.stack import OTHER_EDITOR, Stack, running_stack
from tests.support.pki import SCHOOL_A, ClientFiles, TestPki

TRUST_REFUSALS = {"certificat-revoque", "editeur-non-habilite", "produit-non-habilite", "editeur-inconnu"}


@pytest.fixture
async def stack(tmp_path: Path, fresh_nats: NatsProcess, test_pki: TestPki) -> AsyncIterator[Stack]:
    # The feed does not touch a database: SQLite is enough here; GIN-WEB's tables run on both elsewhere.
    async with running_stack(tmp_path, fresh_nats.url, test_pki, "sqlite", school_data=False) as running:
        yield running


async def registered(
    stack: Stack, name: str, editor: str = "index-education", product: str = "edt"
) -> ClientFiles:
    """A certificate of the test CA, recorded in GIN-WEB as the operator would."""
    issued = stack.pki.ca.issue_with_new_key(uai=SCHOOL_A, editor=editor, product=product)
    files = stack.pki.write_client(name, issued)
    async with unit_of_work(stack.ginweb) as db:
        head = certificates.Head("operateur", SCHOOL_A)
        await certificates.register(
            db, stack.ginweb.ca, issued.certificate, IssuanceMethod.OPERATOR, head, utc_now()
        )
    return files


async def revoke(stack: Stack, files: ClientFiles) -> None:
    async with unit_of_work(stack.ginweb) as db:
        record = await certificates.school_certificate(
            db, SCHOOL_A, serial_hex(files.certificate.serial_number)
        )
        await certificates.revoke(db, record, "keyCompromise", actor="chef.a", now=utc_now())


def code_of(response: httpx.Response) -> str | None:
    if response.headers.get("content-type") != "application/problem+json":
        return None
    code: str = response.json()["code"]
    return code


async def refused_within(client: httpx.AsyncClient, path: str, code: str, seconds: float) -> float:
    """Poll on the same connection until the gateway answers ``code``; returns the time it took."""
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        response = await client.get(path)
        if code_of(response) == code:
            return time.perf_counter() - start
        await asyncio.sleep(0.01)
    raise AssertionError(f"not refused with {code} within {seconds}s: {response.status_code} {response.text}")


async def test_open_keep_alive_connection_is_refused_on_its_next_request(stack: Stack) -> None:
    files = await registered(stack, "keepalive")
    connections: list[object] = []
    async with stack.editor(files.cert, files.key) as editor:
        before = await editor.get(stack.nomenclatures_path())
        assert code_of(before) not in TRUST_REFUSALS
        connections.append(before.extensions["network_stream"])

        await revoke(stack, files)
        elapsed = await refused_within(editor, stack.nomenclatures_path(), "certificat-revoque", 1.0)

        after = await editor.get(stack.nomenclatures_path())
    assert after.extensions["network_stream"] is connections[0]  # the same TLS connection all along
    assert elapsed < 1.0


async def test_gateway_started_after_the_revocation_refuses_it(stack: Stack) -> None:
    files = await registered(stack, "late")
    await revoke(stack, files)

    late_gateway = await stack.start_gateway()

    async with stack.editor(files.cert, files.key, url=late_gateway) as editor:
        assert code_of(await editor.get(stack.nomenclatures_path())) == "certificat-revoque"


async def test_gateway_catches_up_from_the_crl_when_the_stream_lost_the_event(stack: Stack) -> None:
    files = await registered(stack, "crl-only")
    await revoke(stack, files)
    await stack.ginweb.runtime.bus.js.purge_stream(
        subjects.REVOCATIONS.name, subject=subjects.REVOCATION_SUBJECTS
    )

    from_crl = await stack.start_gateway(crl=True)
    stream_only = await stack.start_gateway(crl=False)

    async with stack.editor(files.cert, files.key, url=from_crl) as editor:
        assert code_of(await editor.get(stack.nomenclatures_path())) == "certificat-revoque"
    async with stack.editor(files.cert, files.key, url=stream_only) as editor:
        assert (
            code_of(await editor.get(stack.nomenclatures_path())) not in TRUST_REFUSALS
        )  # proves the CRL did it


async def test_withdrawn_editor_is_refused_on_open_connections_and_on_new_gateways(stack: Stack) -> None:
    files = await registered(stack, "withdrawn", editor=OTHER_EDITOR, product="vie-scolaire")
    path = stack.nomenclatures_path()
    async with stack.editor(files.cert, files.key) as editor:
        assert code_of(await editor.get(path)) not in TRUST_REFUSALS

        async with unit_of_work(stack.ginweb) as db:
            await registry.set_accreditation(db, OTHER_EDITOR, active=False, actor="operateur")
        assert await refused_within(editor, path, "editeur-non-habilite", 1.0) < 1.0

    late_gateway = await stack.start_gateway()
    async with stack.editor(files.cert, files.key, url=late_gateway) as editor:
        assert code_of(await editor.get(path)) == "editeur-non-habilite"


async def test_a_certificate_of_our_ca_for_an_editor_the_registry_does_not_know_is_refused(
    stack: Stack,
) -> None:
    """Deny by default (issue 15): signed by the platform's CA, never registered, its editor unknown to
    GIN-WEB's registry."""
    issued = stack.pki.ca.issue_with_new_key(uai=SCHOOL_A, editor="editeur-fantome", product="edt")
    files = stack.pki.write_client("fantome", issued)
    async with stack.editor(files.cert, files.key) as editor:
        response = await editor.get(stack.nomenclatures_path())
    assert (response.status_code, code_of(response)) == (403, "editeur-inconnu")


def test_once_the_registry_has_spoken_an_editor_it_never_named_is_refused() -> None:
    trust = TrustStore(ready=True)
    trust.ensure_trusted(identity(editor="ed", product="p"))  # no registry heard: the embedded table
    at = datetime(2026, 9, 1, tzinfo=UTC)
    trust.apply_accreditation(EditorAccreditation(editor="other", active=True, products={}, changed_at=at))
    with pytest.raises(Exception, match="editeur-inconnu"):
        trust.ensure_trusted(identity(editor="ed", product="p"))


def identity(serial: int = 1, editor: str = "index-education", product: str = "edt") -> EditorIdentity:
    now = datetime.now(UTC)
    return EditorIdentity(SCHOOL_A, editor, product, serial, now, now, "CN=0310053P")


def test_trust_store_refuses_everything_until_caught_up() -> None:
    with pytest.raises(Exception, match="revocations-non-chargees"):
        TrustStore().ensure_trusted(identity())


def test_an_older_accreditation_message_does_not_undo_a_newer_one() -> None:
    trust = TrustStore(ready=True)
    newer = EditorAccreditation(
        editor="ed", active=False, products={"p": ["eleves"]}, changed_at=datetime(2026, 9, 2, tzinfo=UTC)
    )
    older = EditorAccreditation(
        editor="ed", active=True, products={"p": ["eleves"]}, changed_at=datetime(2026, 9, 1, tzinfo=UTC)
    )

    trust.apply_accreditation(newer)
    trust.apply_accreditation(older)

    with pytest.raises(Exception, match="editeur-non-habilite"):
        trust.ensure_trusted(identity(editor="ed", product="p"))


def test_a_product_dropped_from_its_editor_is_refused_and_loses_its_flows() -> None:
    trust = TrustStore(ready=True)
    at = datetime(2026, 9, 1, tzinfo=UTC)
    trust.apply_accreditation(
        EditorAccreditation(editor="ed", active=True, products={"p": ["eleves"], "q": []}, changed_at=at)
    )
    trust.apply_accreditation(
        EditorAccreditation(editor="ed", active=True, products={"q": []}, changed_at=at)
    )

    with pytest.raises(Exception, match="produit-non-habilite"):
        trust.ensure_trusted(identity(editor="ed", product="p"))
    assert "p" not in trust.product_flows
