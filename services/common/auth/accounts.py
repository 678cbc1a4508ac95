"""Local accounts: creation, password changes, and sign-in slowed down after repeated failures."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth.errors import InvalidCredentials, SignInThrottled
from services.common.auth.models import Account, utc_now
from services.common.auth.passwords import check_strength, hash_password, needs_rehash, verify_password
from services.common.auth.settings import AuthSettings
from services.common.auth.throttle import ThrottleKey, keys_for, record_failure, record_success, wait_needed
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
    """Replace the password (strength checked)."""
    account.password_hash = _checked_hash(password, settings or AuthSettings())
    db.add(account)


async def authenticate(
    sessions: SessionFactory,
    username: str,
    password: str,
    settings: AuthSettings,
    *,
    source: str,
    now: datetime | None = None,
) -> Account:
    """The active account whose password this is, else :class:`InvalidCredentials`, or
    :class:`SignInThrottled` while ``source`` or this account must wait after failures (see
    :mod:`~services.common.auth.throttle`). An unknown user costs one argon2 verification, exactly as a
    known one: the time of an answer tells nothing. Runs its own transactions so that a failure is
    counted even though the caller sees an exception (a rollback would otherwise forget it)."""
    now = now or utc_now()
    name = normalized_username(username)
    keys = keys_for(name, source, settings.throttle)
    async with transaction(sessions) as db:
        wait = await wait_needed(db, keys, settings.throttle, now)
    if wait > timedelta(0):
        raise SignInThrottled(retry_after=math.ceil(wait.total_seconds()))
    async with transaction(sessions) as db:
        outcome = await _attempt(db, name, password, keys, settings, now)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


async def _attempt(
    db: AsyncSession,
    name: str,
    password: str,
    keys: list[ThrottleKey],
    settings: AuthSettings,
    now: datetime,
) -> Account | DomainError:
    account = await find_account(db, name)
    usable = account if account is not None and account.active else None
    # Always one verification (against a dummy hash when there is no usable account), off the event
    # loop: argon2 is meant to be slow.
    password_hash = usable.password_hash if usable is not None else None
    matches = await asyncio.to_thread(verify_password, password_hash, password)
    if usable is None or not matches:
        await record_failure(db, keys, settings.throttle, now)
        return InvalidCredentials()
    await record_success(db, keys)
    if usable.password_hash is not None and needs_rehash(usable.password_hash):
        usable.password_hash = hash_password(password)
        db.add(usable)
    return usable


def _checked_hash(password: str, settings: AuthSettings) -> str:
    check_strength(password, min_length=settings.password_min_length)
    return hash_password(password)
