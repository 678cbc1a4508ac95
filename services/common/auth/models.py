"""The tables of local accounts and browser sessions.

Each service that has users lists :data:`AUTH_MODELS` in its own ``MODELS``, so the tables live in that
service's database (GIN-WEB's heads of school, supervision's supervisors never share a table).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend: SQLite hands back naive values otherwise."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: use datetime.now(UTC)")
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Account(SQLModel, table=True):
    """A person who signs in. ``role`` and ``scopes`` are the owning service's to interpret: a head of
    school has role ``chef-etablissement`` and one UAI in ``scopes``; a supervisor lists académies."""

    __tablename__ = "auth_account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(String(120), unique=True, nullable=False))
    display_name: str = Field(default="", max_length=200)
    # None for an account that signs in through OIDC only.
    password_hash: str | None = Field(default=None, max_length=200)
    role: str = Field(max_length=40)
    scopes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UtcDateTime(), nullable=False))


class WebSession(SQLModel, table=True):
    """A browser session, anonymous until sign-in. Only the SHA-256 of the cookie's token is stored, so a
    copy of the database does not let anyone ride a session."""

    __tablename__ = "auth_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    account_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("auth_account.id", ondelete="CASCADE"), index=True),
    )
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    # Short-lived values bound to this browser: the OIDC state, nonce and PKCE verifier, one flash message.
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SignInThrottle(SQLModel, table=True):
    """Failures counted for one key (hashed: a key holds a user name and an address)."""

    __tablename__ = "auth_throttle"

    key_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    failures: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    last_failure_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    blocked_until: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


AUTH_MODELS: list[type[SQLModel]] = [Account, WebSession, SignInThrottle]
