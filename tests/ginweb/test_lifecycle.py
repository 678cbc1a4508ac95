"""The certificate lifecycle in GIN-WEB's service layer, on each database: renewal with a grace period
that ends in an automatic revocation, the audit trail, and the CRL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from sqlmodel import col, select

from services.common.auth import utc_now
from services.common.contracts import CertificateAudit
from services.common.db import SessionFactory, create_engine, create_tables, session_factory, transaction
from services.common.events import SyncEvent
from services.common.pki import CertificateAuthority
from services.ginweb import certificates, registry
from services.ginweb.certificates import CertificateState, Head, Policy
from services.ginweb.crl import CrlPublisher
from services.ginweb.errors import CannotRenew, CertificateNotFound
from services.ginweb.models import MODELS, OutboxMessage
from tests.ginweb.editors import make_csr
from tests.support.databases import fresh_database
from tests.support.pki import EDITOR, SCHOOL_A, SCHOOL_B, TestPki

POLICY = Policy(renewal_grace=timedelta(days=14))
HEAD = Head("chef.a", SCHOOL_A)


@pytest.fixture
async def sessions(tmp_path: Path, db_backend: str) -> AsyncIterator[SessionFactory]:
    async with fresh_database(db_backend, tmp_path, "ginweb") as settings:
        engine = create_engine(settings)
        await create_tables(engine, MODELS)
        factory = session_factory(engine)
        async with transaction(factory) as db:
            await registry.add_editor(db, EDITOR, "Index Éducation", actor="test")
            await registry.add_product(db, EDITOR, "edt", "EDT", ["nomenclatures"], actor="test")
        yield factory
        await engine.dispose()


async def issue(sessions: SessionFactory, ca: CertificateAuthority, head: Head = HEAD) -> str:
    _key, csr = make_csr(head.uai, EDITOR, "edt")
    async with transaction(sessions) as db:
        record = await certificates.issue_from_csr(db, ca, head, "edt", csr, policy=POLICY, now=utc_now())
    return record.serial


async def audit_actions(sessions: SessionFactory) -> list[str]:
    async with transaction(sessions) as db:
        statement = select(OutboxMessage).where(col(OutboxMessage.subject).startswith("sync.events."))
        rows = (await db.exec(statement)).all()
    # Read with supervision's model: what GIN-WEB writes is what supervision expects.
    events = [SyncEvent.model_validate(row.payload) for row in rows]
    audits = [event.details for event in events if isinstance(event.details, CertificateAudit)]
    assert all(audit.not_after.year > 2000 for audit in audits)
    return sorted(audit.action.value for audit in audits)


async def test_renewal_overlaps_then_the_old_certificate_is_revoked_as_superseded(
    sessions: SessionFactory, test_pki: TestPki
) -> None:
    old_serial, now = await issue(sessions, test_pki.ca), utc_now()
    _key, csr = make_csr(SCHOOL_A, EDITOR, "edt")
    async with transaction(sessions) as db:
        old = await certificates.renewable(db, HEAD, old_serial, now)
        new = await certificates.issue_from_csr(
            db, test_pki.ca, HEAD, old.product_id, csr, policy=POLICY, now=now
        )
        certificates.mark_renewed(db, old, new, policy=POLICY, now=now)

    async with transaction(sessions) as db:
        assert await certificates.end_grace_periods(db, now + timedelta(days=13)) == []
        old = await certificates.school_certificate(db, SCHOOL_A, old_serial)
        assert certificates.state_of(old, now + timedelta(days=13)) is CertificateState.IN_GRACE
        with pytest.raises(CannotRenew):
            await certificates.renewable(db, HEAD, old_serial, now)

    async with transaction(sessions) as db:
        ended = await certificates.end_grace_periods(db, now + timedelta(days=14, seconds=1))
    assert [(c.serial, c.revocation_reason, c.revoked_by) for c in ended] == [
        (old_serial, "superseded", "plateforme")
    ]
    assert await audit_actions(sessions) == ["issued", "issued", "renewed", "revoked"]


async def test_revocation_is_queued_for_gateways_and_audited(
    sessions: SessionFactory, test_pki: TestPki
) -> None:
    serial = await issue(sessions, test_pki.ca)
    async with transaction(sessions) as db:
        record = await certificates.school_certificate(db, SCHOOL_A, serial)
        await certificates.revoke(db, record, "keyCompromise", actor="chef.a", now=utc_now())

    async with transaction(sessions) as db:
        queued = await db.get(OutboxMessage, f"revocation-{serial}")
    assert queued is not None
    assert (queued.subject, queued.payload["reason"]) == (f"ginweb.revocations.{serial}", "keyCompromise")
    assert await audit_actions(sessions) == ["issued", "revoked"]


async def test_another_schools_serial_is_not_found(sessions: SessionFactory, test_pki: TestPki) -> None:
    serial = await issue(sessions, test_pki.ca, Head("chef.b", SCHOOL_B))
    async with transaction(sessions) as db:
        with pytest.raises(CertificateNotFound):
            await certificates.school_certificate(db, SCHOOL_A, serial)


async def test_crl_lists_revoked_serials_signed_by_the_issuing_ca_with_a_short_next_update(
    sessions: SessionFactory, test_pki: TestPki
) -> None:
    kept, revoked = await issue(sessions, test_pki.ca), await issue(sessions, test_pki.ca)
    publisher = CrlPublisher(test_pki.ca, timedelta(minutes=10))
    first = x509.load_der_x509_crl(await publisher.current_der(sessions))
    async with transaction(sessions) as db:
        record = await certificates.school_certificate(db, SCHOOL_A, revoked)
        await certificates.revoke(db, record, "cessationOfOperation", actor="chef.a", now=utc_now())

    crl = x509.load_der_x509_crl(await publisher.current_der(sessions))

    assert len(first) == 0
    assert crl.is_signature_valid(test_pki.ca.issuing.certificate.public_key())  # type: ignore[arg-type]
    assert crl.next_update_utc is not None
    assert crl.next_update_utc - crl.last_update_utc == timedelta(minutes=10)
    entry = crl.get_revoked_certificate_by_serial_number(int(revoked, 16))
    assert entry is not None
    assert (
        entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
        is x509.ReasonFlags.cessation_of_operation
    )
    assert crl.get_revoked_certificate_by_serial_number(int(kept, 16)) is None
