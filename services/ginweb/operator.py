"""Operator commands that change GIN-WEB's database: the editors' registry, heads' accounts, and
certificates issued outside the portal. Each runs one transaction, then publishes the outbox (if NATS is
unreachable, the running service publishes it at its next maintenance pass)."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from cryptography import x509
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common import subjects
from services.common.auth import create_account, find_account, utc_now
from services.common.bus import Bus
from services.common.db import SessionFactory, create_engine, create_tables, session_factory, transaction
from services.common.errors import DomainError, InvalidInput
from services.common.formats.identifiers import is_valid_uai
from services.common.identity import serial_hex
from services.common.pki import CertificateAuthority
from services.common.products import DEFAULT_PRODUCT_FLOWS
from services.ginweb import certificates, registry
from services.ginweb.certificates import Head
from services.ginweb.deps import HEAD_ROLE
from services.ginweb.models import MODELS, Certificate, Editor, IssuanceMethod
from services.ginweb.outbox import flush
from services.ginweb.settings import GinwebSettings

log = logging.getLogger(__name__)
OPERATOR = "operateur"
DEV_EDITOR = ("index-education", "Index Éducation")
DEV_PRODUCT_NAMES = {"edt": "EDT", "udt": "UDT", "pronote": "Pronote"}
DEV_HEAD_PASSWORD = "netsynchro-2026"  # noqa: S105  # development only, printed by `make run`

_T = TypeVar("_T")
_PUBLISH_TIMEOUT_SECONDS = 5.0


async def in_database(settings: GinwebSettings, work: Callable[[AsyncSession], Awaitable[_T]]) -> _T:
    """Run ``work`` in one transaction on GIN-WEB's database, then publish what it queued."""
    engine = create_engine(settings.database)
    try:
        await create_tables(engine, MODELS)
        sessions = session_factory(engine)
        async with transaction(sessions) as db:
            result = await work(db)
        await _publish_outbox(sessions, settings)
        return result
    finally:
        await engine.dispose()


async def _publish_outbox(sessions: SessionFactory, settings: GinwebSettings) -> None:
    bus = Bus(settings.nats.model_copy(update={"connect_timeout": 2.0}), name="ginweb-operateur")
    try:
        # The bus reconnects forever by design; a command must not hang when NATS is down.
        async with asyncio.timeout(_PUBLISH_TIMEOUT_SECONDS):
            await bus.connect()
            await bus.ensure_streams([subjects.REVOCATIONS, subjects.SYNC_EVENTS])
            await flush(sessions, bus)
    except (TimeoutError, OSError, DomainError) as error:
        print(f"bus injoignable ({error!r}) : GIN-WEB publiera les messages en attente", file=sys.stderr)
    finally:
        await bus.close()


async def create_head(
    db: AsyncSession, username: str, uai: str, password: str | None, name: str = ""
) -> None:
    """A head of school's account, bound to one UAI (password None: OIDC only)."""
    if not is_valid_uai(uai):
        raise InvalidInput(f"L'UAI « {uai} » est invalide (lettre clé ou format).", code="uai-invalide")
    await create_account(
        db, username=username, role=HEAD_ROLE, scopes=[uai], password=password, display_name=name
    )


async def register_certificate(
    db: AsyncSession, ca: CertificateAuthority, leaf: x509.Certificate, actor: str
) -> str:
    """Record a certificate issued by ``issue-cert`` so the head sees it and can revoke it."""
    uai = leaf.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    record = await certificates.register(
        db, ca, leaf, IssuanceMethod.OPERATOR, Head(actor, str(uai)), utc_now()
    )
    return record.serial


async def seed_development(
    db: AsyncSession, ca: CertificateAuthority, leaves: Sequence[x509.Certificate], schools: Sequence[str]
) -> None:
    """What `make run` needs: the demo editor and its products, a head per demo school
    (``chef.<uai>``), and the development certificates registered so heads see them. Idempotent."""
    editor_id, editor_name = DEV_EDITOR
    if await db.get(Editor, editor_id) is None:
        await registry.add_editor(db, editor_id, editor_name, actor=OPERATOR)
        for product, flows in DEFAULT_PRODUCT_FLOWS.items():
            name = DEV_PRODUCT_NAMES.get(product, product)
            await registry.add_product(db, editor_id, product, name, sorted(flows), actor=OPERATOR)
    for uai in schools:
        username = dev_head_username(uai)
        if await find_account(db, username) is None:
            await create_head(db, username, uai, DEV_HEAD_PASSWORD, f"Chef d'établissement {uai}")
    for leaf in leaves:
        if await db.get(Certificate, serial_hex(leaf.serial_number)) is None:
            await register_certificate(db, ca, leaf, OPERATOR)


def dev_head_username(uai: str) -> str:
    return f"chef.{uai.lower()}"


def describe(error: DomainError) -> str:
    return f"{error.code}: {error.title}" + (f" ({error.detail})" if error.detail else "")
