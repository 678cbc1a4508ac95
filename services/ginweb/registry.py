"""The registry of accredited editors and their products, and what gateways are told about it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common import subjects
from services.common.auth import utc_now
from services.common.contracts import AccreditationAction
from services.common.errors import Conflict, InvalidInput
from services.common.pki.profile import is_valid_slug
from services.common.products import DEFAULT_PRODUCT_FLOWS
from services.common.trustfeed import EditorAccreditation
from services.ginweb import audit
from services.ginweb.errors import ProductNotAccredited, UnknownEditor
from services.ginweb.models import Editor, Product
from services.ginweb.outbox import enqueue

KNOWN_FLOWS = frozenset().union(*DEFAULT_PRODUCT_FLOWS.values())


async def add_editor(db: AsyncSession, editor_id: str, name: str, *, actor: str) -> Editor:
    _check_slug(editor_id, "editeur")
    if await db.get(Editor, editor_id) is not None:
        raise Conflict(f"L'éditeur « {editor_id} » existe déjà.", code="editeur-existant")
    editor = Editor(id=editor_id, name=name or editor_id)
    db.add(editor)
    await db.flush()
    await _announce(
        db, editor, AccreditationAction.EDITOR_ADDED, f"Éditeur {editor_id} ajouté au registre", actor
    )
    return editor


async def add_product(
    db: AsyncSession, editor_id: str, product_id: str, name: str, flows: Iterable[str], *, actor: str
) -> Product:
    """A product with the flows it may use; flow names must be the platform's."""
    editor = await _editor(db, editor_id)
    _check_slug(product_id, "produit")
    unknown = sorted(set(flows) - KNOWN_FLOWS)
    if unknown:
        raise InvalidInput(f"Flux inconnus : {', '.join(unknown)}.", code="flux-inconnu")
    if await db.get(Product, product_id) is not None:
        raise Conflict(f"Le produit « {product_id} » existe déjà.", code="produit-existant")
    product = Product(id=product_id, editor_id=editor.id, name=name or product_id, flows=sorted(set(flows)))
    db.add(product)
    await db.flush()
    await _announce(
        db, editor, AccreditationAction.PRODUCT_ADDED, f"Produit {product_id} ajouté pour {editor_id}", actor
    )
    return product


async def set_accreditation(db: AsyncSession, editor_id: str, *, active: bool, actor: str) -> Editor:
    """Withdraw (``active`` false) or restore an editor's accreditation; gateways refuse or accept all
    its certificates from the next request."""
    editor = await _editor(db, editor_id)
    editor.active, editor.changed_at = active, utc_now()
    db.add(editor)
    action = AccreditationAction.REINSTATED if active else AccreditationAction.WITHDRAWN
    verb = "rétablie" if active else "retirée"
    await _announce(db, editor, action, f"Habilitation de {editor_id} {verb}", actor)
    return editor


async def accredited_products(db: AsyncSession) -> Sequence[tuple[Product, Editor]]:
    """Products a head may request a certificate for: active products of active editors."""
    statement = (
        select(Product, Editor)
        .join(Editor, col(Editor.id) == col(Product.editor_id))
        .where(col(Product.active), col(Editor.active))
        .order_by(col(Editor.name), col(Product.name))
    )
    return list((await db.exec(statement)).all())


async def accredited_product(db: AsyncSession, product_id: str) -> Product:
    """The product if it and its editor are accredited, else :class:`ProductNotAccredited`."""
    for product, _editor in await accredited_products(db):
        if product.id == product_id:
            return product
    raise ProductNotAccredited()


async def announce_all(db: AsyncSession, now: datetime | None = None) -> int:
    """Queue the current state of every editor for gateways (at start-up: the stream's retention must
    never be the only memory of an old withdrawal)."""
    editors = (await db.exec(select(Editor))).all()
    for editor in editors:
        await _queue_accreditation(db, editor, now or utc_now())
    return len(editors)


async def _announce(
    db: AsyncSession, editor: Editor, action: AccreditationAction, message: str, actor: str
) -> None:
    await _queue_accreditation(db, editor, utc_now())
    audit.record_accreditation(db, editor.id, action, message, actor)


async def _queue_accreditation(db: AsyncSession, editor: Editor, now: datetime) -> None:
    products = (await db.exec(select(Product).where(col(Product.editor_id) == editor.id))).all()
    event = EditorAccreditation(
        editor=editor.id,
        active=editor.active,
        products={product.id: product.flows for product in products if product.active},
        changed_at=now,
    )
    enqueue(db, subjects.accreditation_subject(editor.id), event.model_dump(mode="json"), event.msg_id)


async def _editor(db: AsyncSession, editor_id: str) -> Editor:
    editor = await db.get(Editor, editor_id)
    if editor is None:
        raise UnknownEditor(f"L'éditeur « {editor_id} » n'est pas dans le registre.")
    return editor


def _check_slug(value: str, kind: str) -> None:
    if not is_valid_slug(value):
        raise InvalidInput(
            f"L'identifiant « {value} » est invalide (minuscules, chiffres et tirets).",
            code=f"{kind}-invalide",
        )
