"""Redaction: a reporter's own words as image supervisors and custodians read them.

Phone numbers, e-mail addresses and ID-card numbers become "[redacted]" (in the reader's
language), whoever they
belong to, and so does every detail the reporter gave about themselves (name, phone, e-mail,
address). Those details are unsealed here on the server only to be found and blanked: they
are never returned, shown or logged, so unsealing them for this is not an audited reading.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import astuple

from flask_babel import lazy_gettext as _l

from portal.models import Case
from portal.services.intake import contact_details

#: What stands in place of a blanked detail.
REDACTED = _l("[redacted]")

#: A digit, half-width or full-width (Chinese input methods type both).
_D = "[0-9０-９]"
#: What people put between groups of digits.
_SEP = r"[ \t\-－.·]?"
_ID_CARD = rf"{_D}{{6}}{_SEP}{_D}{{8}}{_SEP}{_D}{{3}}[0-9０-９XxＸｘ]|{_D}{{15}}"
_MOBILE = rf"(?:[+＋]?(?:86|８６){_SEP})?[1１][3-9３-９]{_D}(?:{_SEP}{_D}{{4}}){{2}}"
_LANDLINE = rf"[(（]?[0０]{_D}{{2,3}}[)）]?{_SEP}{_D}{{3,4}}{_SEP}{_D}{{4}}"
#: Numbers stand alone: never a run of digits cut out of a longer one.
NUMBERS = re.compile(rf"(?<![0-9０-９])(?:{_ID_CARD}|{_MOBILE}|{_LANDLINE})(?![0-9０-９])")
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
#: Shorter details would blank ordinary words (a one-character name is a common character).
MIN_DETAIL = 2
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def redact(text: str | None, known: Iterable[str] = ()) -> str:
    """Blank phone numbers, e-mail addresses, ID-card numbers and the known details."""
    if not text:
        return ""
    for detail in sorted({d.strip() for d in known if d}, key=len, reverse=True):
        if len(detail) >= MIN_DETAIL:
            text = _detail_pattern(detail).sub(str(REDACTED), text)
    marker = str(REDACTED)
    text = NUMBERS.sub(marker, text)
    return EMAIL.sub(marker, text)


def reporter_redactor(case: Case) -> Callable[[str | None], str]:
    """Return a function that redacts text of a case, knowing its reporter's sealed details."""
    details = contact_details(case)
    known = tuple(value for value in astuple(details) if value) if details else ()
    return lambda text: redact(text, known)


def _detail_pattern(detail: str) -> re.Pattern[str]:
    """Match a detail as written, or, for a number, its digits with any separators."""
    digits = "".join(str(int(char)) for char in detail if char.isdecimal())
    if len(digits) >= 5 and len(digits) * 2 >= len(detail):
        parts = [f"[{d}{d.translate(FULL_WIDTH)}]" for d in digits]
        return re.compile(r"[ \t\-－.·()（）]*".join(parts))
    return re.compile(re.escape(detail), re.IGNORECASE)
