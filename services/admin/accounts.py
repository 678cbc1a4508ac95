"""Accounts of both consoles: GIN-WEB's heads of school, supervision's supervisors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlmodel import col, delete
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import find_account
from services.common.auth.accounts import normalized_username, set_password
from services.common.auth.models import Account, SignInThrottle
from services.common.auth.sessions import close_all_sessions
from services.common.auth.settings import AuthSettings
from services.common.auth.throttle import ThrottleSettings, keys_for
from services.common.db import create_engine, create_tables, session_factory, transaction
from services.common.errors import NotFound
from services.common.settings import DatabaseSettings
from services.ginweb.models import MODELS as GINWEB_MODELS
from services.ginweb.settings import GinwebSettings
from services.supervision.models import MODELS as SUPERVISION_MODELS
from services.supervision.settings import SupervisionSettings

CONSOLES = ("ginweb", "supervision")
_T = TypeVar("_T")


class AccountNotFound(NotFound):
    default_code = "compte-absent"
    default_title = "Aucun compte ne porte cet identifiant."


def console_settings(console: str) -> tuple[DatabaseSettings, AuthSettings]:
    settings = GinwebSettings() if console == "ginweb" else SupervisionSettings()
    return settings.database, settings.auth


async def in_console(console: str, work: Callable[[AsyncSession], Awaitable[_T]]) -> _T:
    """Run ``work`` in one transaction on the console's database (settings from its variables)."""
    database, _auth = console_settings(console)
    engine = create_engine(database)
    try:
        await create_tables(engine, GINWEB_MODELS if console == "ginweb" else SUPERVISION_MODELS)
        async with transaction(session_factory(engine)) as db:
            return await work(db)
    finally:
        await engine.dispose()


async def existing(db: AsyncSession, username: str) -> Account:
    account = await find_account(db, username)
    if account is None:
        raise AccountNotFound(f"Aucun compte « {normalized_username(username)} » dans cette console.")
    return account


async def unlock(db: AsyncSession, username: str, sources: list[str], throttle: ThrottleSettings) -> int:
    """Forget the sign-in failures counted against this account (from anywhere, and from each of
    ``sources``, where the person signs in from); the number of counters cleared."""
    account = await existing(db, username)
    hashes = {keys_for(account.username, "", throttle)[2].key_hash}
    for source in sources:
        hashes.add(keys_for(account.username, source, throttle)[1].key_hash)
    result = await db.exec(delete(SignInThrottle).where(col(SignInThrottle.key_hash).in_(hashes)))
    return int(result.rowcount or 0)


async def reset_password(db: AsyncSession, username: str, password: str, auth: AuthSettings) -> None:
    """A new password (strength checked); the account's open sessions end."""
    account = await existing(db, username)
    await set_password(db, account, password, auth)
    await _end_sessions(db, account)


async def set_active(db: AsyncSession, username: str, *, active: bool) -> None:
    """Disable (sign-in refused, open sessions ended) or re-enable an account."""
    account = await existing(db, username)
    account.active = active
    db.add(account)
    if not active:
        await _end_sessions(db, account)


async def _end_sessions(db: AsyncSession, account: Account) -> None:
    assert account.id is not None
    await close_all_sessions(db, account.id)
