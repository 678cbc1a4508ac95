"""Password hashing (argon2id) and the minimum strength of a password chosen by a person."""

from __future__ import annotations

import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from services.common.auth.errors import WeakPassword

# argon2-cffi's defaults are RFC 9106's "second recommended option" (argon2id, t=3, m=64 MiB, p=4).
_HASHER = PasswordHasher()
# Verified when the account does not exist, so that an unknown user costs the same time as a known one.
_DUMMY_HASH = _HASHER.hash("netsynchro-dummy-password")


def hash_password(password: str) -> str:
    """An argon2id hash in PHC string format (parameters and salt included)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a None hash (no such account, or an OIDC-only account) costs one
    verification too and is always False."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's: rehash at the next login."""
    return _HASHER.check_needs_rehash(password_hash)


def check_strength(password: str, *, min_length: int = 12) -> None:
    """Raise :class:`WeakPassword` unless the password is long enough and mixes letters and digits or
    symbols. Length matters most; the mix rule only rejects the laziest choices."""
    if len(password) < min_length:
        raise WeakPassword(f"Le mot de passe doit contenir au moins {min_length} caractères.")
    has_letter = any(c.isalpha() for c in password)
    has_other = any(c.isdigit() or c in string.punctuation or c.isspace() for c in password)
    if not (has_letter and has_other):
        raise WeakPassword("Le mot de passe doit mélanger des lettres et des chiffres ou des symboles.")
