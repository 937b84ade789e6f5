"""Argon2id password hashing."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
NO_PASSWORD = "!"  # noqa: S105 - a marker, never a password: no hash looks like it
"""What an account without a password stores: no password verifies against it, so no one
logs in to the account until it is given one (`liptako users set-password`)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def random_password() -> str:
    """A password for a first account, printed once and never stored in clear."""
    return secrets.token_urlsafe(18)
