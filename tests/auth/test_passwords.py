"""services.common.auth.passwords: argon2id hashes and the strength rule."""

from __future__ import annotations

import pytest

from services.common.auth import WeakPassword, check_strength, hash_password, verify_password


def test_hash_is_argon2id_with_its_own_salt() -> None:
    first, second = hash_password("Correct-horse-42"), hash_password("Correct-horse-42")
    assert first.startswith("$argon2id$")
    assert first != second


def test_verify_accepts_the_password_only() -> None:
    stored = hash_password("Correct-horse-42")
    assert verify_password(stored, "Correct-horse-42")
    assert not verify_password(stored, "correct-horse-42")


def test_missing_or_broken_hash_never_verifies() -> None:
    assert not verify_password(None, "netsynchro-dummy-password")
    assert not verify_password("not-a-hash", "anything")


@pytest.mark.parametrize("password", ["court-1", "seulementdeslettres", "123456789012345"])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_strength(password)


def test_long_mixed_password_is_accepted() -> None:
    check_strength("rentree 2026 sans souci")
