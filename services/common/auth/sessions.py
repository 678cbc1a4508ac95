"""Server-side browser sessions: opaque random tokens, idle and absolute expiry, rotation at sign-in.

The cookie holds a 256-bit random token; the table holds its SHA-256. Every session carries its own CSRF
token (synchronizer pattern). Signing in never upgrades the session the browser came with: it deletes it
and opens a new one with a new token and a new CSRF token, so a token planted by an attacker before
sign-in (session fixation) is worthless afterwards.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth.models import Account, SignInThrottle, WebSession
from services.common.auth.settings import AuthSettings

# Writing last_seen_at on every request would turn each page view into a write; a minute of
# imprecision on the idle timeout is harmless.
_TOUCH_INTERVAL = timedelta(minutes=1)
# Longer than any sensible forgetting window of the throttle (an hour by default).
_FAILURES_KEPT = timedelta(days=1)


@dataclass(frozen=True)
class OpenedSession:
    """A session just created: ``token`` goes into the cookie and is never stored."""

    token: str
    record: WebSession


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(
    db: AsyncSession, settings: AuthSettings, now: datetime, *, account: Account | None = None
) -> OpenedSession:
    """A new session, anonymous or signed in as ``account``."""
    token = secrets.token_urlsafe(32)
    lifetime = (
        timedelta(minutes=settings.anonymous_session_minutes)
        if account is None
        else timedelta(hours=settings.session_absolute_hours)
    )
    record = WebSession(
        token_hash=token_hash(token),
        account_id=account.id if account else None,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
    )
    db.add(record)
    await db.flush()
    return OpenedSession(token, record)


async def load_session(
    db: AsyncSession, token: str, settings: AuthSettings, now: datetime
) -> WebSession | None:
    """The live session for ``token``; None (and the row deleted) once expired or idle too long."""
    record = await db.get(WebSession, token_hash(token))
    if record is None:
        return None
    idle_limit = timedelta(minutes=settings.session_idle_minutes)
    if record.expires_at <= now or (record.account_id is not None and now - record.last_seen_at > idle_limit):
        await db.delete(record)
        return None
    if now - record.last_seen_at > _TOUCH_INTERVAL:
        record.last_seen_at = now
        db.add(record)
    return record


async def is_signed_in(db: AsyncSession, hashed: str, settings: AuthSettings, now: datetime) -> bool:
    """Whether the signed-in session stored as ``hashed`` is still live; reads only, so a long-lived
    connection (a live feed) asking again and again does not keep an idle session alive."""
    record = await db.get(WebSession, hashed)
    if record is None or record.account_id is None or record.expires_at <= now:
        return False
    return now - record.last_seen_at <= timedelta(minutes=settings.session_idle_minutes)


async def rotate_for_login(
    db: AsyncSession, previous: WebSession | None, account: Account, settings: AuthSettings, now: datetime
) -> OpenedSession:
    """Replace the pre-login session by a new signed-in one (anti-fixation); keeps nothing from it."""
    if previous is not None:
        await db.exec(delete(WebSession).where(col(WebSession.token_hash) == previous.token_hash))
    return await open_session(db, settings, now, account=account)


async def close_session(db: AsyncSession, record: WebSession) -> None:
    await db.exec(delete(WebSession).where(col(WebSession.token_hash) == record.token_hash))


async def close_all_sessions(db: AsyncSession, account_id: int) -> int:
    """Sign the account out everywhere (after a password change or a lock by an operator)."""
    result = await db.exec(delete(WebSession).where(col(WebSession.account_id) == account_id))
    return int(result.rowcount or 0)


async def purge_expired(db: AsyncSession, now: datetime) -> int:
    """Delete sessions past their absolute expiry, and sign-in failure counts a day old (user names
    typed by strangers would pile up); run it periodically. Returns the sessions deleted."""
    result = await db.exec(delete(WebSession).where(col(WebSession.expires_at) <= now))
    stale = now - _FAILURES_KEPT
    await db.exec(delete(SignInThrottle).where(col(SignInThrottle.last_failure_at) < stale))
    return int(result.rowcount or 0)


async def account_of(db: AsyncSession, record: WebSession) -> Account | None:
    if record.account_id is None:
        return None
    account = (await db.exec(select(Account).where(col(Account.id) == record.account_id))).first()
    return account if account is not None and account.active else None
