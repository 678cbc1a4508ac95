"""services.common.auth.accounts: sign-in, and the delays that slow guessing down, on each database."""

from __future__ import annotations

import pytest

from services.common.auth import (
    AuthSettings,
    InvalidCredentials,
    authenticate,
    create_account,
)
from services.common.db import SessionFactory, transaction
from services.common.errors import Conflict

PASSWORD = "Rentree-2026-ok"
HOME = "10.0.0.1"  # the head's own address
SETTINGS = AuthSettings()


async def make_account(sessions: SessionFactory, username: str = "Chef.0310053P") -> None:
    async with transaction(sessions) as db:
        await create_account(
            db, username=username, role="chef-etablissement", scopes=["0310053P"], password=PASSWORD
        )


async def test_sign_in_is_case_insensitive_on_the_username(sessions: SessionFactory) -> None:
    await make_account(sessions)
    account = await authenticate(sessions, " chef.0310053p ", PASSWORD, SETTINGS, source=HOME)
    assert (account.username, account.scopes) == ("chef.0310053p", ["0310053P"])


async def test_duplicate_username_is_a_conflict(sessions: SessionFactory) -> None:
    await make_account(sessions)
    with pytest.raises(Conflict) as caught:
        await make_account(sessions, "CHEF.0310053P")
    assert caught.value.code == "compte-existant"


async def test_unknown_user_and_wrong_password_get_the_same_error(sessions: SessionFactory) -> None:
    await make_account(sessions)
    with pytest.raises(InvalidCredentials):
        await authenticate(sessions, "personne", PASSWORD, SETTINGS, source=HOME)
    with pytest.raises(InvalidCredentials):
        await authenticate(sessions, "chef.0310053p", "Mauvais-mot-2026", SETTINGS, source=HOME)


async def test_oidc_only_account_cannot_sign_in_with_a_password(sessions: SessionFactory) -> None:
    async with transaction(sessions) as db:
        await create_account(db, username="agent@ac-toulouse.fr", role="superviseur")
    with pytest.raises(InvalidCredentials):
        await authenticate(sessions, "agent@ac-toulouse.fr", "", SETTINGS, source=HOME)
