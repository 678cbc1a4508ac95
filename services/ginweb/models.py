"""GIN-WEB's tables: the editors' registry, the certificates it issued, and the outbox of messages."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, String, Text
from sqlmodel import Field, SQLModel

from services.common.auth import AUTH_MODELS, UtcDateTime, utc_now


class Editor(SQLModel, table=True):
    """An accredited editor; ``active`` false once its accreditation is withdrawn."""

    __tablename__ = "editor"

    id: str = Field(primary_key=True, max_length=64)  # slug, as in certificates: index-education
    name: str = Field(max_length=200)
    active: bool = True
    changed_at: datetime = Field(default_factory=utc_now, sa_column=Column(UtcDateTime(), nullable=False))


class Product(SQLModel, table=True):
    """A product of an editor and the flows it may use. Product ids are unique across editors: the
    gateway's flow table is keyed by product."""

    __tablename__ = "product"

    id: str = Field(primary_key=True, max_length=64)  # slug: edt, pronote
    editor_id: str = Field(sa_column=Column(String(64), ForeignKey("editor.id"), nullable=False, index=True))
    name: str = Field(max_length=200)
    flows: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True


class IssuanceMethod(enum.StrEnum):
    CSR = "csr"  # the key stayed with the editor
    PKCS12 = "pkcs12"  # key generated here, handed over once in a password-protected bundle
    OPERATOR = "operateur"  # issued by the operator's command line


class Certificate(SQLModel, table=True):
    """An editor certificate issued by the platform. The serial is hex (159-bit serials overflow any
    integer column); its uniqueness is enforced here as a last line of defence."""

    __tablename__ = "certificate"

    serial: str = Field(primary_key=True, max_length=42)
    uai: str = Field(max_length=8, index=True)
    editor_id: str = Field(max_length=64, index=True)
    product_id: str = Field(max_length=64)
    method: str = Field(max_length=16)
    pem: str = Field(sa_column=Column(Text, nullable=False))
    not_before: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    not_after: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    issued_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    issued_by: str = Field(max_length=120)
    # Renewal: the new certificate names the one it replaces; the old one stays valid until
    # grace_until, then is revoked as "superseded".
    replaces: str | None = Field(default=None, max_length=42)
    superseded_by: str | None = Field(default=None, max_length=42)
    grace_until: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    revocation_reason: str | None = Field(default=None, max_length=40)
    revoked_by: str | None = Field(default=None, max_length=120)


class OutboxMessage(SQLModel, table=True):
    """A bus message written in the same transaction as the change it announces, published after the
    commit and deleted once JetStream acknowledged it: a revocation is never committed yet lost."""

    __tablename__ = "outbox"

    msg_id: str = Field(primary_key=True, max_length=80)  # the Nats-Msg-Id: a re-publish is deduplicated
    subject: str = Field(max_length=200)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UtcDateTime(), nullable=False))


MODELS: list[type[SQLModel]] = [*AUTH_MODELS, Editor, Product, Certificate, OutboxMessage]
