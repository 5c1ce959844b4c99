"""The one way staff-written rich text becomes HTML.

Citizens write plain text, which Jinja escapes; they never get here. Staff text (answers,
commitments, notices) may carry a little formatting, cleaned by nh3, the Rust ammonia
library's binding. bleach, the usual choice, reached its end of life on 2026-06-05 with no
further releases, security fixes included.
"""

from __future__ import annotations

import nh3
from markupsafe import Markup

from portal.forms import CONTROL_CHARACTERS

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "blockquote", "h3", "h4", "a"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitize_html(html: str) -> Markup:
    """Return staff-written HTML with everything but simple formatting and links removed.

    Control characters (a bidi override, a bell, ...) are removed too, typed or written as
    character references: the public must read the text as it is stored.
    """
    cleaned = _clean(CONTROL_CHARACTERS.sub("", html))
    if CONTROL_CHARACTERS.search(cleaned):
        # A reference such as &#8238; is a character only once parsed. Removing it from the
        # cleaned HTML may join what nh3 judged harmless ("java&#1;script:"), so clean again.
        cleaned = _clean(CONTROL_CHARACTERS.sub("", cleaned))
    return Markup(cleaned)  # noqa: S704  (nh3 has just cleaned it)


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
