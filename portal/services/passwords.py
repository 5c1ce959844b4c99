"""Passwords of staff accounts: Argon2id hashes and the rules a new password must pass."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from portal.models import User
from portal.services.errors import DomainError

#: Argon2id with the library's defaults (RFC 9106's second recommended profile).
_hasher = PasswordHasher()
#: A hash to verify against when the account does not exist, so both answers take as long.
_DUMMY_HASH = _hasher.hash("not a real password, only here to spend the same time")

PASSWORD_MIN, PASSWORD_MAX = 12, 200
#: The zxcvbn score (0-4) a new password needs: 3 is "safely unguessable" online and offline.
PASSWORD_MIN_SCORE = 3
TOO_SHORT = _l(
    "Use at least %(count)d characters; a phrase of a few words works well.", count=PASSWORD_MIN
)
TOO_LONG = _l("Use at most %(count)d characters.", count=PASSWORD_MAX)
TOO_COMMON = _l("This password is on the list of passwords attackers try first. Choose another.")
TOO_EASY = _l(
    "This password is too easy to guess. Make it longer with unrelated words, and "
    "leave out your name, your username and keyboard patterns."
)
#: Temporary passwords are read aloud or copied by hand: no 0/o, 1/l/i.
TEMPORARY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def hash_password(password: str) -> str:
    """Return the Argon2id hash of a password."""
    return _hasher.hash(password)


def password_matches(user: User | None, password: str) -> bool:
    """Check a password in constant time, also when there is no such account."""
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and bool(user)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether a hash was made with weaker settings than today's."""
    return _hasher.check_needs_rehash(password_hash)


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(password.lower() for password in FREQUENCY_LISTS["passwords"])


def check_password(password: str, *personal: str) -> None:
    """Refuse a new password that is too short, too long, common or easy to guess."""
    if len(password) < PASSWORD_MIN:
        raise DomainError(TOO_SHORT, field="new_password")
    if len(password) > PASSWORD_MAX:
        raise DomainError(TOO_LONG, field="new_password")
    if password.lower() in _common_passwords():
        raise DomainError(TOO_COMMON, field="new_password")
    inputs = [value for value in personal if value]
    if zxcvbn(password, user_inputs=inputs, max_length=PASSWORD_MAX)["score"] < PASSWORD_MIN_SCORE:
        raise DomainError(TOO_EASY, field="new_password")


def temporary_password() -> str:
    """Return a random password for an administrator to hand over (about 79 bits)."""
    groups = ("".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)
