"""Receipts: the secret that lets a reporter follow a case without an account.

A receipt is 27 random characters of Crockford's base32 (135 bits from ``secrets``) and one
check character, printed in seven groups of four so that it can be read aloud over the
phone. Crockford's alphabet has no I, L, O or U, and reading accepts the look-alikes. Only an
HMAC-SHA256 of the receipt under the server's pepper is stored: the receipt is random and
long, so a keyed hash is enough, and a slow password hash would only slow the track page.
Ballot codes (``portal.services.ballots``) are shorter codes of the same alphabet and check.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 27
GROUP_SIZE = 4
LENGTH = RANDOM_LENGTH + 1
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_receipt() -> str:
    """Return a fresh receipt, formatted in groups."""
    return finish_code("".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH)))


def finish_code(body: str) -> str:
    """Append the check character to a code's random body and split it into groups."""
    return format_receipt(body + _check_character(body))


def format_receipt(compact: str) -> str:
    """Split a compact receipt into dash-separated groups of four."""
    return "-".join(compact[i : i + GROUP_SIZE] for i in range(0, len(compact), GROUP_SIZE))


def normalize_receipt(text: str, length: int = LENGTH) -> str | None:
    """Return the compact form of a typed receipt (or code of that length), or None.

    Spaces, dashes and case are ignored and look-alike letters read as digits; a wrong
    length, a foreign character or a failed check character (a typo) gives None.
    """
    compact = "".join(text.split()).replace("-", "").upper().translate(_LOOK_ALIKES)
    if len(compact) != length or any(char not in _VALUES for char in compact):
        return None
    body, check = compact[:-1], compact[-1]
    if _check_character(body) != check:
        return None
    return compact


def hash_receipt(compact: str, pepper: str) -> str:
    """Return the keyed hash under which a receipt is stored."""
    return hmac.new(pepper.encode(), compact.encode(), hashlib.sha256).hexdigest()


def hashes_match(stored: str, candidate: str) -> bool:
    """Compare two receipt hashes in constant time."""
    return hmac.compare_digest(stored.encode(), candidate.encode())


def _check_character(body: str) -> str:
    """Return the Luhn mod 32 check character: it catches every single-character typo."""
    base = len(ALPHABET)
    factor, total = 2, 0
    for char in reversed(body):
        addend = factor * _VALUES[char]
        total += addend // base + addend % base
        factor = 1 if factor == 2 else 2
    return ALPHABET[(base - total % base) % base]
