"""Password rules and hashing: argon2id, at least 12 characters, not a common password."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_STRENGTH = 3  # zxcvbn score 0-4; below 3 is "too guessable" (common words, keyboard walks)
_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _HASHER.hash("njia-dummy-password-for-equal-timing")


def password_problems(password: str, email: str = "") -> list[str]:
    """Why ``password`` may not be used (empty when it is acceptable)."""
    if len(password) < MIN_LENGTH:
        return [f"Use at least {MIN_LENGTH} characters."]
    if len(password) > MAX_LENGTH:
        return [f"Use at most {MAX_LENGTH} characters."]
    user_inputs = [email, email.split("@")[0]] if email else []
    if zxcvbn(password, user_inputs=user_inputs)["score"] < MIN_STRENGTH:
        return ["This password is too common or too easy to guess; use a few unrelated words."]
    return []


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches. With no hash (unknown user) a dummy hash is checked, so
    unknown users and wrong passwords take the same time."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False
