"""Expired sign-in sessions of the console are deleted; live ones stay."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from services.common.auth import AuthSettings, open_session, utc_now
from services.common.auth.models import WebSession
from services.common.db import SessionFactory, transaction
from services.supervision.housekeeping import purge_sessions_once


async def test_expired_sessions_are_purged_and_live_ones_kept(sessions: SessionFactory) -> None:
    settings = AuthSettings()
    long_ago = utc_now() - timedelta(days=30)
    async with transaction(sessions) as db:
        expired = await open_session(db, settings, long_ago)
        live = await open_session(db, settings, utc_now())
    assert await purge_sessions_once(sessions) == 1
    async with sessions() as db:
        left = (await db.exec(select(WebSession.token_hash))).all()
    assert left == [live.record.token_hash]
    assert expired.record.token_hash not in left
