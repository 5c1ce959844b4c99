"""What staff write about an item for the public: plain or rich text, never personal data.

Staff write the problem, the commitment, the progress and the result; they are public from
the moment they are approved or posted. Phone numbers, e-mail addresses and ID-card numbers
are refused (found as :mod:`portal.services.redaction` finds them), so that a reporter's
details cannot slip into a public page. Rich text goes through :func:`portal.sanitize.sanitize_html`
and is stored sanitized.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from markupsafe import escape

from portal.sanitize import sanitize_html
from portal.services.errors import DomainError
from portal.services.redaction import redact

TEXT_MAX = 20_000
TAGS = re.compile(r"<[^>]+>")
BLANK_LINE = re.compile(r"\n\s*\n")
PERSONAL_DATA = _l(
    "This text is public: remove the phone numbers, e-mail addresses and ID-card numbers."
)


def public_text(text: str | None, field: str, limit: int) -> str:
    """Return plain text for the public, stripped; refuse it empty, too long or personal."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_l("Please fill in this field."), field=field)
    if len(text) > limit:
        raise DomainError(_l("Use at most %(max)d characters.", max=limit), field=field)
    if redact(text) != text:
        raise DomainError(PERSONAL_DATA, field=field)
    return text


def public_html(html: str | None, field: str, required: bool = True) -> str:
    """Return staff rich text sanitized for the public; refuse it empty, too long or personal."""
    cleaned = str(sanitize_html(_paragraphs((html or "").strip()))).strip()
    words = TAGS.sub("", cleaned).strip()
    if required and not words:
        raise DomainError(_l("Please fill in this field."), field=field)
    if len(cleaned) > TEXT_MAX:
        raise DomainError(_l("Use at most %(max)d characters.", max=TEXT_MAX), field=field)
    # The markup is checked too: a mailto link carries an address.
    if redact(cleaned) != cleaned:
        raise DomainError(PERSONAL_DATA, field=field)
    return cleaned if words else ""


def _paragraphs(text: str) -> str:
    """Return text typed without markup as paragraphs, so that its line breaks are kept."""
    if "<" in text or not text:
        return text
    blocks = (block.strip() for block in BLANK_LINE.split(text.replace("\r\n", "\n")))
    return "".join(f"<p>{escape(block)}</p>".replace("\n", "<br>") for block in blocks if block)
