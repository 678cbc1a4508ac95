"""Local accounts: creation, password changes, and sign-in with lock-out after repeated failures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth.errors import AccountLocked, InvalidCredentials
from services.common.auth.models import Account, utc_now
from services.common.auth.passwords import check_strength, hash_password, needs_rehash, verify_password
from services.common.auth.settings import AuthSettings
from services.common.db import SessionFactory, transaction
from services.common.errors import Conflict, DomainError, InvalidInput


def normalized_username(username: str) -> str:
    """Usernames compare case-insensitively and without surrounding spaces (people type them)."""
    return username.strip().lower()


async def find_account(db: AsyncSession, username: str) -> Account | None:
    result = await db.exec(select(Account).where(Account.username == normalized_username(username)))
    return result.first()


async def create_account(
    db: AsyncSession,
    *,
    username: str,
    role: str,
    scopes: Sequence[str] = (),
    password: str | None = None,
    display_name: str = "",
    settings: AuthSettings | None = None,
) -> Account:
    """A new account; ``password`` None makes an OIDC-only account. Raises ``compte-existant``."""
    name = normalized_username(username)
    if not name:
        raise InvalidInput("L'identifiant ne peut pas être vide.", code="identifiant-invalide")
    if await find_account(db, name) is not None:
        raise Conflict(f"Le compte « {name} » existe déjà.", code="compte-existant")
    password_hash = _checked_hash(password, settings or AuthSettings()) if password is not None else None
    account = Account(
        username=name, display_name=display_name, password_hash=password_hash, role=role, scopes=list(scopes)
    )
    db.add(account)
    await db.flush()
    return account


async def set_password(
    db: AsyncSession, account: Account, password: str, settings: AuthSettings | None = None
) -> None:
    """Replace the password (strength checked) and lift any lock-out."""
    account.password_hash = _checked_hash(password, settings or AuthSettings())
    account.failed_attempts, account.locked_until = 0, None
    db.add(account)


async def authenticate(
    sessions: SessionFactory,
    username: str,
    password: str,
    settings: AuthSettings,
    *,
    now: datetime | None = None,
) -> Account:
    """The active account whose password this is, else :class:`InvalidCredentials` or
    :class:`AccountLocked`. Runs its own transaction so that a failure is counted even though the caller
    sees an exception (a rollback would otherwise forget it)."""
    now = now or utc_now()
    async with transaction(sessions) as db:
        outcome = await _attempt(db, username, password, settings, now)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


async def _attempt(
    db: AsyncSession, username: str, password: str, settings: AuthSettings, now: datetime
) -> Account | DomainError:
    account = await find_account(db, username)
    if account is not None and account.locked_until is not None and account.locked_until > now:
        return AccountLocked()
    if account is None or not account.active or not verify_password(account.password_hash, password):
        if account is not None:
            await _count_failure(db, account, settings, now)
        return InvalidCredentials()
    account.failed_attempts, account.locked_until = 0, None
    if account.password_hash is not None and needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    db.add(account)
    return account


async def _count_failure(db: AsyncSession, account: Account, settings: AuthSettings, now: datetime) -> None:
    # One atomic increment: concurrent guesses cannot slip extra attempts between a read and a write.
    await db.exec(
        update(Account)
        .where(col(Account.id) == account.id)
        .values(failed_attempts=col(Account.failed_attempts) + 1)
    )
    await db.refresh(account)
    if account.failed_attempts >= settings.max_failures:
        account.failed_attempts = 0
        account.locked_until = now + timedelta(minutes=settings.lockout_minutes)
        db.add(account)


def _checked_hash(password: str, settings: AuthSettings) -> str:
    check_strength(password, min_length=settings.password_min_length)
    return hash_password(password)
