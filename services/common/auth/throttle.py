"""Slowing down password guessing without letting a stranger lock anyone out.

There is no hard lock: each failure makes the next attempt wait longer (exponential delay, capped)
for three keys at once, all counted whether or not the account exists (so the delays reveal nothing):

- the source (an address guessing across many accounts: spraying);
- the account from that source (one address guessing one account);
- the account from anywhere (many addresses guessing one account), with a high threshold and a low
  cap: a head of school whose name a stranger keeps trying still signs in from their own address at
  once, and waits a minute at worst if the whole internet tries.

While a key waits, attempts on it are refused (429 with ``Retry-After``) without checking the password,
the right one included; that refusal is what slows the attacker. Failures are forgotten after
``forget_after_minutes`` without one (and deleted a day later by ``purge_expired``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import UpdateBase
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth.models import SignInThrottle


class DelayPolicy(BaseModel):
    """``free_failures`` cost nothing; the next ones wait ``base_seconds``, then twice as long each
    time, never more than ``max_seconds``."""

    free_failures: int = Field(ge=0)
    base_seconds: float = Field(default=1.0, gt=0)
    max_seconds: float = Field(gt=0)

    def delay(self, failures: int) -> timedelta:
        """The wait imposed after ``failures`` consecutive failures."""
        if failures < self.free_failures:
            return timedelta(0)
        exponent = min(failures - self.free_failures, 32)  # 2**32 s is past any cap
        return timedelta(seconds=min(self.base_seconds * 2**exponent, self.max_seconds))


class ThrottleSettings(BaseModel):
    per_source: DelayPolicy = DelayPolicy(free_failures=20, max_seconds=900)
    per_account_and_source: DelayPolicy = DelayPolicy(free_failures=5, max_seconds=900)
    per_account: DelayPolicy = DelayPolicy(free_failures=50, max_seconds=60)
    forget_after_minutes: int = 60


@dataclass(frozen=True)
class ThrottleKey:
    key_hash: str
    policy: DelayPolicy


def keys_for(username: str, source: str, settings: ThrottleSettings) -> list[ThrottleKey]:
    """The three keys of an attempt on ``username`` (already normalised) from ``source``."""

    def key(*parts: str) -> str:
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()

    return [
        ThrottleKey(key("source", source), settings.per_source),
        ThrottleKey(key("account-source", username, source), settings.per_account_and_source),
        ThrottleKey(key("account", username), settings.per_account),
    ]


async def wait_needed(
    db: AsyncSession, keys: Sequence[ThrottleKey], settings: ThrottleSettings, now: datetime
) -> timedelta:
    """How long this attempt must still wait (zero: it may go on)."""
    rows = await _rows(db, keys)
    forget = timedelta(minutes=settings.forget_after_minutes)
    waits = [row.blocked_until - now for row in rows if now - row.last_failure_at < forget]
    return max([timedelta(0), *waits])


async def record_failure(
    db: AsyncSession, keys: Sequence[ThrottleKey], settings: ThrottleSettings, now: datetime
) -> None:
    """One more failure on each key (atomic: concurrent guesses cannot slip between read and write)."""
    forget = timedelta(minutes=settings.forget_after_minutes)
    rows = {row.key_hash: row for row in await _rows(db, keys)}
    for key in keys:
        row = rows.get(key.key_hash)
        stale = row is None or now - row.last_failure_at >= forget
        failures = 1 if stale or row is None else row.failures + 1
        delay = key.policy.delay(failures)
        values = {"failures": failures, "last_failure_at": now, "blocked_until": now + delay}
        await db.exec(_upsert(db, key.key_hash, values, stale))


async def record_success(db: AsyncSession, keys: Sequence[ThrottleKey]) -> None:
    """The right password from this source: its own count for this account starts again. The source's
    and the account's counts stay (one good password must not wash away a spray)."""
    await db.exec(delete(SignInThrottle).where(col(SignInThrottle.key_hash) == keys[1].key_hash))


async def _rows(db: AsyncSession, keys: Sequence[ThrottleKey]) -> list[SignInThrottle]:
    hashes = [key.key_hash for key in keys]
    return list((await db.exec(select(SignInThrottle).where(col(SignInThrottle.key_hash).in_(hashes)))).all())


def _upsert(db: AsyncSession, key_hash: str, values: dict[str, Any], restart: bool) -> UpdateBase:
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(SignInThrottle).values(key_hash=key_hash, **values)
    table = SignInThrottle.__table__.c  # type: ignore[attr-defined]
    # Counted in the database, not from the value read above, so two concurrent failures count twice.
    failures = values["failures"] if restart else table.failures + 1
    update = {**values, "failures": failures}
    upsert: UpdateBase = statement.on_conflict_do_update(index_elements=["key_hash"], set_=update)
    return upsert
