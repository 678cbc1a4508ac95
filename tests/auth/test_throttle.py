"""Sign-in costs the same for any user name, and failures slow the guesser down without locking anyone
out: no timing is measured, the policy's delays and the verifier's calls are asserted instead."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.common.auth import (
    AuthSettings,
    InvalidCredentials,
    SignInThrottled,
    accounts,
    authenticate,
    create_account,
    passwords,
    utc_now,
)
from services.common.auth.throttle import DelayPolicy, ThrottleSettings
from services.common.db import SessionFactory, transaction

PASSWORD = "Rentree-2026-ok"
WRONG = "Mauvais-mot-2026"
HEAD = "chef.0310053p"
HOME, STRANGER = "10.0.0.1", "203.0.113.9"
SETTINGS = AuthSettings()


@pytest.fixture
async def head(sessions: SessionFactory) -> None:
    async with transaction(sessions) as db:
        await create_account(
            db, username=HEAD, role="chef-etablissement", scopes=["0310053P"], password=PASSWORD
        )
        await create_account(db, username="ancien.chef", role="chef-etablissement", password=PASSWORD)
        (await accounts.find_account(db, "ancien.chef")).active = False  # type: ignore[union-attr]


async def fail(sessions: SessionFactory, username: str, source: str, times: int, now: datetime) -> None:
    for _ in range(times):
        with pytest.raises(InvalidCredentials):
            await authenticate(sessions, username, WRONG, SETTINGS, source=source, now=now)


def test_delays_double_after_the_free_failures_up_to_the_cap() -> None:
    policy = DelayPolicy(free_failures=5, base_seconds=1, max_seconds=900)
    delays = [policy.delay(failures).total_seconds() for failures in (0, 4, 5, 6, 7, 14, 15, 60)]
    assert delays == [0, 0, 1, 2, 4, 512, 900, 900]


def test_the_default_policy_never_locks_an_account_for_more_than_a_minute() -> None:
    defaults = ThrottleSettings()
    assert defaults.per_account.delay(10_000) == timedelta(minutes=1)
    # One source must fail many times before the account-wide delay starts.
    assert defaults.per_account.free_failures >= 10 * defaults.per_account_and_source.free_failures


async def test_an_unknown_or_disabled_user_costs_one_argon2_verification_too(
    sessions: SessionFactory, head: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified: list[str] = []
    real_verify = passwords._HASHER.verify

    class SpyHasher:
        def verify(self, password_hash: str, password: str) -> bool:
            verified.append(password_hash)
            return real_verify(password_hash, password)

    monkeypatch.setattr(passwords, "_HASHER", SpyHasher())
    for username in ("personne", "ancien.chef", HEAD):
        with pytest.raises(InvalidCredentials):
            await authenticate(sessions, username, WRONG, SETTINGS, source=HOME)
    assert len(verified) == 3
    assert verified[0] == verified[1] == passwords._DUMMY_HASH  # a real argon2id hash, really checked
    assert verified[0].startswith("$argon2id$")
    assert verified[2] != verified[0]


async def test_a_strangers_failures_slow_the_stranger_and_not_the_head(
    sessions: SessionFactory, head: None
) -> None:
    now = utc_now()
    await fail(sessions, HEAD, STRANGER, 5, now)
    with pytest.raises(SignInThrottled) as caught:  # even with the right password: that is the point
        await authenticate(sessions, HEAD, PASSWORD, SETTINGS, source=STRANGER, now=now)
    assert (caught.value.status, caught.value.code, caught.value.extensions) == (
        429, "connexion-ralentie", {"retry_after": 1}
    )  # fmt: skip

    account = await authenticate(sessions, HEAD, PASSWORD, SETTINGS, source=HOME, now=now)
    assert account.username == HEAD

    # The stranger waits longer after each failure: 1 s, then 2 s, then 4 s.
    waits = []
    for step in range(3):
        now += timedelta(seconds=2**step)
        await fail(sessions, HEAD, STRANGER, 1, now)
        with pytest.raises(SignInThrottled) as caught:
            await authenticate(sessions, HEAD, WRONG, SETTINGS, source=STRANGER, now=now)
        waits.append(caught.value.extensions["retry_after"])
    assert waits == [2, 4, 8]


async def test_unknown_and_existing_user_names_are_throttled_alike(
    sessions: SessionFactory, head: None
) -> None:
    """Otherwise a 429 for one and a 401 for the other would tell which accounts exist."""
    now = utc_now()
    outcomes = []
    for username in (HEAD, "personne.inconnue"):
        await fail(sessions, username, STRANGER, 5, now)
        with pytest.raises(SignInThrottled) as caught:
            await authenticate(sessions, username, WRONG, SETTINGS, source=STRANGER, now=now)
        outcomes.append(caught.value.code)
        now += timedelta(hours=2)  # the source's own count is forgotten between the two
    assert outcomes == ["connexion-ralentie", "connexion-ralentie"]
