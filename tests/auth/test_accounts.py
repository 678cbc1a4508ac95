"""services.common.auth.accounts: sign-in, failure counting and lock-out, on each database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.common.auth import (
    AccountLocked,
    AuthSettings,
    InvalidCredentials,
    authenticate,
    create_account,
    find_account,
    utc_now,
)
from services.common.db import SessionFactory, transaction
from services.common.errors import Conflict

PASSWORD = "Rentree-2026-ok"
SETTINGS = AuthSettings(max_failures=3, lockout_minutes=15)


async def make_account(sessions: SessionFactory, username: str = "Chef.0310053P") -> None:
    async with transaction(sessions) as db:
        await create_account(
            db, username=username, role="chef-etablissement", scopes=["0310053P"], password=PASSWORD
        )


async def test_sign_in_is_case_insensitive_on_the_username(sessions: SessionFactory) -> None:
    await make_account(sessions)
    account = await authenticate(sessions, " chef.0310053p ", PASSWORD, SETTINGS)
    assert (account.username, account.scopes) == ("chef.0310053p", ["0310053P"])


async def test_duplicate_username_is_a_conflict(sessions: SessionFactory) -> None:
    await make_account(sessions)
    with pytest.raises(Conflict) as caught:
        await make_account(sessions, "CHEF.0310053P")
    assert caught.value.code == "compte-existant"


async def test_unknown_user_and_wrong_password_get_the_same_error(sessions: SessionFactory) -> None:
    await make_account(sessions)
    with pytest.raises(InvalidCredentials):
        await authenticate(sessions, "personne", PASSWORD, SETTINGS)
    with pytest.raises(InvalidCredentials):
        await authenticate(sessions, "chef.0310053p", "Mauvais-mot-2026", SETTINGS)


async def test_account_locks_after_repeated_failures_even_for_the_right_password(
    sessions: SessionFactory,
) -> None:
    await make_account(sessions)
    for _ in range(SETTINGS.max_failures):
        with pytest.raises(InvalidCredentials):
            await authenticate(sessions, "chef.0310053p", "Mauvais-mot-2026", SETTINGS)

    with pytest.raises(AccountLocked):
        await authenticate(sessions, "chef.0310053p", PASSWORD, SETTINGS)
    later = utc_now() + timedelta(minutes=SETTINGS.lockout_minutes, seconds=1)
    assert (await authenticate(sessions, "chef.0310053p", PASSWORD, SETTINGS, now=later)).id


async def test_success_resets_the_failure_count(sessions: SessionFactory) -> None:
    await make_account(sessions)
    for _ in range(SETTINGS.max_failures - 1):
        with pytest.raises(InvalidCredentials):
            await authenticate(sessions, "chef.0310053p", "Mauvais-mot-2026", SETTINGS)
    await authenticate(sessions, "chef.0310053p", PASSWORD, SETTINGS)

    async with transaction(sessions) as db:
        account = await find_account(db, "chef.0310053p")
    assert account is not None
    assert (account.failed_attempts, account.locked_until) == (0, None)


async def test_oidc_only_account_cannot_sign_in_with_a_password(sessions: SessionFactory) -> None:
    async with transaction(sessions) as db:
        await create_account(db, username="agent@ac-toulouse.fr", role="superviseur")
    with pytest.raises(InvalidCredentials):
        await authenticate(sessions, "agent@ac-toulouse.fr", "", SETTINGS)
